namespace Diml.Evaluation.Inference;

/// <summary>
/// Standard errors at a maximum of the likelihood (<see cref="StandardErrors.Compute"/>): the estimate, its covariance on
/// the identified subspace, which parameters and combinations are identified, and which are not.
/// </summary>
public sealed class ParameterInference
{
    internal ParameterInference(IReadOnlyList<string> names, double[] estimate, StandardErrorKind kind, int clusters, long decisions, double nll,
        double gradientNorm, double[,] information, double[,] covariance, double[] eigenvalues, int rank, bool[] identified,
        IReadOnlyList<LinearCombination> unidentified, IReadOnlyList<IdentifiedContrast> contrasts, double negativeCurvature, double[,] nullBasis)
    {
        Names = names;
        Estimate = estimate;
        Kind = kind;
        Clusters = clusters;
        ScoredDecisions = decisions;
        Nll = nll;
        GradientNorm = gradientNorm;
        Information = information;
        Covariance = covariance;
        Eigenvalues = eigenvalues;
        Rank = rank;
        Identified = identified;
        Unidentified = unidentified;
        Contrasts = contrasts;
        NegativeCurvature = negativeCurvature;
        _nullBasis = nullBasis;
        StandardErrors = new double[estimate.Length];
        for (int j = 0; j < estimate.Length; j++) StandardErrors[j] = identified[j] ? Math.Sqrt(Math.Max(0, covariance[j, j])) : double.NaN;
    }

    private readonly double[,] _nullBasis;

    /// <summary>Parameter names.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The estimate θ̂.</summary>
    public double[] Estimate { get; }

    /// <summary>Which covariance <see cref="Covariance"/> is.</summary>
    public StandardErrorKind Kind { get; }

    /// <summary>Episodes (the clusters).</summary>
    public int Clusters { get; }

    /// <summary>Scored decisions of the data.</summary>
    public long ScoredDecisions { get; }

    /// <summary>Total NLL at the estimate.</summary>
    public double Nll { get; }

    /// <summary>Euclidean norm of the total NLL's gradient at the estimate (0 at an exact maximum).</summary>
    public double GradientNorm { get; }

    /// <summary>The observed information (the symmetrised Hessian of the total NLL).</summary>
    public double[,] Information { get; }

    /// <summary>
    /// The covariance of θ̂ on the identified subspace (through the pseudo-inverse of the information); its entries mean
    /// something only for identified combinations (<see cref="IsIdentified"/>).
    /// </summary>
    public double[,] Covariance { get; }

    /// <summary>Eigenvalues of the information, increasing.</summary>
    public double[] Eigenvalues { get; }

    /// <summary>Identified directions: eigenvalues above the tolerance (the parameter count minus the unidentified ones).</summary>
    public int Rank { get; }

    /// <summary>Per parameter: whether it is identified on its own.</summary>
    public bool[] Identified { get; }

    /// <summary>Standard error per parameter (NaN for one that is not identified on its own).</summary>
    public double[] StandardErrors { get; }

    /// <summary>A basis of the directions the likelihood does not identify (reduced row echelon form, so each reads as a combination).</summary>
    public IReadOnlyList<LinearCombination> Unidentified { get; }

    /// <summary>Identified contrasts of parameters that are not identified one by one (e.g. <c>Toll[0] - LinearCost[0]</c>).</summary>
    public IReadOnlyList<IdentifiedContrast> Contrasts { get; }

    /// <summary>
    /// The most negative eigenvalue beyond the tolerance, relative to the largest (0 when there is none): a negative value
    /// means the point is not a minimum of the NLL and no standard error is trustworthy.
    /// </summary>
    public double NegativeCurvature { get; }

    /// <summary>Whether the information is positive semi-definite at the tolerance (a maximum of the likelihood).</summary>
    public bool IsMinimum => NegativeCurvature == 0;

    /// <summary>
    /// Whether <c>cᵀθ</c> is identified: <c>c</c> has no component along an unidentified direction (to 1e-3 of its norm).
    /// </summary>
    public bool IsIdentified(ReadOnlySpan<double> c)
    {
        if (c.Length != Estimate.Length) throw new ArgumentException($"{nameof(c)}: expected {Estimate.Length} coefficients, found {c.Length}.", nameof(c));
        double norm = Math.Sqrt(MaximumLikelihood.Dot(c, c));
        if (norm == 0) return true;
        for (int k = 0; k < _nullBasis.GetLength(0); k++)
        {
            double along = 0;
            for (int j = 0; j < c.Length; j++) along += _nullBasis[k, j] * c[j];
            if (Math.Abs(along) > 1e-3 * norm) return false;
        }
        return true;
    }

    /// <summary>The variance <c>cᵀVc</c> of <c>cᵀθ̂</c> (NaN when the combination is not identified).</summary>
    public double Variance(ReadOnlySpan<double> c)
    {
        if (!IsIdentified(c)) return double.NaN;
        double v = 0;
        for (int j = 0; j < c.Length; j++)
        {
            if (c[j] == 0) continue;
            for (int k = 0; k < c.Length; k++) v += c[j] * Covariance[j, k] * c[k];
        }
        return Math.Max(0, v);
    }

    /// <summary>
    /// The delta-method standard error of a smooth function <c>f(θ)</c> whose gradient at θ̂ is <paramref name="gradient"/>:
    /// <c>√(∇fᵀ V ∇f)</c> (NaN when <c>f</c> moves along an unidentified direction).
    /// </summary>
    public double StandardErrorOf(ReadOnlySpan<double> gradient) => Math.Sqrt(Variance(gradient));

    /// <summary>A sentence on what is not identified, or null when everything is.</summary>
    public string? IdentificationMessage => Unidentified.Count == 0 ? null
        : $"{Unidentified.Count} of {Estimate.Length} parameter directions are not identified by the likelihood (the information is singular along them): "
          + string.Join("; ", Unidentified.Select(u => u.Name))
          + (Contrasts.Count > 0 ? $". Identified instead: {string.Join(", ", Contrasts.Select(c => c.Combination.Name))}" : "")
          + ". Only payoff differences are identified (DESIGN §1): parameters moving along these directions change no probability.";
}
