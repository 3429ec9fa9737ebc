using Diml.Evaluation.Baselines;
using Diml.Evaluation;
using Diml.Fitting;

namespace Diml.Experiments.Reproduction;

/// <summary>
/// EOI, the static logit inversion (<see cref="Eoi"/>), in the suite: fitted in one pass over the training
/// episodes, then evaluated like any payoff model, its likelihood scored under the agents' learner.
/// </summary>
public sealed class EoiRunner(string name, ExperimentInstance instance) : IModelRunner
{
    private Eoi? _fitted;

    /// <summary>The runner of <paramref name="name"/> in <paramref name="instance"/>.</summary>
    public static IModelRunner Create(string name, ExperimentInstance instance) => new EoiRunner(name, instance);

    /// <inheritdoc/>
    public string Name { get; } = name;

    /// <inheritdoc/>
    public int Epochs => 1;

    /// <inheritdoc/>
    public bool Stopped => false;

    /// <inheritdoc/>
    public EpochReport RunEpoch()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        _fitted = Eoi.Fit(instance.Train, instance.LearnerHyperparameters["beta"]);
        return new EpochReport(1, 1, double.NaN, started.Elapsed.TotalSeconds);
    }

    /// <inheritdoc/>
    public ModelSnapshot Snapshot()
    {
        var fitted = _fitted ?? throw new InvalidOperationException("EOI is evaluated before it is fitted.");
        var learner = instance.Learner;
        return new ModelSnapshot(() => fitted, () => new LearnerStepScorer(fitted, learner));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
