namespace Diml.Fitting;

/// <summary>
/// The standard errors stored with a fitted model (file: <c>$.inference</c>, docs/formats.md; how they are computed:
/// docs/inference.md): the polished estimate in double, its standard errors and covariance on the identified subspace,
/// and what the likelihood does not identify.
/// </summary>
/// <param name="Kind"><c>cluster-robust</c> (by episode) or <c>classical</c>.</param>
/// <param name="Clusters">Episodes the standard errors are clustered by (all the training episodes).</param>
/// <param name="ScoredDecisions">Scored decisions (agent-steps) of those episodes.</param>
/// <param name="Nll">The total NLL at the estimate.</param>
/// <param name="GradientNorm">The Euclidean norm of its gradient there.</param>
/// <param name="Converged">Whether the polish met its gradient criterion.</param>
/// <param name="Rank">Identified directions (the rank of the observed information).</param>
/// <param name="Names">Parameter names, in layout order.</param>
/// <param name="Estimates">The polished estimate per parameter.</param>
/// <param name="StandardErrors">Standard error per parameter; NaN (JSON null) for one not identified on its own.</param>
/// <param name="Covariance">The covariance, <c>p × p</c> row-major; meaningful for identified combinations only.</param>
/// <param name="Unidentified">A basis of the unidentified directions, each in words and as coefficients.</param>
/// <param name="Contrasts">Identified contrasts of parameters not identified one by one.</param>
public sealed record SavedInference(
    string Kind,
    int Clusters,
    long ScoredDecisions,
    double Nll,
    double GradientNorm,
    bool Converged,
    int Rank,
    IReadOnlyList<string> Names,
    double[] Estimates,
    double[] StandardErrors,
    double[] Covariance,
    IReadOnlyList<SavedDirection> Unidentified,
    IReadOnlyList<SavedContrast> Contrasts)
{
    /// <summary>The value of <see cref="Kind"/> for cluster-robust standard errors.</summary>
    public const string ClusterRobust = "cluster-robust";

    /// <summary>The value of <see cref="Kind"/> for classical standard errors.</summary>
    public const string Classical = "classical";

    /// <summary>The covariance entry of parameters <paramref name="a"/> and <paramref name="b"/>.</summary>
    public double CovarianceAt(int a, int b) => Covariance[(a * Estimates.Length) + b];

    /// <summary>
    /// Whether <c>cᵀθ</c> is identified: <c>c</c> is orthogonal, to 1e-3 of the norms, to every unidentified direction
    /// (a combination along one has no meaningful standard error: the covariance is zero there by construction).
    /// </summary>
    public bool IsIdentified(ReadOnlySpan<double> c)
    {
        if (c.Length != Estimates.Length) throw new ArgumentException($"{nameof(c)}: expected {Estimates.Length} coefficients, found {c.Length}.", nameof(c));
        double cc = 0;
        foreach (double v in c) cc += v * v;
        foreach (var direction in Unidentified)
        {
            double along = 0, dd = 0;
            for (int j = 0; j < c.Length; j++)
            {
                along += direction.Coefficients[j] * c[j];
                dd += direction.Coefficients[j] * direction.Coefficients[j];
            }
            if (Math.Abs(along) > 1e-3 * Math.Sqrt(cc * dd)) return false;
        }
        return true;
    }
}

/// <summary>A direction the likelihood does not identify: in words, and its coefficients per parameter.</summary>
public sealed record SavedDirection(string Name, double[] Coefficients);

/// <summary>An identified contrast stored with a model: its name, estimate and standard error.</summary>
public sealed record SavedContrast(string Name, double Estimate, double StandardError);
