namespace Diml.Runtime.Tests.Corpus;

/// <summary>
/// Gradient corpus, instance methods: fields and properties of the object are constants of the kernel.
/// </summary>
public sealed partial class InstanceCorpus(float scale, int order)
{
    private readonly float _scale = scale;
    private readonly float[] _weights = [0.5f, -1.25f, 2f, 0.75f, -0.3f, 1.1f, 0.2f, -0.6f];

    public int Order { get; } = order;

    public float Offset => 0.25f;

    [Differentiable]
    public float Scaled(float x, float y) => _scale * x * y + Offset;

    [Differentiable]
    public float Polynomial(float x)
    {
        float s = 0f;
        float power = 1f;
        for (int k = 0; k < Order; k++)
        {
            s += _weights[k] * power;
            power *= x;
        }
        return s;
    }

    [Differentiable]
    public float WeightedNorm(ReadOnlySpan<float> x)
    {
        float s = 0f;
        for (int i = 0; i < x.Length; i++)
            s += _weights[i % _weights.Length] * x[i] * x[i];
        return MathF.Sqrt(s * s + _scale);
    }

    /// <summary>An instance method calling an instance method and a static one.</summary>
    [Differentiable]
    public float Composite(float x, float y) => Scaled(Polynomial(x), y) + CallCorpus.Inner(_scale * y);
}

/// <summary>Gradient corpus, int parameters: no generated self-check, checked through an explicit adapter.</summary>
public static partial class IntParameterCorpus
{
    /// <summary>A power by repeated multiplication, the exponent an int parameter.</summary>
    [Differentiable]
    public static float IntPower(float x, int k)
    {
        float p = 1f;
        for (int i = 0; i < k; i++) p *= x;
        return p;
    }

    /// <summary>A window of a span chosen by int parameters; the loop bounds come from them.</summary>
    [Differentiable]
    public static float Window(ReadOnlySpan<float> x, int start, int length)
    {
        float s = 0f;
        int end = Math.Min(start + length, x.Length);
        for (int i = Math.Max(start, 0); i < end; i++) s += x[i] * x[i] * (i - start + 1);
        return s;
    }

    /// <summary>A bool parameter choosing a branch and int spans indexing the input.</summary>
    [Differentiable]
    public static float Gather(ReadOnlySpan<float> x, ReadOnlySpan<int> indices, bool squared)
    {
        float s = 0f;
        for (int i = 0; i < indices.Length; i++)
        {
            float v = x[indices[i]];
            if (squared) s += v * v;
            else s += MathF.Exp(v);
        }
        return s;
    }

    /// <summary>An embedding row selected by an int parameter, then scaled.</summary>
    [Differentiable]
    public static void EmbedScaled(ReadOnlySpan<float> table, int index, float scale, Span<float> y)
    {
        Nn.Embedding(table, index, y);
        for (int i = 0; i < y.Length; i++) y[i] *= scale;
    }
}
