using System.Globalization;

namespace Diml.Evaluation.Counterfactuals;

/// <summary>
/// Ensembles of parameter vectors for the bands of a prediction (<see cref="PolicyPrediction"/>): the point estimate
/// alone, given vectors (bootstrap refits), or draws from a normal approximation of the estimate with a parameter
/// covariance. Every ensemble is a list of <see cref="ModelDraw"/>, so any other source plugs in the same way.
/// </summary>
public static class ModelEnsemble
{
    /// <summary>The point estimate alone: bands are then the simulation's own Monte-Carlo spread.</summary>
    public static IReadOnlyList<ModelDraw> PointEstimate(ReadOnlySpan<float> theta, ILearningRule learner)
    {
        ArgumentNullException.ThrowIfNull(learner);
        return [new ModelDraw(theta.ToArray(), learner)];
    }

    /// <summary>Given parameter vectors (bootstrap refits, say), all with the same learner.</summary>
    public static IReadOnlyList<ModelDraw> FromVectors(IEnumerable<float[]> thetas, ILearningRule learner)
    {
        ArgumentNullException.ThrowIfNull(thetas);
        ArgumentNullException.ThrowIfNull(learner);
        var draws = thetas.Select(t => new ModelDraw((float[])t.Clone(), learner)).ToArray();
        if (draws.Length == 0) throw new ArgumentException($"{nameof(thetas)}: expected at least one parameter vector, found none.", nameof(thetas));
        return draws;
    }

    /// <summary>
    /// <paramref name="count"/> draws from <c>N(θ̂, Σ)</c>, <paramref name="covariance"/> being Σ (p × p, symmetric positive
    /// semi-definite), deterministic for <paramref name="seed"/>. Directions the data do not identify (the payoff gauge)
    /// should carry zero variance in Σ, as an observed-information covariance restricted to identified directions does.
    /// </summary>
    public static IReadOnlyList<ModelDraw> FromCovariance(ReadOnlySpan<float> theta, double[,] covariance, ILearningRule learner, int count, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(covariance);
        ArgumentNullException.ThrowIfNull(learner);
        int p = theta.Length;
        if (covariance.GetLength(0) != p || covariance.GetLength(1) != p)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{nameof(covariance)}: expected {p} × {p} for {p} parameters, found {covariance.GetLength(0)} × {covariance.GetLength(1)}."), nameof(covariance));
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var factor = CholeskyOfSemidefinite(covariance);
        var draws = new ModelDraw[count];
        var random = Simulation.SplitMix64.ForStream(seed, 0);
        var z = new double[p];
        for (int d = 0; d < count; d++)
        {
            for (int j = 0; j < p; j++) z[j] = StandardNormal(ref random);
            var vector = new float[p];
            for (int i = 0; i < p; i++)
            {
                double shift = 0;
                for (int j = 0; j <= i; j++) shift += factor[i, j] * z[j];
                vector[i] = (float)(theta[i] + shift);
            }
            draws[d] = new ModelDraw(vector, learner);
        }
        return draws;
    }

    /// <summary>Lower-triangular L with L·Lᵀ = Σ; columns whose pivot is (numerically) zero are left zero.</summary>
    private static double[,] CholeskyOfSemidefinite(double[,] sigma)
    {
        int p = sigma.GetLength(0);
        var l = new double[p, p];
        double scale = 0;
        for (int i = 0; i < p; i++) scale = Math.Max(scale, Math.Abs(sigma[i, i]));
        double tolerance = 1e-12 * Math.Max(scale, double.Epsilon);
        for (int j = 0; j < p; j++)
        {
            double pivot = sigma[j, j];
            for (int k = 0; k < j; k++) pivot -= l[j, k] * l[j, k];
            if (pivot < -1e-8 * Math.Max(scale, 1e-300))
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"covariance: expected a positive semi-definite matrix; pivot {j} is {pivot:G4}."), "covariance");
            if (pivot <= tolerance) continue;
            double root = Math.Sqrt(pivot);
            l[j, j] = root;
            for (int i = j + 1; i < p; i++)
            {
                double sum = sigma[i, j];
                for (int k = 0; k < j; k++) sum -= l[i, k] * l[j, k];
                l[i, j] = sum / root;
            }
        }
        return l;
    }

    /// <summary>Box–Muller from two uniforms of the stream.</summary>
    private static double StandardNormal(ref Simulation.SplitMix64 random)
    {
        double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
