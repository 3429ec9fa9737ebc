namespace Diml.Evaluation.Counterfactuals;

/// <summary>How a prediction is simulated (<see cref="PolicyPrediction"/>).</summary>
/// <param name="Replications">Simulated replications of the whole design per parameter draw.</param>
/// <param name="Seed">The seed: the prediction is bit-identical for a seed whatever <paramref name="Threads"/>.</param>
/// <param name="Threads">Worker threads.</param>
/// <param name="BandLevel">The central share of replications a band covers (0.9: the 5th to the 95th percentile).</param>
public sealed record PredictionOptions(int Replications = 200, ulong Seed = 1, int Threads = 1, double BandLevel = 0.9)
{
    internal void Validate()
    {
        if (Replications < 1) throw new ArgumentOutOfRangeException(nameof(Replications), Replications, $"{nameof(Replications)}: expected at least 1, found {Replications}.");
        if (Threads < 1) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, $"{nameof(Threads)}: expected a positive thread count, found {Threads}.");
        if (!(BandLevel > 0 && BandLevel < 1)) throw new ArgumentOutOfRangeException(nameof(BandLevel), BandLevel, $"{nameof(BandLevel)}: expected a level in (0, 1), found {BandLevel}.");
    }
}
