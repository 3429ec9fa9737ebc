namespace Diml.Fitting;

/// <summary>
/// Adam with PyTorch's semantics (<c>torch.optim.Adam</c>, single-tensor path of PyTorch 1.13, the
/// reference's version): weight decay is added to the gradient (L2, not decoupled), moments are updated as
/// <c>m = β1·m + (1−β1)·g</c> and <c>v = β2·v + (1−β2)·g²</c>, and the step is
/// <c>θ −= (lr / (1−β1^t)) · m / (√v / √(1−β2^t) + eps)</c>. Scalars are computed in double (as Python
/// does), elementwise work in float (as a float32 tensor does).
/// </summary>
public sealed class AdamOptimizer
{
    private readonly float[] _m, _v;
    private readonly double _learningRate, _beta1, _beta2, _epsilon, _weightDecay;

    /// <summary>An optimiser for <paramref name="parameters"/> parameters.</summary>
    public AdamOptimizer(int parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-8, double weightDecay = 0)
    {
        if (parameters < 0) ThrowHelper.ArgumentOutOfRange(nameof(parameters), "a count ≥ 0", parameters);
        ThrowHelper.IfNotPositiveFinite(learningRate, nameof(learningRate));
        if (!(beta1 >= 0 && beta1 < 1)) ThrowHelper.ArgumentOutOfRange(nameof(beta1), "a value in [0, 1)", beta1);
        if (!(beta2 >= 0 && beta2 < 1)) ThrowHelper.ArgumentOutOfRange(nameof(beta2), "a value in [0, 1)", beta2);
        ThrowHelper.IfNotPositiveFinite(epsilon, nameof(epsilon));
        ThrowHelper.IfNegativeOrNotFinite(weightDecay, nameof(weightDecay));
        _m = new float[parameters];
        _v = new float[parameters];
        _learningRate = learningRate;
        _beta1 = beta1;
        _beta2 = beta2;
        _epsilon = epsilon;
        _weightDecay = weightDecay;
    }

    /// <summary>Number of steps taken so far.</summary>
    public int StepCount { get; private set; }

    /// <summary>First-moment estimates (exp_avg).</summary>
    public ReadOnlySpan<float> FirstMoment => _m;

    /// <summary>Second-moment estimates (exp_avg_sq).</summary>
    public ReadOnlySpan<float> SecondMoment => _v;

    /// <summary>Restores the state saved from <see cref="StepCount"/>, <see cref="FirstMoment"/> and <see cref="SecondMoment"/> (checkpoints).</summary>
    public void Restore(int stepCount, ReadOnlySpan<float> firstMoment, ReadOnlySpan<float> secondMoment)
    {
        if (stepCount < 0) ThrowHelper.ArgumentOutOfRange(nameof(stepCount), "a count ≥ 0", stepCount);
        if (firstMoment.Length != _m.Length) ThrowHelper.Argument(nameof(firstMoment), $"{_m.Length} entries", firstMoment.Length);
        if (secondMoment.Length != _v.Length) ThrowHelper.Argument(nameof(secondMoment), $"{_v.Length} entries", secondMoment.Length);
        StepCount = stepCount;
        firstMoment.CopyTo(_m);
        secondMoment.CopyTo(_v);
    }

    /// <summary>
    /// Takes one step: updates <paramref name="parameters"/> in place from <paramref name="gradient"/> (which
    /// is left unchanged; the weight-decay term is added on the fly).
    /// </summary>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradient)
    {
        if (parameters.Length != _m.Length) ThrowHelper.Argument(nameof(parameters), $"{_m.Length} parameters", parameters.Length);
        if (gradient.Length != _m.Length) ThrowHelper.Argument(nameof(gradient), $"{_m.Length} entries", gradient.Length);
        int step = ++StepCount;
        double biasCorrection1 = 1 - Math.Pow(_beta1, step);
        double biasCorrection2 = 1 - Math.Pow(_beta2, step);
        // PyTorch passes these Python floats to float32 kernels, which round them to float.
        float stepSize = (float)(_learningRate / biasCorrection1);
        float biasCorrection2Sqrt = (float)Math.Sqrt(biasCorrection2);
        float beta1 = (float)_beta1, oneMinusBeta1 = (float)(1 - _beta1);
        float beta2 = (float)_beta2, oneMinusBeta2 = (float)(1 - _beta2);
        float epsilon = (float)_epsilon, weightDecay = (float)_weightDecay;
        for (int j = 0; j < parameters.Length; j++)
        {
            float g = gradient[j];
            if (weightDecay != 0) g += weightDecay * parameters[j];
            float m = (_m[j] * beta1) + (oneMinusBeta1 * g);
            float v = (_v[j] * beta2) + (oneMinusBeta2 * g * g);
            _m[j] = m;
            _v[j] = v;
            float denominator = (MathF.Sqrt(v) / biasCorrection2Sqrt) + epsilon;
            parameters[j] -= stepSize * (m / denominator);
        }
    }
}
