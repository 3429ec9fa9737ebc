using Diml.Data;
using Diml.Simulation;

namespace Diml.Evaluation;

/// <summary>
/// <c>cfkl_params</c>: how well the fitted mechanism predicts play under <i>changed learning</i>. Agents with shifted
/// hyperparameters (Logit-Q: α×0.6, β×1.4, ε×1.5 capped at 0.5) are simulated under the true and under the estimated
/// mechanism — <see cref="DefaultEpisodes"/> episodes of <c>min(50, T)</c> steps, the same seed for both — and the
/// result is <c>KL(p_true ‖ p_est)</c> of their empirical histograms (see <see cref="KlDivergence"/>), keyed as the
/// reference keys them (<see cref="JointActionHistogram.ForComparison"/>): exact joint actions in small games, the action
/// total <c>Σ_i a_i</c> in large ones (<see cref="CfklCounts"/> keeps the count-vector version).
/// </summary>
public sealed class CfklParams : IMetric
{
    /// <summary>The registered instance.</summary>
    public static CfklParams Metric { get; } = new();

    private CfklParams() { }

    /// <inheritdoc/>
    public string Name => "cfkl_params";

    /// <inheritdoc/>
    public string Description => "KL(p_true || p_est) of the joint-action distributions of a shifted learner simulated under both mechanisms";

    /// <inheritdoc/>
    public bool IsReference => true;

    /// <inheritdoc/>
    public MetricNeeds Needs => MetricNeeds.Payoffs | MetricNeeds.Simulation;

    /// <inheritdoc/>
    double IMetric.Compute(MetricContext context) => KlDivergence.Between(context.TruthHistogram, JointActionHistogram.ForComparison(context.UnderEstimate));

    /// <summary>The reference's number of simulated episodes.</summary>
    public const int DefaultEpisodes = 300;

    /// <summary>The reference's cap on the simulated horizon.</summary>
    public const int MaxSteps = 50;

    /// <summary>The simulated horizon for data of <paramref name="horizon"/> steps: <c>min(50, T)</c>.</summary>
    public static int StepsFor(int horizon) => Math.Min(MaxSteps, horizon);

    /// <summary>Computes the metric.</summary>
    /// <param name="truth">The true mechanism, at its parameters.</param>
    /// <param name="estimate">The estimated mechanism, at its parameters.</param>
    /// <param name="shiftedRule">The learner with shifted hyperparameters.</param>
    /// <param name="shape">The game.</param>
    /// <param name="steps">Steps per simulated episode (<see cref="StepsFor"/> of the data's horizon).</param>
    /// <param name="seed">Seed of the truth's simulation (and of the estimate's with common streams).</param>
    /// <param name="episodes">Simulated episodes.</param>
    /// <param name="threads">Threads; the result does not depend on it.</param>
    /// <param name="streams">Whether the estimate's simulation shares the truth's random streams (the default) or draws its own.</param>
    public static double Compute(IMechanism truth, IMechanism estimate, ILearningRule shiftedRule, GameShape shape, int steps,
        ulong seed = 0, int episodes = DefaultEpisodes, int threads = 1, SimulationStreams streams = SimulationStreams.Common) =>
        Simulated(truth, estimate, (mechanism, streamSeed) => JointActionHistogram.ForComparison(Simulate(mechanism, shiftedRule, shape, episodes, steps, streamSeed, threads)),
            seed, streams, withFloor: false).CfklParams;

    /// <summary>
    /// <see cref="Compute"/> and <c>cfkl_floor</c> (<see cref="CfklFloor"/>) together, from one simulation under the truth
    /// that both compare against: three simulations instead of four.
    /// </summary>
    public static (double CfklParams, double CfklFloor) ComputeWithFloor(IMechanism truth, IMechanism estimate, ILearningRule shiftedRule, GameShape shape, int steps,
        ulong seed = 0, int episodes = DefaultEpisodes, int threads = 1, SimulationStreams streams = SimulationStreams.Common) =>
        Simulated(truth, estimate, (mechanism, streamSeed) => JointActionHistogram.ForComparison(Simulate(mechanism, shiftedRule, shape, episodes, steps, streamSeed, threads)),
            seed, streams, withFloor: true);

