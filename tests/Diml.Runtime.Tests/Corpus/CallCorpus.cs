namespace Diml.Runtime.Tests.Corpus;

/// <summary>
/// Gradient corpus, calls: [Differentiable] methods calling each other (a chain of three, a call inside a
/// loop, span and scalar arguments), and every Diml.Nn primitive called from a kernel, with slices and span
/// aliases as arguments. Span arguments have length n ≥ 4.
/// </summary>
public static partial class CallCorpus
{
    [Differentiable]
    public static float Inner(float x) => x * MathF.Exp(-x * x);

    [Differentiable]
    public static float Middle(float x, float y) => Inner(x * y) + Inner(y) * x;

    [Differentiable]
    public static float Outer(float x, float y) => MathF.Tanh(Middle(x, y + 0.5f)) * y + Middle(y, x);

    /// <summary>A call inside a loop, its result accumulated and fed back into the next call.</summary>
    [Differentiable]
    public static float CallInLoop(float w, ReadOnlySpan<float> x)
    {
        float h = 0.1f;
        float s = 0f;
        for (int i = 0; i < x.Length; i++)
        {
            h = Middle(w * h + x[i], 0.5f);
            s += Inner(x[i]) * h;
        }
        return s;
    }

    [Differentiable]
    public static void Squash(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = x[i] / (1f + MathF.Abs(x[i]));
    }

    /// <summary>A call to a [Differentiable] method with an output span, on slices of scratch.</summary>
    [Differentiable]
    public static float CallsSpanHelper(ReadOnlySpan<float> x)
    {
        Span<float> h = stackalloc float[x.Length];
        Squash(x, h);
        Span<float> g = stackalloc float[2];
        Squash(h.Slice(1, 2), g);
        return Sum2(h) + g[0] * g[1];
    }

    [Differentiable]
    public static float Sum2(ReadOnlySpan<float> x)
    {
        float s = 0f;
        for (int i = 0; i < x.Length; i++) s += x[i] * x[i];
        return s;
    }

    /// <summary>The same differentiable helper called on every row of a matrix, through span aliases.</summary>
    [Differentiable]
    public static float RowsThroughHelper(ReadOnlySpan<float> w, ReadOnlySpan<float> x)
    {
        int n = 2;
        float s = 0f;
        for (int i = 0; i < w.Length / n; i++)
        {
            ReadOnlySpan<float> row = w.Slice(i * n, n);
            s += Sum2(row) * x[i];
        }
        return s;
    }

    // ------------------------------------------------------------ Nn primitives

    /// <summary>Dense with a bias, slicing W (2×2), b and x out of the inputs.</summary>
    [Differentiable]
    public static float DenseLayer(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x)
    {
        Span<float> y = stackalloc float[2];
        Nn.Dense(w.Slice(0, 4), b.Slice(0, 2), x.Slice(1, 2), y);
        return y[0] * y[1] + y[0];
    }

    /// <summary>A two-layer perceptron: Dense, Tanh, DenseNoBias, ending in Dot.</summary>
    [Differentiable]
    public static float TwoLayer(ReadOnlySpan<float> w, ReadOnlySpan<float> x)
    {
        Span<float> hidden = stackalloc float[2];
        Span<float> activated = stackalloc float[2];
        Span<float> output = stackalloc float[2];
        Nn.Dense(w.Slice(0, 4), x.Slice(2, 2), x.Slice(0, 2), hidden);
        Nn.Tanh(hidden, activated);
        Nn.DenseNoBias(w.Slice(0, 4), activated, output);
        return Nn.Dot(output, x.Slice(0, 2));
    }

    [Differentiable]
    public static float Activations(ReadOnlySpan<float> x)
    {
        Span<float> a = stackalloc float[x.Length];
        Span<float> b = stackalloc float[x.Length];
        Span<float> c = stackalloc float[x.Length];
        Nn.Relu(x, a);
        Nn.Sigmoid(x, b);
        Nn.Softplus(x, c);
        float s = 0f;
        for (int i = 0; i < x.Length; i++)
            s += a[i] * b[i] + c[i] * x[i];
        return s;
    }

    [Differentiable]
    public static float ScalarActivations(float x, float y)
        => Nn.Relu(x - 0.1f) * y + Nn.Sigmoid(x * y) + Nn.Softplus(y - x);

    [Differentiable]
    public static void SoftmaxOut(ReadOnlySpan<float> x, Span<float> y)
    {
        Span<float> scaled = stackalloc float[x.Length];
        for (int i = 0; i < x.Length; i++) scaled[i] = 2f * x[i];
        Nn.Softmax(scaled, y);
    }

    [Differentiable]
    public static float LogSoftmaxAndLogSumExp(ReadOnlySpan<float> x, ReadOnlySpan<float> w)
    {
        Span<float> logP = stackalloc float[x.Length];
        Nn.LogSoftmax(x, logP);
        return Nn.Dot(logP, w) + Nn.LogSumExp(w.Slice(1, 3));
    }

    /// <summary>Embedding: a row chosen by an index computed from the length; the table is a slice of an input.</summary>
    [Differentiable]
    public static float EmbeddingLookup(ReadOnlySpan<float> table, ReadOnlySpan<float> x)
    {
        Span<float> row = stackalloc float[2];
        int rows = table.Length / 2;
        int index = rows - 1;
        Nn.Embedding(table.Slice(0, 2 * rows), index, row);
        return row[0] * x[0] + MathF.Sin(row[1]) * x[1];
    }

    /// <summary>Dot on a span alias inside a loop: each row of W (2 wide) dotted with a slice of x.</summary>
    [Differentiable]
    public static float DotRows(ReadOnlySpan<float> w, ReadOnlySpan<float> x)
    {
        float s = 0f;
        for (int i = 0; i < w.Length / 2; i++)
        {
            ReadOnlySpan<float> row = w.Slice(i * 2, 2);
            float d = Nn.Dot(row, x.Slice(i % 2, 2));
            s += d * d;
        }
        return s;
    }

    /// <summary>A primitive writing into a slice of scratch, inside a loop.</summary>
    [Differentiable]
    public static float PrimitiveInLoop(ReadOnlySpan<float> x)
    {
        Span<float> h = stackalloc float[x.Length];
        for (int i = 0; i < x.Length / 2; i++)
            Nn.Tanh(x.Slice(2 * i, 2), h.Slice(2 * i, 2));
        float s = 0f;
        for (int i = 0; i < x.Length; i++) s += h[i] * (i + 1);
        return s;
    }

    /// <summary>A primitive overwriting the same scratch in every iteration (its old value restored in reverse).</summary>
    [Differentiable]
    public static float PrimitiveOverwritesInLoop(float w, ReadOnlySpan<float> x)
    {
        Span<float> h = stackalloc float[2];
        Span<float> z = stackalloc float[2];
        h[0] = x[0];
        h[1] = x[1];
        for (int t = 0; t < 3; t++)
        {
            z[0] = w * h[1] + x[2];
            z[1] = w * h[0] - x[3];
            Nn.Tanh(z, h);
        }
        return h[0] + 2f * h[1];
    }
}
