using MathNet.Numerics.LinearAlgebra;

namespace Diml.Evaluation.Inference;

/// <summary>
/// Standard errors at a maximum of the likelihood (docs/inference.md): observed information by central differences of
/// the exact gradient (<see cref="ObservedInformation"/>), its eigen decomposition to find what is identified, and the
/// cluster-robust sandwich by episode (default) or the classical inverse information.
/// </summary>
public static class StandardErrors
{
    /// <summary>
    /// Eigenvalues of the information at most this times the largest count as zero: the direction is not identified.
    /// Central differences leave about 1e-8 relative noise in the Hessian, so exact gauge directions land well below; a
    /// direction this weak would have a standard error a thousand times the best one's anyway.
    /// </summary>
    public const double DefaultIdentificationTolerance = 1e-6;

    /// <summary>The relative rounding of the central-difference Hessian's entries (<see cref="ObservedInformation"/>): a diagonal entry below this times the largest is zero.</summary>
    public const double RoundingLevel = 1e-8;

    /// <summary>
    /// Standard errors of <paramref name="estimate"/> (a maximum of <paramref name="likelihood"/>, e.g. from
    /// <see cref="MaximumLikelihood.Polish"/>).
    /// </summary>
    /// <remarks>
    /// <paramref name="equilibrate"/>: judge identification on the information scaled to unit diagonal,
    /// <c>D H D</c> with <c>D = diag(H)^(−1/2)</c>, instead of on <c>H</c> itself. The tolerance is relative to the largest
    /// eigenvalue, so parameters whose curvatures differ by many orders of magnitude — a mixture weight, informed by a few
    /// dozen subjects, beside payoff parameters informed by thousands of decisions — would otherwise have the weakest taken
    /// for unidentified. Exact gauge directions stay exactly flat under the scaling. Identified combinations get the same
    /// covariance either way (any generalised inverse of <c>H</c> gives the same <c>cᵀH⁻c</c> for <c>c</c> in its range).
    /// </remarks>
    public static ParameterInference Compute(EpisodeLikelihood likelihood, ReadOnlySpan<double> estimate, StandardErrorKind kind = StandardErrorKind.ClusterRobust,
        double identificationTolerance = DefaultIdentificationTolerance, CancellationToken cancellationToken = default, bool equilibrate = false)
    {
        ArgumentNullException.ThrowIfNull(likelihood);
        if (!Enum.IsDefined(kind)) throw new ArgumentOutOfRangeException(nameof(kind), kind, $"{nameof(kind)}: expected ClusterRobust or Classical, found {kind}.");
        if (!(identificationTolerance > 0 && identificationTolerance < 1))
            throw new ArgumentOutOfRangeException(nameof(identificationTolerance), identificationTolerance,
                $"{nameof(identificationTolerance)}: expected a tolerance in (0, 1), found {identificationTolerance}.");
        int p = likelihood.ParameterCount, clusters = likelihood.Episodes;
        if (estimate.Length != p) throw new ArgumentException($"{nameof(estimate)}: expected {p} parameters, found {estimate.Length}.", nameof(estimate));
        if (kind == StandardErrorKind.ClusterRobust && clusters < 2)
            throw new ArgumentException($"{nameof(likelihood)}: expected at least 2 episodes for cluster-robust standard errors, found {clusters}; use classical ones.", nameof(likelihood));

        var theta = estimate.ToArray();
        var gradient = new double[p];
        double nll = likelihood.TotalNll(theta, gradient);
        double gradientNorm = Math.Sqrt(MaximumLikelihood.Dot(gradient, gradient));
        var hessian = ObservedInformation.Hessian(likelihood, theta, cancellationToken: cancellationToken);

        // D = diag(H)^(−1/2) when equilibrating, else the identity. A diagonal entry at the Hessian's rounding level is zero
        // to rounding — a parameter the NLL is flat in — and must not be blown up to 1: it gets the best-informed parameter's scale.
        var equilibration = new double[p];
        double largestDiagonal = 0;
        for (int j = 0; j < p; j++) largestDiagonal = Math.Max(largestDiagonal, hessian[j, j]);
        for (int j = 0; j < p; j++)
            equilibration[j] = !equilibrate || !(largestDiagonal > 0) ? 1
                : hessian[j, j] > RoundingLevel * largestDiagonal ? 1 / Math.Sqrt(hessian[j, j]) : 1 / Math.Sqrt(largestDiagonal);
        var scaled = new double[p, p];
        for (int a = 0; a < p; a++)
            for (int b = 0; b < p; b++) scaled[a, b] = equilibration[a] * hessian[a, b] * equilibration[b];
        var evd = Matrix<double>.Build.DenseOfArray(scaled).Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric);
        var values = evd.EigenValues.Select(v => v.Real).ToArray();
        var vectors = evd.EigenVectors;
        var order = Enumerable.Range(0, p).OrderBy(k => values[k]).ToArray();
        double largest = values.Length == 0 ? 0 : values.Max(Math.Abs);
        double cutoff = identificationTolerance * largest;
        var positive = order.Where(k => values[k] > cutoff).ToArray();
        var flat = order.Where(k => Math.Abs(values[k]) <= cutoff).ToArray();
        double negative = order.Where(k => values[k] < -cutoff).Select(k => values[k] / largest).DefaultIfEmpty(0).Min();