    /// <summary>
    /// The metric on a data set with groups or absent agents: the shifted learners are simulated under both mechanisms on
    /// the data's own design (<see cref="SimulationDesign.FromData"/>: its sessions, steps, groups and re-matching and
    /// absences), replicated until at least <paramref name="episodes"/> sessions are simulated, each replication on its
    /// own random stream, shared by both mechanisms unless <paramref name="streams"/> says otherwise; the result is
    /// <c>KL(p_true ‖ p_est)</c> of the groups' play (<see cref="JointActionHistogram.OfGroups(IEnumerable{Trajectories})"/>).
    /// </summary>
    public static double ComputeOnDesign(IMechanism truth, IMechanism estimate, ILearningRule shiftedRule, Trajectories data,
        ulong seed = 0, int episodes = DefaultEpisodes, int threads = 1, SimulationStreams streams = SimulationStreams.Common) =>
        OnDesign(truth, estimate, shiftedRule, data, seed, episodes, threads, streams, withFloor: false).CfklParams;

    /// <summary><see cref="ComputeOnDesign"/> and <c>cfkl_floor</c> on the same design, from one simulation under the truth.</summary>
    public static (double CfklParams, double CfklFloor) ComputeOnDesignWithFloor(IMechanism truth, IMechanism estimate, ILearningRule shiftedRule, Trajectories data,
        ulong seed = 0, int episodes = DefaultEpisodes, int threads = 1, SimulationStreams streams = SimulationStreams.Common) =>
        OnDesign(truth, estimate, shiftedRule, data, seed, episodes, threads, streams, withFloor: true);

    private static (double CfklParams, double CfklFloor) OnDesign(IMechanism truth, IMechanism estimate, ILearningRule shiftedRule, Trajectories data,
        ulong seed, int episodes, int threads, SimulationStreams streams, bool withFloor)
    {
        ArgumentNullException.ThrowIfNull(shiftedRule);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(episodes, 1);
        var design = SimulationDesign.FromData(data);
        int runs = checked(((episodes + design.Sessions - 1) / design.Sessions) * design.Sessions);
        return Simulated(truth, estimate, (mechanism, streamSeed) => JointActionHistogram.OfGroups(SimulateDesign(mechanism, shiftedRule, design, runs, streamSeed, threads)),
            seed, streams, withFloor);
    }

    /// <summary>
    /// The KL of the estimate's histogram from the truth's, and with <paramref name="withFloor"/> that of the truth's
    /// own simulation on independent streams (else NaN); <paramref name="histogram"/> simulates a mechanism from a seed.
    /// </summary>
    private static (double CfklParams, double CfklFloor) Simulated(IMechanism truth, IMechanism estimate, Func<IMechanism, ulong, JointActionHistogram> histogram,
        ulong seed, SimulationStreams streams, bool withFloor)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(estimate);
        var pTrue = histogram(truth, seed);
        double kl = KlDivergence.Between(pTrue, histogram(estimate, CounterfactualSeeds.Estimate(seed, streams)));
        double floor = withFloor ? KlDivergence.Between(pTrue, histogram(truth, CounterfactualSeeds.Independent(seed))) : double.NaN;
        return (kl, floor);
    }

    /// <summary><paramref name="runs"/> sessions of the design (run r: session r mod S, stream r).</summary>
    private static Trajectories SimulateDesign(IMechanism mechanism, ILearningRule rule, SimulationDesign design, int runs, ulong seed, int threads)
    {
        var theta = new float[mechanism.Layout.TotalLength];
        mechanism.ReadParameters(theta);
        return DesignSimulator.Simulate(mechanism, theta, rule, design, runs, seed, threads);
    }

    private static Trajectories Simulate(IMechanism mechanism, ILearningRule rule, GameShape shape, int episodes, int steps, ulong seed, int threads)
    {
        var theta = new float[mechanism.Layout.TotalLength];
        mechanism.ReadParameters(theta);
        return Simulator.Simulate(mechanism, theta, rule, shape, episodes, steps, seed, threads);
    }
}
