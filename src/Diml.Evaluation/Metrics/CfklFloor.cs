using Diml.Data;
using Diml.Simulation;

namespace Diml.Evaluation;

/// <summary>
/// <c>cfkl_floor</c> (ours): the sampling noise of <c>cfkl_params</c>. The shifted learner is simulated under the
/// <i>truth</i> twice, on independent random streams, with the size of the <c>cfkl_params</c> simulations, and the
/// result is <c>KL(p ‖ p′)</c> of the two histograms, keyed as <c>cfkl_params</c> keys them. It is what a perfect model
/// scores when its simulation does not share the truth's random numbers (<see cref="SimulationStreams.Independent"/>),
/// and so the scale below which an independent-stream <c>cfkl_params</c> — the reference's — says nothing. It depends
/// on the truth and the simulation size only, not on the model.
/// </summary>
public sealed class CfklFloor : IMetric
{
    /// <summary>The registered instance.</summary>
    public static CfklFloor Metric { get; } = new();

    private CfklFloor() { }

    /// <inheritdoc/>
    public string Name => "cfkl_floor";

    /// <inheritdoc/>
    public string Description => "KL between two simulations of the truth on independent streams, of the cfkl_params size: its sampling noise";

    /// <inheritdoc/>
    public bool IsReference => false;

    /// <inheritdoc/>
    public MetricNeeds Needs => MetricNeeds.Payoffs | MetricNeeds.Simulation;

    /// <inheritdoc/>
    double IMetric.Compute(MetricContext context) => context.Floor;

    /// <summary>
    /// The metric for <paramref name="truth"/>: <see cref="CfklParams.Compute"/> of the truth against itself on
    /// independent streams (the truth's simulation with <paramref name="seed"/>, as <c>cfkl_params</c>'s).
    /// </summary>
    public static double Compute(IMechanism truth, ILearningRule shiftedRule, GameShape shape, int steps,
        ulong seed = 0, int episodes = CfklParams.DefaultEpisodes, int threads = 1) =>
        CfklParams.Compute(truth, truth, shiftedRule, shape, steps, seed, episodes, threads, SimulationStreams.Independent);

    /// <summary>The metric on a data set's design: <see cref="CfklParams.ComputeOnDesign"/> of the truth against itself on independent streams.</summary>
    public static double ComputeOnDesign(IMechanism truth, ILearningRule shiftedRule, Trajectories data,
        ulong seed = 0, int episodes = CfklParams.DefaultEpisodes, int threads = 1) =>
        CfklParams.ComputeOnDesign(truth, truth, shiftedRule, data, seed, episodes, threads, SimulationStreams.Independent);

    /// <summary>The metric from the truth's simulation <paramref name="underTruth"/>, made with <paramref name="seed"/> and its histogram <paramref name="truthHistogram"/>.</summary>
    public static double Compute(Func<IPayoffModel> truth, ILearningRule shiftedRule, Trajectories underTruth, JointActionHistogram truthHistogram,
        ulong seed, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(underTruth);
        ArgumentNullException.ThrowIfNull(truthHistogram);
        var again = Simulator.Simulate(truth, shiftedRule, underTruth.Shape, underTruth.Episodes, underTruth.Steps, CounterfactualSeeds.Independent(seed), threads);
        return KlDivergence.Between(truthHistogram, JointActionHistogram.ForComparison(again));
    }
}
