namespace Diml.Runtime.Tests.Corpus;

/// <summary>
/// Gradient corpus, edge cases: names that collide with the emitted code's own, aliases of outputs,
/// calls in conditions and branches, locals declared without a value inside loops, bool locals.
/// </summary>
public static partial class EdgeCorpus
{
    /// <summary>User locals named like the adjoint code's temporaries and bookkeeping.</summary>
    [Differentiable]
    public static float CollidingNames(float x, float y)
    {
        float seed1 = x * y;
        float tanh1 = MathF.Tanh(seed1);
        float argumentBar1 = CallCorpus.Inner(tanh1);
        float iteration1 = 0f;
        for (int loop1Start = 0; loop1Start < 3; loop1Start++)
            iteration1 = iteration1 * y + argumentBar1;
        int branch1 = x > 0f ? 1 : 0;
        return iteration1 + branch1 * x;
    }

    /// <summary>A local named like another parameter's adjoint.</summary>
    [Differentiable]
    public static float LocalNamedLikeAdjoint(float x, float y)
    {
        float xBar = x * x;
        float yBarWork = xBar * y;
        return yBarWork + xBar;
    }

    /// <summary>Writes through a writable alias of an output span.</summary>
    [Differentiable]
    public static void WritesThroughAlias(ReadOnlySpan<float> x, Span<float> y)
    {
        Span<float> head = y.Slice(0, 2);
        Span<float> tail = y.Slice(2, y.Length - 2);
        head[0] = x[0] * x[1];
        head[1] = MathF.Exp(x[1]);
        for (int i = 0; i < tail.Length; i++) tail[i] = x[i + 2] * head[0];
    }

    /// <summary>Calls inside a condition, a '?:' and as each other's arguments.</summary>
    [Differentiable]
    public static float CallsInBranches(float x, float y)
    {
        float r = CallCorpus.Inner(CallCorpus.Inner(x) + y);
        if (CallCorpus.Inner(y) > 0f)
            r += CallCorpus.Middle(x, y);
        return x > y ? r * CallCorpus.Inner(x) : r - CallCorpus.Inner(y);
    }

    /// <summary>A local declared without a value inside a loop, set on both sides of a branch.</summary>
    [Differentiable]
    public static float DeclaredWithoutValue(ReadOnlySpan<float> x)
    {
        float s = 0f;
        for (int i = 0; i < x.Length; i++)
        {
            float v;
            bool positive = x[i] > 0f;
            if (positive) v = x[i] * x[i];
            else v = -x[i];
            s += v * s + v;
        }
        return s;
    }

    /// <summary>Increments and decrements of real locals, and a -= recurrence with a read of the old value.</summary>
    [Differentiable]
    public static float Increments(float x)
    {
        float a = x;
        a++;
        a *= a;
        a--;
        float b = x;
        for (int i = 0; i < 3; i++) b -= 0.1f * b * b;
        return a + b;
    }

    /// <summary>A differentiable call with an int argument, from a kernel.</summary>
    [Differentiable]
    public static float CallsIntHelper(float x, float y) => IntParameterCorpus.IntPower(x + y, 3) * y;

    /// <summary>Loops with '&lt;=', '&gt;' and a negative stride.</summary>
    [Differentiable]
    public static float LoopShapes(ReadOnlySpan<float> x)
    {
        float s = 0f;
        for (int i = 1; i <= x.Length - 1; i++) s = s * x[i - 1] + x[i];
        for (int i = x.Length - 1; i > 0; i -= 2) s = MathF.Sin(s) + x[i] * s;
        return s;
    }

    /// <summary>Reads a local overwritten inside a branch inside a loop, in an active condition.</summary>
    [Differentiable]
    public static float ClampedRecurrence(float w, ReadOnlySpan<float> x)
    {
        float h = 0.2f;
        for (int t = 0; t < x.Length; t++)
        {
            h = w * h + x[t];
            if (h > 0.5f) h = 0.5f + 0.1f * (h - 0.5f);
            if (h < -0.5f) h = -0.5f + 0.1f * (h + 0.5f);
        }
        return h * h;
    }

    /// <summary>A void expression-bodied kernel calling a primitive.</summary>
    [Differentiable]
    public static void ExpressionBodiedVoid(ReadOnlySpan<float> x, Span<float> y) => Nn.Sigmoid(x, y);

    /// <summary>An output only partly active: some cells constants, others active.</summary>
    [Differentiable]
    public static void PartlyConstantOutput(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < y.Length; i++) y[i] = i;
        y[1] = x[0] * x[1];
    }

    /// <summary>An active scalar adjoint propagated through a primitive's scalar-returning call inside a loop.</summary>
    [Differentiable]
    public static float LogSumExpInLoop(ReadOnlySpan<float> x)
    {
        float s = 0f;
        for (int i = 0; i < x.Length / 2; i++)
            s += Nn.LogSumExp(x.Slice(i, 2)) * (s + 1f);
        return s;
    }
}

/// <summary>Instance kernels using constant array fields as span arguments of primitives.</summary>
public sealed partial class FieldArguments
{
    private readonly float[] _weights = [0.5f, -1.25f, 2f, 0.75f];
    private readonly float[,] _matrix = { { 0.5f, -1f }, { 0.25f, 2f } };

    [Differentiable]
    public float DotWithField(ReadOnlySpan<float> x) => Nn.Dot(_weights, x.Slice(0, 4));

    [Differentiable]
    public float DenseWithMatrixField(ReadOnlySpan<float> x)
    {
        Span<float> y = stackalloc float[2];
        Nn.Dense(_matrix, x.Slice(0, 2), x.Slice(2, 2), y);
        return y[0] * y[1];
    }
}