        // H⁺ on the identified subspace: Σ v vᵀ / λ over the positive eigenvalues (D (Σ u uᵀ / λ) D when equilibrated).
        var pseudoInverse = new double[p, p];
        foreach (int k in positive)
            for (int a = 0; a < p; a++)
            {
                double va = equilibration[a] * vectors[a, k] / values[k];
                for (int b = 0; b < p; b++) pseudoInverse[a, b] += va * vectors[b, k] * equilibration[b];
            }
        if (equilibrate)
        {
            // The flat directions in θ's own coordinates are D·u; orthonormalise them (Gram–Schmidt), as the rest expects.
            var flatVectors = flat.Concat(order.Where(k => values[k] < -cutoff)).Select(k => Enumerable.Range(0, p).Select(j => equilibration[j] * vectors[j, k]).ToArray()).ToList();
            var basis = new List<double[]>();
            foreach (var v in flatVectors)
            {
                foreach (var u in basis)
                {
                    double along = MaximumLikelihood.Dot(u, v);
                    for (int j = 0; j < p; j++) v[j] -= along * u[j];
                }
                double norm = Math.Sqrt(MaximumLikelihood.Dot(v, v));
                for (int j = 0; j < p; j++) v[j] /= norm;
                basis.Add(v);
            }
            var orthonormal = Matrix<double>.Build.DenseOfMatrix(vectors);
            var nullIndex = flat.Concat(order.Where(k => values[k] < -cutoff)).ToArray();
            for (int r = 0; r < nullIndex.Length; r++)
                for (int j = 0; j < p; j++) orthonormal[j, nullIndex[r]] = basis[r][j];
            vectors = orthonormal;
        }

        double[,] covariance;
        if (kind == StandardErrorKind.Classical) covariance = pseudoInverse;
        else
        {
            // Meat: B = G/(G−1) · Σ_e s_e s_eᵀ, s_e the episode's score (the gradient of its NLL).
            var meat = new double[p, p];
            var score = new double[p];
            for (int e = 0; e < clusters; e++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                likelihood.EpisodeNll(e, theta, score);
                for (int a = 0; a < p; a++)
                {
                    if (score[a] == 0) continue;
                    for (int b = 0; b < p; b++) meat[a, b] += score[a] * score[b];
                }
            }
            double correction = clusters / (clusters - 1.0);
            var h = Matrix<double>.Build.DenseOfArray(pseudoInverse);
            var sandwich = h * Matrix<double>.Build.DenseOfArray(meat) * h * correction;
            covariance = sandwich.ToArray();
            for (int a = 0; a < p; a++)
                for (int b = a + 1; b < p; b++)
                {
                    double mean = 0.5 * (covariance[a, b] + covariance[b, a]);
                    covariance[a, b] = mean;
                    covariance[b, a] = mean;
                }
        }

