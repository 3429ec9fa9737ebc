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
    public static (PolishResult Polish, ParameterInference Inference) Run(IMechanism mechanism, ILearningRule rule, Trajectories data,
        ReadOnlySpan<float> fitted, StandardErrorKind kind = StandardErrorKind.ClusterRobust, int threads = 1, PolishOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        using var likelihood = new MechanismLikelihood(mechanism, rule, data, threads);
        var start = new double[fitted.Length];
        for (int j = 0; j < start.Length; j++) start[j] = fitted[j];
        var polish = MaximumLikelihood.Polish(likelihood, start, options, cancellationToken: cancellationToken);
        var inference = StandardErrors.Compute(likelihood, polish.Estimate, kind, cancellationToken: cancellationToken);
        return (polish, inference);
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
