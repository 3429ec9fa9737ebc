namespace Diml.Runtime.Tests.Corpus;

/// <summary>
/// Gradient corpus, spans and loops: reductions, maps into output spans, stackalloc scratch, nested,
/// reverse and strided loops, recurrences that overwrite locals inside loops, running products, branches
/// inside loops. Span arguments all have the same length n (the self-checks' spanLength, at least 4).
/// </summary>
public static partial class LoopCorpus
{
    [Differentiable]
    public static float Sum(ReadOnlySpan<float> x)
    {
        float s = 0f;
        for (int i = 0; i < x.Length; i++) s += x[i];
        return s;
    }

    [Differentiable]
    public static float WeightedSumOfSquares(ReadOnlySpan<float> w, ReadOnlySpan<float> x)
    {
        float s = 0f;
        for (int i = 0; i < x.Length; i++)
            s += w[i] * x[i] * x[i];
        return s;
    }

    [Differentiable]
    public static void Map(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
            y[i] = MathF.Tanh(x[i]) * x[i] + 1f;
    }

    /// <summary>Two outputs and a scalar input.</summary>
    [Differentiable]
    public static void Affine(float a, ReadOnlySpan<float> x, Span<float> y, Span<float> z)
    {
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = a * x[i];
            z[i] = y[i] * y[i] - a;
        }
    }

    /// <summary>An Elman-style recurrence: h overwritten every iteration.</summary>
    [Differentiable]
    public static float Recurrence(float w, ReadOnlySpan<float> x)
    {
        float h = 0f;
        for (int t = 0; t < x.Length; t++)
            h = MathF.Tanh(w * h + x[t]);
        return h;
    }

    /// <summary>A running product (*=) and a running quotient (/=).</summary>
    [Differentiable]
    public static float RunningProduct(ReadOnlySpan<float> x)
    {
        float p = 1f;
        float q = 2f;
        for (int i = 0; i < x.Length; i++)
        {
            p *= x[i] + 1.5f;
            q /= 1f + x[i] * x[i];
        }
        return p + q;
    }

    /// <summary>Several locals overwritten per iteration, each reading the others' old values.</summary>
    [Differentiable]
    public static float CoupledRecurrence(float a, ReadOnlySpan<float> x)
    {
        float u = 0.5f;
        float v = -0.25f;
        for (int i = 0; i < x.Length; i++)
        {
            float nextU = MathF.Tanh(a * u - v + x[i]);
            v = u * v + MathF.Sin(x[i]);
            u = nextU;
        }
        return u * v + u;
    }

    [Differentiable]
    public static float ReverseLoop(ReadOnlySpan<float> x)
    {
        float s = 0f;
        for (int i = x.Length - 1; i >= 0; i--)
            s = s * 0.5f + x[i] * x[i];
        return s;
    }

    [Differentiable]
    public static float StepLoop(ReadOnlySpan<float> x)
    {
        float s = 0f;
        for (int i = 0; i < x.Length - 1; i += 2)
            s += x[i] * x[i + 1];
        for (int i = 1; i < x.Length; i += 2)
            s += MathF.Exp(x[i]);
        return s;
    }

    /// <summary>A nested loop: a quadratic form xᵀ·W·x with W = w ⊗ w + I read from two inputs.</summary>
    [Differentiable]
    public static float NestedLoops(ReadOnlySpan<float> w, ReadOnlySpan<float> x)
    {
        float s = 0f;
        for (int i = 0; i < x.Length; i++)
        {
            float row = 0f;
            for (int j = 0; j < x.Length; j++)
                row += w[i] * w[j] * x[j];
            s += x[i] * (row + x[i]);
        }
        return s;
    }

    /// <summary>A nested loop whose inner loop overwrites a local (tape inside a nested loop).</summary>
    [Differentiable]
    public static float NestedRecurrence(float w, ReadOnlySpan<float> x)
    {
        float total = 0f;
        for (int i = 0; i < x.Length; i++)
        {
            float h = x[i];
            for (int j = 0; j < 3; j++)
                h = MathF.Tanh(w * h + 0.1f * j);
            total += h * h;
        }
        return total;
    }

    /// <summary>A triangular nested loop with an inner bound depending on the outer variable.</summary>
    [Differentiable]
    public static float Triangular(ReadOnlySpan<float> x)
    {
        float s = 0f;
        for (int i = 0; i < x.Length; i++)
            for (int j = 0; j < i; j++)
                s += x[i] * x[j] / (1f + j);
        return s;
    }

    /// <summary>stackalloc scratch written in one loop and read in another.</summary>
    [Differentiable]
    public static float Scratch(ReadOnlySpan<float> x)
    {
        Span<float> h = stackalloc float[x.Length];
        for (int i = 0; i < x.Length; i++)
            h[i] = MathF.Exp(x[i]);
        float s = 0f;
        for (int i = 0; i < x.Length; i++)
            s += h[i] * x[i];
        return s / (1f + h[0]);
    }

    /// <summary>Scratch elements overwritten in place (a span cell as the recurrence variable).</summary>
    [Differentiable]
    public static void InPlace(ReadOnlySpan<float> x, Span<float> y)
    {
        Span<float> h = stackalloc float[x.Length];
        for (int i = 0; i < x.Length; i++) h[i] = x[i];
        for (int pass = 0; pass < 2; pass++)
            for (int i = 1; i < x.Length; i++)
                h[i] = h[i] * h[i - 1] + MathF.Sin(h[i]);
        for (int i = 0; i < x.Length; i++) y[i] = h[i];
    }

    /// <summary>A prefix sum written into the output; the output read back after being written.</summary>
    [Differentiable]
    public static void PrefixProduct(ReadOnlySpan<float> x, Span<float> y)
    {
        y[0] = x[0];
        for (int i = 1; i < x.Length; i++)
            y[i] = y[i - 1] * x[i] + x[i];
    }

    /// <summary>An output element accumulated with += over a loop, then scaled with *=.</summary>
    [Differentiable]
    public static void AccumulateOutput(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = 0f;
            for (int j = 0; j <= i; j++)
                y[i] += x[j] * x[i];
            y[i] *= 0.5f + x[i] * x[i];
        }
    }

    /// <summary>Branches inside a loop: an active condition (ReLU) and an inactive one (the index's parity).</summary>
    [Differentiable]
    public static float BranchInLoop(ReadOnlySpan<float> x)
    {
        float s = 0f;
        for (int i = 0; i < x.Length; i++)
        {
            float v = x[i] - 0.1f;
            if (v > 0f)
                s += v * v;
            else
                s -= 0.5f * v;
            if (i % 2 == 0)
                s = s * 0.9f;
        }
        return s;
    }

    /// <summary>A max-reduction: the running max overwritten under an active condition.</summary>
    [Differentiable]
    public static float RunningMax(ReadOnlySpan<float> x)
    {
        float m = x[0];
        for (int i = 1; i < x.Length; i++)
            m = x[i] > m ? x[i] : m;
        float s = 0f;
        for (int i = 0; i < x.Length; i++)
            s += MathF.Exp(x[i] - m);
        return m + MathF.Log(s);
    }

    /// <summary>Hand-written softmax into an output, normalising with a reduction.</summary>
    [Differentiable]
    public static void HandSoftmax(ReadOnlySpan<float> x, Span<float> y)
    {
        float m = MathF.Max(x[0], x[1]);
        float z = 0f;
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = MathF.Exp(x[i] - m);
            z += y[i];
        }
        for (int i = 0; i < x.Length; i++)
            y[i] /= z;
    }

    /// <summary>int arithmetic on indices: Math.Max/Min on ints, '%' and an int local counter.</summary>
    [Differentiable]
    public static float IndexMath(ReadOnlySpan<float> x)
    {
        int n = x.Length;
        int half = Math.Max(n / 2, 1);
        float s = 0f;
        int count = 0;
        for (int i = 0; i < n; i++)
        {
            int j = (i + half) % n;
            int k = Math.Min(i + 1, n - 1);
            s += x[i] * x[j] - x[k];
            count++;
        }
        return s / count;
    }
}