        // The unidentified directions (flat, and negative when not a minimum), as an orthonormal basis, then in reduced row
        // echelon form so that each basis vector reads as a short combination of named parameters.
        var nullIndices = flat.Concat(order.Where(k => values[k] < -cutoff)).ToArray();
        var nullBasis = new double[nullIndices.Length, p];
        for (int r = 0; r < nullIndices.Length; r++)
            for (int j = 0; j < p; j++) nullBasis[r, j] = vectors[j, nullIndices[r]];
        var identified = new bool[p];
        for (int j = 0; j < p; j++)
        {
            double along = 0;
            for (int r = 0; r < flat.Length; r++) along += nullBasis[r, j] * nullBasis[r, j];
            identified[j] = Math.Sqrt(along) <= 1e-3 && negative == 0;
        }
        var names = likelihood.ParameterNames;
        var echelon = ReducedRowEchelon(Slice(nullBasis, flat.Length, p));
        var unidentified = new List<LinearCombination>();
        var contrasts = new List<IdentifiedContrast>();
        var inference0 = new ParameterInference(names, theta, kind, clusters, likelihood.TotalScoredDecisions, nll, gradientNorm, hessian, covariance,
            order.Select(k => values[k]).ToArray(), positive.Length, identified, unidentified, contrasts, negative, nullBasis);
        for (int r = 0; r < echelon.GetLength(0); r++)
        {
            var row = new double[p];
            for (int j = 0; j < p; j++) row[j] = Math.Abs(echelon[r, j]) < 1e-6 ? 0 : echelon[r, j];
            unidentified.Add(new LinearCombination(LinearCombination.Describe(row, names), row));
            // A direction along two parameters, θ_a + s·θ_b: the contrast θ_b − s·θ_a is orthogonal to it and often identified.
            var support = Enumerable.Range(0, p).Where(j => row[j] != 0).ToArray();
            if (support.Length != 2) continue;
            int first = support[0], second = support[1];
            double s = row[second] / row[first];
            var c = new double[p];
            c[second] = 1;
            c[first] = -s;
            if (!inference0.IsIdentified(c)) continue;
            double value = 0;
            for (int j = 0; j < p; j++) value += c[j] * theta[j];
            // Named with the positive term first: "Toll[0] - LinearCost[0]".
            string scale = Math.Abs(Math.Abs(s) - 1) <= 1e-6 ? "" : Math.Abs(s).ToString("G4", System.Globalization.CultureInfo.InvariantCulture) + "*";
            string name = $"{names[second]} {(s >= 0 ? "-" : "+")} {scale}{names[first]}";
            contrasts.Add(new IdentifiedContrast(new LinearCombination(name, c), value, Math.Sqrt(inference0.Variance(c))));
        }
        return inference0;
    }

    private static double[,] Slice(double[,] rows, int count, int columns)
    {
        var result = new double[count, columns];
        for (int r = 0; r < count; r++)
            for (int j = 0; j < columns; j++) result[r, j] = rows[r, j];
        return result;
    }

    /// <summary>Gauss–Jordan with partial pivoting by column order: rows that span the same space, each with a leading 1.</summary>
    internal static double[,] ReducedRowEchelon(double[,] input)
    {
        var m = (double[,])input.Clone();
        int rows = m.GetLength(0), columns = m.GetLength(1);
        int pivotRow = 0;
        for (int column = 0; column < columns && pivotRow < rows; column++)
        {
            int best = pivotRow;
            for (int r = pivotRow + 1; r < rows; r++)
                if (Math.Abs(m[r, column]) > Math.Abs(m[best, column])) best = r;
            if (Math.Abs(m[best, column]) < 1e-3) continue;
            for (int j = 0; j < columns; j++) (m[pivotRow, j], m[best, j]) = (m[best, j], m[pivotRow, j]);
            double pivot = m[pivotRow, column];
            for (int j = 0; j < columns; j++) m[pivotRow, j] /= pivot;
            for (int r = 0; r < rows; r++)
            {
                if (r == pivotRow || m[r, column] == 0) continue;
                double factor = m[r, column];
                for (int j = 0; j < columns; j++) m[r, j] -= factor * m[pivotRow, j];
            }
            pivotRow++;
        }
        return m;
    }
}
