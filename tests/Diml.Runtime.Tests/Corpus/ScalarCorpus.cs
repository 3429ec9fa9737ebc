namespace Diml.Runtime.Tests.Corpus;

/// <summary>
/// Gradient corpus, scalars: arithmetic, every differentiable Math function, piecewise functions written
/// by hand, branches on active and inactive conditions, early returns, double locals and constants.
/// Inputs are random in [−1, 1]; functions that need a positive argument make one (x² + c).
/// </summary>
public static partial class ScalarCorpus
{
    private const float Half = 0.5f;

    [Differentiable]
    public static float Arithmetic(float x, float y) => x * y + x / (y * y + 1f) - y;

    [Differentiable]
    public static float UnaryMinus(float x, float y) => -x * y + -(x - y * y);

    [Differentiable]
    public static float Quotient(float x, float y)
    {
        float denominator = x * x + y * y + 0.25f;
        return (x - 2f * y) / denominator;
    }

    [Differentiable]
    public static float ExpLog(float x, float y) => MathF.Exp(x * y) + MathF.Log(x * x + 1f) - MathF.Log(1.5f + y);

    [Differentiable]
    public static float TanhOf(float x, float y) => MathF.Tanh(2f * x - y) * MathF.Tanh(y);

    [Differentiable]
    public static float SqrtOf(float x, float y) => MathF.Sqrt(x * x + y * y + 1f);

    [Differentiable]
    public static float PowBoth(float x, float y) => MathF.Pow(x * x + Half, y + 1f);

    [Differentiable]
    public static float PowConstantExponent(float x) => MathF.Pow(x * x + 1f, 2.5f) + MathF.Pow(2f, x);

    [Differentiable]
    public static float AbsOf(float x, float y) => MathF.Abs(x - 0.3f * y) + MathF.Abs(y) * x;

    /// <summary>Conditional expressions as the argument of Abs and the exponent of Pow: their derivative rules must
    /// bracket the argument (<c>MathF.Abs(c ? a : b)</c>), or the chain factor binds to one branch only.</summary>
    [Differentiable]
    public static float AbsOfConditional(float x, float y) => MathF.Abs(x > 0.2f ? x * y - 1f : y - 2f * x) * 2f + x;

    [Differentiable]
    public static float PowOfConditional(float x, float y) => MathF.Pow(x * x + 1f, y > 0f ? y + 1f : 2f - y) + MathF.Pow(y > 0.5f ? y * y + 1f : 1.5f - x, 1.5f);

    [Differentiable]
    public static float MaxMin(float x, float y) => MathF.Max(x, y) * 2f + MathF.Min(x * y, 0.1f) + MathF.Max(0f, x);

    [Differentiable]
    public static float SinCos(float x, float y) => MathF.Sin(3f * x) * MathF.Cos(y - x) + MathF.Cos(x * y);

    /// <summary>A logistic sigmoid written by hand in its numerically stable two-branch form.</summary>
    [Differentiable]
    public static float HandSigmoid(float x)
    {
        float z = 3f * x;
        if (z >= 0f)
        {
            float e = MathF.Exp(-z);
            return 1f / (1f + e);
        }
        else
        {
            float e = MathF.Exp(z);
            return e / (1f + e);
        }
    }

    /// <summary>Softplus with '?:' choosing the stable form on an active condition.</summary>
    [Differentiable]
    public static float HandSoftplus(float x)
    {
        float z = 4f * x;
        return z > 0f ? z + MathF.Log(1f + MathF.Exp(-z)) : MathF.Log(1f + MathF.Exp(z));
    }

    [Differentiable]
    public static float HandRelu(float x, float y)
    {
        float a = x - 0.2f * y;
        float relu = a > 0f ? a : 0f;
        float leaky = y > 0f ? y : 0.1f * y;
        return relu * 3f + leaky * x;
    }

    /// <summary>if/else on an active condition assigning a local on each side.</summary>
    [Differentiable]
    public static float BranchActive(float x, float y)
    {
        float r;
        if (x * y > 0f)
            r = x * x * y;
        else
            r = MathF.Exp(y) - x;
        return r * 2f;
    }

    /// <summary>if without else, the local keeping its value on the other path.</summary>
    [Differentiable]
    public static float BranchNoElse(float x, float y)
    {
        float r = x + y;
        if (x > y) r = r * x;
        return r;
    }

    /// <summary>Early returns, normalised to tail position.</summary>
    [Differentiable]
    public static float EarlyReturn(float x, float y)
    {
        if (x > 0f) return x * y;
        float t = y * y;
        if (y > 0f) return t - x;
        return t * x + 1f;
    }

    /// <summary>Double locals: the float method computes them in double, the kernels in their own precision.</summary>
    [Differentiable]
    public static float DoubleLocals(float x, float y)
    {
        double a = x * 2.0;
        double b = a * y + Math.Exp(a);
        return (float)(b / (1.0 + a * a));
    }

    [Differentiable]
    public static float Constants(float x)
    {
        const float scale = 1.5f;
        const int power = 3;
        float y = x * scale;
        return y * power + MathF.PI * x + Half;
    }

    /// <summary>*= and /= on a scalar, then -= and +=.</summary>
    [Differentiable]
    public static float CompoundAssign(float x, float y)
    {
        float r = x + 2f;
        r *= y;
        r /= x * x + 1f;
        r -= x;
        r += y * r;
        r *= r;
        return r;
    }

    /// <summary>A parameter reassigned in the body.</summary>
    [Differentiable]
    public static float ReassignParameter(float x, float y)
    {
        x = x * y + 1f;
        y = MathF.Tanh(x);
        return x * y;
    }

    /// <summary>A result of a [NonDifferentiable] helper used as a constant factor, and as a branch condition.</summary>
    [Differentiable]
    public static float UsesNonDifferentiable(float x, float y)
    {
        float s = Step(x);
        float r = s * y + x;
        if (Step(y) > 0f) r = r * y;
        return r + MathF.Floor(3f * x) * y;
    }

    [NonDifferentiable]
    public static float Step(float x) => x > 0f ? 1f : -1f;

    /// <summary>Nested '?:' and comparison chains.</summary>
    [Differentiable]
    public static float NestedConditional(float x, float y)
        => x > 0f ? (y > 0f ? x * y : x - y) : (y > x ? y * y : MathF.Exp(x));

    /// <summary>Casts between int and real: an inactive int part and active reals.</summary>
    [Differentiable]
    public static float IntMath(float x, float y)
    {
        int k = (int)MathF.Floor(2f * x + 3f);
        int m = Math.Max(k, 2) + Math.Min(k, 1) + Math.Abs(k - 4);
        return x * m + y / (m + 1);
    }
}
