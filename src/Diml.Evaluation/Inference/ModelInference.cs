using Diml.Data;
using Diml.Fitting;

namespace Diml.Evaluation.Inference;

/// <summary>
/// Inference for a fitted mechanism in one call: polish the fit's parameters on the full data
/// (<see cref="MaximumLikelihood.Polish"/>), then the standard errors there (<see cref="StandardErrors.Compute"/>); and
/// the conversions to and from what a model file stores (<see cref="SavedInference"/>).
/// </summary>
public static class ModelInference
{
    /// <summary>
    /// Mechanisms with more parameters than this get no standard errors unless asked for: the information costs
    /// <c>2p</c> gradients and <c>p²</c> numbers, and a neural mechanism's is singular in most directions (use the bootstrap).
    /// </summary>
    public const int DefaultMaxParameters = 200;

    /// <summary>
    /// Polishes <paramref name="fitted"/> on <paramref name="data"/> and computes standard errors of kind
    /// <paramref name="kind"/> at the polished estimate.
    /// </summary>
    /// <remarks>
    /// With <paramref name="learner"/> (built after the fit, so that its start values are the fit's estimates), θ is
    /// <c>[mechanism θ | raw learner values]</c> and the learner's estimates get standard errors with the mechanism's
    /// (<see cref="NaturalScale"/> maps them to their natural scale).
    /// </remarks>
    public static (PolishResult Polish, ParameterInference Inference) Run(IMechanism mechanism, ILearningRule rule, Trajectories data,
        ReadOnlySpan<float> fitted, StandardErrorKind kind = StandardErrorKind.ClusterRobust, int threads = 1, PolishOptions? options = null,
        CancellationToken cancellationToken = default, LearnerParameters? learner = null)
    {
        using var likelihood = new MechanismLikelihood(mechanism, rule, data, threads, learner);
        var start = new double[likelihood.ParameterCount];
        for (int j = 0; j < fitted.Length; j++) start[j] = fitted[j];
        if (likelihood.Learner is { } estimated)
        {
            var raw = new float[estimated.Length];
            estimated.StartRaw(raw);
            for (int j = 0; j < raw.Length; j++) start[fitted.Length + j] = raw[j];
        }
        var polish = MaximumLikelihood.Polish(likelihood, start, options, cancellationToken: cancellationToken);
        var inference = StandardErrors.Compute(likelihood, polish.Estimate, kind, cancellationToken: cancellationToken);
        return (polish, inference);
    }

    /// <summary>
    /// The estimated learner parameters on their natural scale, from the raw values at the end of θ (after the
    /// <paramref name="mechanismParameters"/> mechanism entries): <c>v = g(r̂)</c>, delta-method standard error
    /// <c>|g'(r̂)|·se(r̂)</c>, and the 95% interval <c>g(r̂ ± 1.96·se(r̂))</c>, inside the parameter's range because
    /// <c>g</c> is monotone.
    /// </summary>
    public static SavedNaturalValue[] NaturalScale(ParameterInference inference, LearnerParameters learner, int mechanismParameters)
    {
        ArgumentNullException.ThrowIfNull(inference);
        ArgumentNullException.ThrowIfNull(learner);
        var values = new List<SavedNaturalValue>();
        int j = mechanismParameters;
        for (int l = 0; l < learner.Length; l++, j++)
        {
            var range = learner.RangeOf(l);
            double raw = inference.Estimate[j], se = inference.StandardErrors[j];
            double natural = ParamTransforms.ToNatural(range, raw);
            double naturalSe = Math.Abs(ParamTransforms.Derivative(range, raw)) * se;
            const double z = 1.959963984540054;
            double a = ParamTransforms.ToNatural(range, raw - (z * se)), b = ParamTransforms.ToNatural(range, raw + (z * se));
            values.Add(new SavedNaturalValue(learner.ValueNames[l], natural, naturalSe, Math.Min(a, b), Math.Max(a, b)));
        }
        return [.. values];
    }

    /// <summary>The estimate as the float parameters of a model file.</summary>
    public static float[] ToParameters(ReadOnlySpan<double> estimate)
    {
        var parameters = new float[estimate.Length];
        for (int j = 0; j < parameters.Length; j++) parameters[j] = (float)estimate[j];
        return parameters;
    }

    /// <summary>What a model file stores of <paramref name="inference"/>.</summary>
    public static SavedInference ToSaved(ParameterInference inference, bool converged)
    {
        ArgumentNullException.ThrowIfNull(inference);
        int p = inference.Estimate.Length;
        var covariance = new double[p * p];
        for (int a = 0; a < p; a++)
            for (int b = 0; b < p; b++) covariance[(a * p) + b] = inference.Covariance[a, b];
        return new SavedInference(
            inference.Kind == StandardErrorKind.Classical ? SavedInference.Classical : SavedInference.ClusterRobust,
            inference.Clusters, inference.ScoredDecisions, inference.Nll, inference.GradientNorm, converged, inference.Rank,
            inference.Names.ToArray(), inference.Estimate.ToArray(), inference.StandardErrors.ToArray(), covariance,
            inference.Unidentified.Select(u => new SavedDirection(u.Name, u.Coefficients.ToArray())).ToArray(),
            inference.Contrasts.Select(c => new SavedContrast(c.Combination.Name, c.Estimate, c.StandardError)).ToArray());
    }

    /// <summary>
    /// The mechanism's part of a stored inference (its first <paramref name="mechanismParameters"/> entries; the rest,
    /// with estimated learner parameters, are raw learner values): the estimate, the covariance block, and whether a
    /// combination of the mechanism's parameters is identified. A payoff does not depend on the learner, so its delta
    /// method needs only this block.
    /// </summary>
    public static (double[] Estimate, double[,] Covariance, Func<double[], bool> IsIdentified) MechanismBlock(SavedInference saved, int mechanismParameters)
    {
        ArgumentNullException.ThrowIfNull(saved);
        int p = saved.Estimates.Length;
        if (mechanismParameters < 1 || mechanismParameters > p)
            throw new ArgumentOutOfRangeException(nameof(mechanismParameters), mechanismParameters, $"{nameof(mechanismParameters)}: expected 1..{p}, found {mechanismParameters}.");
        var covariance = new double[mechanismParameters, mechanismParameters];
        for (int a = 0; a < mechanismParameters; a++)
            for (int b = 0; b < mechanismParameters; b++) covariance[a, b] = saved.CovarianceAt(a, b);
        bool IsIdentified(double[] c)
        {
            var full = new double[p];
            c.AsSpan().CopyTo(full);
            return saved.IsIdentified(full);
        }
        return (saved.Estimates[..mechanismParameters], covariance, IsIdentified);
    }

    /// <summary>The <c>p × p</c> covariance of a stored inference.</summary>
    public static double[,] CovarianceOf(SavedInference saved)
    {
        ArgumentNullException.ThrowIfNull(saved);
        int p = saved.Estimates.Length;
        var covariance = new double[p, p];
        for (int a = 0; a < p; a++)
            for (int b = 0; b < p; b++) covariance[a, b] = saved.CovarianceAt(a, b);
        return covariance;
    }
}
