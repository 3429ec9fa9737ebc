using Diml.Experiments.Evaluation;
using Diml.Experiments.Mechanisms;
using Diml.Fitting;

namespace Diml.Experiments.Reproduction;

/// <summary>
/// DIML as the reference runs it: the experiment's model family (neural joint, or the anonymous count MLP for E7),
/// fitted by <see cref="FitSession"/> with the reference estimator under the agents' learner — or, for
/// <c>DIML_Wrong</c>, under a misspecified learner whose β is scaled by <see cref="WrongBetaFactor"/> (0.6).
/// </summary>
public sealed class DimlRunner : IModelRunner
{
    private readonly ExperimentInstance _instance;
    private readonly IMechanism _model;
    private readonly ILearningRule _assumedLearner;
    private readonly FitSession _session;
    private readonly int _epochs;

    /// <summary>Prepares the fit of model <paramref name="name"/> in <paramref name="instance"/>.</summary>
    public DimlRunner(string name, ExperimentInstance instance, double betaFactor = 1)
    {
        ArgumentNullException.ThrowIfNull(instance);
        Name = name;
        _instance = instance;
        var definition = instance.Definition;
        var entry = MechanismCatalog.Find(definition.ModelMechanism)
            ?? throw new InvalidOperationException($"{definition.Id}: the model family '{definition.ModelMechanism}' is not in the mechanism catalog.");
        _model = entry.Create(instance.Shape, new MechanismSettings(definition.ModelHidden > 0 ? definition.ModelHidden : entry.DefaultHidden));
        _model.InitializeParameters(new Random(instance.InitSeedFor(name)));
        var initial = new float[_model.Layout.TotalLength];
        _model.ReadParameters(initial);
        var hyperparameters = new Dictionary<string, double>(instance.LearnerHyperparameters, StringComparer.Ordinal);
        hyperparameters["beta"] *= betaFactor;
        _assumedLearner = instance.LearnerEntry.Create(hyperparameters);
        _epochs = definition.Epochs;
        _session = new FitSession(_model, _assumedLearner, instance.Train, definition.FitOptions(instance.FitSeedFor(name), instance.Threads), initial);
    }

    /// <summary>DIML with the agents' true learner.</summary>
    public static IModelRunner Create(string name, ExperimentInstance instance) => new DimlRunner(name, instance);

    /// <summary>DIML_Wrong: the learner's β assumed 0.6 × the truth.</summary>
    public static IModelRunner CreateWrong(string name, ExperimentInstance instance) => new DimlRunner(name, instance, WrongBetaFactor);

    /// <summary>The misspecification of <c>DIML_Wrong</c>.</summary>
    public const double WrongBetaFactor = 0.6;

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public int Epochs => _epochs;

    /// <inheritdoc/>
    public bool Stopped => _session.Failure is not null;

    /// <inheritdoc/>
    public EpochReport RunEpoch() => _session.RunEpoch();

    /// <inheritdoc/>
    public ModelSnapshot Snapshot()
    {
        var theta = _session.Parameters.ToArray();
        var shape = _instance.Shape;
        var model = _model;
        var learner = _assumedLearner;
        return new ModelSnapshot(
            () => new MechanismPayoffs(model, theta, shape),
            () => new LearnerStepScorer(new MechanismPayoffs(model, theta, shape), learner));
    }

    /// <inheritdoc/>
    public void Dispose() => _session.Dispose();
}
