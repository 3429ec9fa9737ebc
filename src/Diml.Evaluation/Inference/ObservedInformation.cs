namespace Diml.Evaluation.Inference;

/// <summary>
/// The observed information: the Hessian of the total NLL at the estimate, by central differences of the exact double
/// gradient, <c>H[·, j] = (∇NLL(θ + h_j e_j) − ∇NLL(θ − h_j e_j)) / (2 h_j)</c> with <c>h_j = </c><see cref="RelativeStep"/>
/// <c>· max(1, |θ_j|)</c>, then symmetrised, <c>(H + Hᵀ)/2</c>.
/// </summary>
/// <remarks>
/// The step: the truncation error of a central difference is <c>O(h²)</c> in the third derivative, the rounding error
/// <c>O(ε·|∇NLL| / h)</c> with <c>ε ≈ 1.1e-16</c>; <c>h = 1e-4</c> keeps both near <c>1e-8</c> relative for NLLs whose
/// parameters are of order one (the mechanisms here), far below the sampling error that standard errors measure. Each
/// column costs two gradients of the whole panel: <c>2p</c> in all.
/// </remarks>
public static class ObservedInformation
{
    /// <summary>The relative step <c>h</c> of the central differences.</summary>
    public const double RelativeStep = 1e-4;

    /// <summary>The symmetrised Hessian of <paramref name="likelihood"/>'s total NLL at <paramref name="theta"/> (of <paramref name="episodes"/> when given).</summary>
    public static double[,] Hessian(EpisodeLikelihood likelihood, ReadOnlySpan<double> theta, double relativeStep = RelativeStep,
        ReadOnlySpan<int> episodes = default, CancellationToken cancellationToken = default) =>
        Hessian(likelihood, theta, out _, relativeStep, episodes, cancellationToken);

    /// <summary>
    /// As <see cref="Hessian(EpisodeLikelihood, ReadOnlySpan{double}, double, ReadOnlySpan{int}, CancellationToken)"/>, also giving the
    /// largest asymmetry <c>|H_jk − H_kj|</c> before symmetrising relative to the largest entry (a check on the step).
    /// </summary>
    public static double[,] Hessian(EpisodeLikelihood likelihood, ReadOnlySpan<double> theta, out double asymmetry, double relativeStep = RelativeStep,
        ReadOnlySpan<int> episodes = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(likelihood);
        if (!(relativeStep > 0 && relativeStep < 1))
            throw new ArgumentOutOfRangeException(nameof(relativeStep), relativeStep, $"{nameof(relativeStep)}: expected a step in (0, 1), found {relativeStep}.");
        int p = likelihood.ParameterCount;
        if (theta.Length != p) throw new ArgumentException($"{nameof(theta)}: expected {p} parameters, found {theta.Length}.", nameof(theta));
        var selected = episodes.IsEmpty ? likelihood.AllEpisodes : episodes;
        var h = new double[p, p];
        var x = theta.ToArray();
        var plus = new double[p];
        var minus = new double[p];
        for (int j = 0; j < p; j++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double step = relativeStep * Math.Max(1, Math.Abs(theta[j]));
            x[j] = theta[j] + step;
            // The step actually taken (θ + h need not be exact in floating point).
            double up = x[j] - theta[j];
            likelihood.Nll(selected, x, plus);
            x[j] = theta[j] - step;
            double down = theta[j] - x[j];
            likelihood.Nll(selected, x, minus);
            x[j] = theta[j];
            for (int k = 0; k < p; k++) h[k, j] = (plus[k] - minus[k]) / (up + down);
        }
        double largest = 0, asym = 0;
        for (int j = 0; j < p; j++)
            for (int k = 0; k < p; k++)
            {
                largest = Math.Max(largest, Math.Abs(h[j, k]));
                asym = Math.Max(asym, Math.Abs(h[j, k] - h[k, j]));
            }
        asymmetry = largest > 0 ? asym / largest : 0;
        for (int j = 0; j < p; j++)
            for (int k = j + 1; k < p; k++)
            {
                double mean = 0.5 * (h[j, k] + h[k, j]);
                h[j, k] = mean;
                h[k, j] = mean;
            }
        return h;
    }
}
