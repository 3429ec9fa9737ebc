using Diml.Simulation;

namespace Diml.Evaluation;

/// <summary>
/// How the counterfactual simulations under the truth and under the estimate draw their random numbers
/// (<c>cfkl_params</c>, <c>cfkl_params_in_support</c>, <c>cfkl_counts</c>; <c>cf_policy_kl</c> follows the truth's
/// simulation only).
/// </summary>
public enum SimulationStreams
{
    /// <summary>
    /// The same streams for both (common random numbers), Diml's default: where the two mechanisms give the same choice
    /// probabilities the agents make the same choices, so the KL measures the mechanisms' difference with little sampling
    /// noise, and the truth itself scores 0.
    /// </summary>
    Common,

    /// <summary>
    /// Independent streams, as two simulations drawn one after the other from one generator are: the KL then also holds
    /// the sampling noise of both histograms, about <c>cfkl_floor</c> for a perfect model — the scale of the reference's
    /// published <c>cfkl_params</c> (docs/reproduce.md).
    /// </summary>
    Independent,
}

/// <summary>The seeds of the counterfactual simulations.</summary>
public static class CounterfactualSeeds
{
    /// <summary>
    /// The stream whose first draw is <see cref="Independent"/>'s seed: a number far above any episode index, so it is none
    /// of the streams the truth's own simulation draws from (episode <c>e</c> draws from stream <c>e</c>).
    /// </summary>
    private const ulong IndependentStream = 0xC0FFEE;

    /// <summary>The seed of the estimate's simulation when the truth's has <paramref name="seed"/>.</summary>
    public static ulong Estimate(ulong seed, SimulationStreams streams) => streams switch
    {
        SimulationStreams.Common => seed,
        SimulationStreams.Independent => Independent(seed),
        _ => throw new ArgumentOutOfRangeException(nameof(streams), streams, "expected Common or Independent"),
    };

    /// <summary>A seed whose streams are independent of those of <paramref name="seed"/> (a SplitMix64 draw keyed by it).</summary>
    public static ulong Independent(ulong seed) => SplitMix64.ForStream(seed, IndependentStream).NextUInt64();
}
