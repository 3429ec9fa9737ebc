using Diml.Simulation;
using Diml.Data;
using Diml.Evaluation;

namespace Diml.Experiments.Reproduction;

/// <summary>
/// The truth's side of the counterfactual metrics, computed once per experiment and evaluation setting and reused at
/// every evaluation: the shifted learner simulated under the true mechanism (<c>E × min(CfMaxSteps, T)</c>, the metric
/// seed), its histograms, its <c>cfkl_floor</c> and the learner's policies along it, the truth's side of <c>diff_mse</c>, and the simulation of <c>cfkl_params_in_support</c> when the settings give it its own size.
/// </summary>
public sealed class CounterfactualReference
{
    /// <summary>Simulates the counterfactual episodes of <paramref name="settings"/> under the truth of <paramref name="instance"/>.</summary>
    public CounterfactualReference(ExperimentInstance instance, EvaluationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(settings);
        Episodes = settings.CfEpisodes;
        int steps = settings.CounterfactualSteps(instance.Definition.Steps);
        // Episode e depends only on (seed, e): the smaller simulation is the first episodes of the larger one.
        if (settings.SupportSimulationEpisodes == settings.CfEpisodes)
            UnderTruth = SupportUnderTruth = Simulate(instance, settings.CfEpisodes, steps);
        else if (settings.SupportSimulationEpisodes > settings.CfEpisodes && settings.CfEpisodes > 0)
        {
            SupportUnderTruth = Simulate(instance, settings.SupportSimulationEpisodes, steps);
            UnderTruth = SupportUnderTruth.SelectEpisodes(0, settings.CfEpisodes);
        }
        else
        {
            UnderTruth = Simulate(instance, settings.CfEpisodes, steps);
            SupportUnderTruth = Simulate(instance, settings.SupportSimulationEpisodes, steps);
        }
        Histogram = JointActionHistogram.ForComparison(UnderTruth);
        CountHistogram = JointActionHistogram.OfCountVectors(UnderTruth);
        _instance = instance;
        _truthPolicies = new Lazy<PolicyPath>(() => PolicyPath.Of(instance.TruePayoffs, instance.ShiftedLearner, UnderTruth, instance.Threads));
        _floor = new Lazy<double>(() => CfklFloor.Compute(instance.TruePayoffs, instance.ShiftedLearner, UnderTruth, Histogram, instance.MetricSeed, instance.Threads));
    }

    private readonly Lazy<PolicyPath> _truthPolicies;
    private readonly Lazy<double> _floor;
    private readonly ExperimentInstance _instance;
    private readonly Dictionary<int, SampledPayoffDifferences.TruthDifferences> _truthDifferences = [];

    /// <summary>
    /// The <c>diff_mse</c> draws of <paramref name="contexts"/> contexts on the test episodes with the metric seed and the
    /// truth's differences at them, computed on first use and then shared by every evaluation.
    /// </summary>
    public SampledPayoffDifferences.TruthDifferences TruthDifferences(int contexts)
    {
        lock (_truthDifferences)
        {
            if (!_truthDifferences.TryGetValue(contexts, out var found))
                _truthDifferences[contexts] = found = SampledPayoffDifferences.TruthSide(_instance.TruePayoffs, _instance.Test, _instance.MetricSeed, contexts, _instance.Threads);
            return found;
        }
    }

    /// <summary>
    /// The shifted learner's log-policies under the truth along <see cref="UnderTruth"/> (<c>cf_policy_kl</c>'s true side),
    /// computed on first use and then shared by every evaluation.
    /// </summary>
    public PolicyPath TruthPolicies => _truthPolicies.Value;

    /// <summary><c>cfkl_floor</c> of <see cref="UnderTruth"/>, computed on first use and then shared by every evaluation.</summary>
    public double Floor => _floor.Value;

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> simulate the same counterfactual play (one reference serves both).</summary>
    public static bool SameSimulations(EvaluationSettings a, EvaluationSettings b) =>
        a.CfEpisodes == b.CfEpisodes && a.CfMaxSteps == b.CfMaxSteps && a.SupportSimulationEpisodes == b.SupportSimulationEpisodes;

    private static Trajectories Simulate(ExperimentInstance instance, int episodes, int steps) =>
        Simulator.Simulate(instance.TruePayoffs, instance.ShiftedLearner, instance.Shape, episodes, steps, instance.MetricSeed, instance.Threads);

    /// <summary>The play <c>cfkl_params_in_support</c> compares (the same object as <see cref="UnderTruth"/> when the sizes agree).</summary>
    public Trajectories SupportUnderTruth { get; }

    /// <summary>Its sorted count-vector histogram (<c>cfkl_counts</c>).</summary>
    public JointActionHistogram CountHistogram { get; }

    /// <summary>Simulated episodes per mechanism.</summary>
    public int Episodes { get; }

    /// <summary>The shifted learner's play under the true mechanism.</summary>
    public Trajectories UnderTruth { get; }

    /// <summary>Its <c>cfkl_params</c> histogram (action totals in large games).</summary>
    public JointActionHistogram Histogram { get; }
}
