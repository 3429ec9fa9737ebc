using Diml.Simulation;
using Diml.Data;
using Diml.Evaluation;

namespace Diml.Experiments.Reproduction;

/// <summary>
/// The truth's side of the counterfactual metrics, computed once per experiment and evaluation setting and reused at
/// every evaluation: the shifted learner simulated under the true mechanism (<c>E × min(50, T)</c>, the metric seed)
/// and its joint-action histogram.
/// </summary>
public sealed class CounterfactualReference
{
    /// <summary>Simulates <paramref name="episodes"/> counterfactual episodes under the truth of <paramref name="instance"/>.</summary>
    public CounterfactualReference(ExperimentInstance instance, int episodes)
    {
        ArgumentNullException.ThrowIfNull(instance);
        Episodes = episodes;
        UnderTruth = Simulator.Simulate(instance.TruePayoffs, instance.ShiftedLearner, instance.Shape, episodes,
            instance.CounterfactualSteps, instance.MetricSeed, instance.Threads);
        Histogram = JointActionHistogram.ForComparison(UnderTruth);
    }

    /// <summary>Simulated episodes per mechanism.</summary>
    public int Episodes { get; }

    /// <summary>The shifted learner's play under the true mechanism.</summary>
    public Trajectories UnderTruth { get; }

    /// <summary>Its joint-action histogram (count vectors in large games).</summary>
    public JointActionHistogram Histogram { get; }
}
