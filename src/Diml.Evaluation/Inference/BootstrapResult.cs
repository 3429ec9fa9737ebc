namespace Diml.Evaluation.Inference;

/// <summary>
/// The replications of a session bootstrap (<see cref="SessionBootstrap.Run"/>): the estimate on the data, and the refit
/// on each resample of episodes. Any quantity computed from the parameters gets a percentile interval
/// (<see cref="PercentileInterval"/>) and a bootstrap standard error (<see cref="StandardError"/>).
/// </summary>
public sealed class BootstrapResult
{
    internal BootstrapResult(double[] estimate, double[][] replicates, bool[] converged, int resumed)
    {
        Estimate = estimate;
        Replicates = replicates;
        Converged = converged;
        Resumed = resumed;
    }

    /// <summary>The estimate the refits start from (the full-data maximum).</summary>
    public double[] Estimate { get; }

    /// <summary>The refitted parameters of each replication, in replication order.</summary>
    public IReadOnlyList<double[]> Replicates { get; }

    /// <summary>Whether each replication's refit met the polish criterion.</summary>
    public IReadOnlyList<bool> Converged { get; }

    /// <summary>Replications read back from the resume file instead of refitted.</summary>
    public int Resumed { get; }

    /// <summary>The quantity at every replication.</summary>
    public double[] Values(Func<double[], double> quantity)
    {
        ArgumentNullException.ThrowIfNull(quantity);
        return Replicates.Select(quantity).ToArray();
    }

    /// <summary>
    /// The percentile interval of level <paramref name="level"/> (0.95: the 2.5% and 97.5% quantiles of the replicates, by
    /// linear interpolation between order statistics, type 7).
    /// </summary>
    public (double Low, double High) PercentileInterval(Func<double[], double> quantity, double level = 0.95)
    {
        if (!(level > 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(level), level, $"{nameof(level)}: expected a level in (0, 1), found {level}.");
        var values = Values(quantity);
        Array.Sort(values);
        return (Quantile(values, (1 - level) / 2), Quantile(values, 1 - ((1 - level) / 2)));
    }

    /// <summary>The standard deviation of the quantity over the replications (the bootstrap standard error).</summary>
    public double StandardError(Func<double[], double> quantity)
    {
        var values = Values(quantity);
        if (values.Length < 2) return double.NaN;
        double mean = values.Average();
        double sum = 0;
        foreach (double v in values) sum += (v - mean) * (v - mean);
        return Math.Sqrt(sum / (values.Length - 1));
    }

    /// <summary>The <paramref name="p"/>-quantile of sorted values (type 7).</summary>
    public static double Quantile(double[] sorted, double p)
    {
        if (sorted.Length == 0) return double.NaN;
        double h = (sorted.Length - 1) * p;
        int low = (int)Math.Floor(h);
        int high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((h - low) * (sorted[high] - sorted[low]));
    }
}
