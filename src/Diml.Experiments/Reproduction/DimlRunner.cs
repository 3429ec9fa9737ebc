using Diml.Evaluation;
using Diml.Mechanisms;
using Diml.Fitting;

namespace Diml.Experiments.Reproduction;

/// <summary>
/// The likelihood estimators of the suite, each a mechanism fitted by <see cref="FitSession"/> with the reference
/// estimator: DIML (the experiment's model family: neural joint, or the anonymous count MLP for E7, under the agents'
/// learner), <c>DIML_Wrong</c> (the same under a learner whose β is scaled by <see cref="WrongBetaFactor"/>, 0.6),
/// <c>TabularMLE</c> (one parameter per joint action and agent, from zero) and <c>StructMLE</c> (the truth's own
/// family: congestion from zero costs and tolls, public goods from the paper's k, s, c with a random subsidy network)
/// and <c>DIML_Selected</c> (DIML from the same initial parameters and seed, with the last 20% of the training episodes
/// held out as validation data: its final row is the epoch of lowest validation NLL, stopped by the library's default
/// patience — a selection that sees training-side data only, never the test episodes or the truth).
/// </summary>
public sealed class DimlRunner : IModelRunner
{
    private readonly ExperimentInstance _instance;
    private readonly IMechanism _model;
    private readonly ILearningRule _assumedLearner;
    private readonly FitSession _session;
    private readonly int _epochs;
    private readonly bool _selects;

    /// <summary>Prepares the fit of model <paramref name="name"/> in <paramref name="instance"/> with the experiment's model family.</summary>
    public DimlRunner(string name, ExperimentInstance instance, double betaFactor = 1)
        : this(name, instance, ModelFamily(instance), initialize: true, betaFactor)
    {
    }

    /// <summary>
    /// Prepares a fit with <paramref name="select"/>: the reference options plus the library's default validation fraction
    /// and patience, seeded as the model <paramref name="seedsOf"/> (so that DIML_Selected starts where DIML does).
    /// </summary>
    private DimlRunner(string name, ExperimentInstance instance, string seedsOf, bool select)
        : this(name, instance, ModelFamily(instance), initialize: true, betaFactor: 1, seedsOf, select)
    {
    }

    /// <summary>
    /// Prepares the fit of <paramref name="model"/>, from its current parameters or, with <paramref name="initialize"/>,
    /// from <see cref="IDifferentiableModel.InitializeParameters"/> with the model's own seed.
    /// </summary>
    public DimlRunner(string name, ExperimentInstance instance, IMechanism model, bool initialize, double betaFactor = 1)
        : this(name, instance, model, initialize, betaFactor, name, select: false)
    {
    }

    private DimlRunner(string name, ExperimentInstance instance, IMechanism model, bool initialize, double betaFactor, string seedsOf, bool select)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(model);
        Name = name;
        _instance = instance;
        var definition = instance.Definition;
        _model = model;
        if (initialize) _model.InitializeParameters(new Random(instance.InitSeedFor(seedsOf)));
        var initial = new float[_model.Layout.TotalLength];
        _model.ReadParameters(initial);
        var hyperparameters = new Dictionary<string, double>(instance.LearnerHyperparameters, StringComparer.Ordinal);
        hyperparameters["beta"] *= betaFactor;
        _assumedLearner = instance.LearnerEntry.Create(hyperparameters);
        var options = definition.FitOptions(instance.FitSeedFor(seedsOf), instance.Threads);
        if (select)
        {
            // Validation and patience as the library's defaults; the step budget stays the reference's epochs, so that the
            // selected row differs from DIML's only by the held-out episodes and the choice of epoch.
            var defaults = new FitOptions();
            options = options with { ValidationFraction = defaults.ValidationFraction, Patience = defaults.Patience };
        }
        _selects = select;
        _session = new FitSession(_model, _assumedLearner, instance.Train, options, initial);
        _epochs = _session.PlannedEpochs;
    }

    private static IMechanism ModelFamily(ExperimentInstance instance)
    {
        var definition = instance.Definition;
        var entry = MechanismCatalog.Find(definition.ModelMechanism)
            ?? throw new InvalidOperationException($"{definition.Id}: the model family '{definition.ModelMechanism}' is not in the mechanism catalog.");
        return entry.Create(instance.Shape, new MechanismSettings(definition.ModelHidden > 0 ? definition.ModelHidden : entry.DefaultHidden));
    }

    /// <summary>TabularMLE: one parameter per joint action and agent, starting at zero (all payoffs equal).</summary>
    public static IModelRunner CreateTabular(string name, ExperimentInstance instance)
        => new DimlRunner(name, instance, new Tabular(instance.Shape.Agents, instance.Shape.Actions), initialize: false);

    /// <summary>
    /// StructMLE: the correctly specified family of the truth. Congestion starts with every cost and toll at zero;
    /// public goods at the paper's k = 2, s = 1, c = 0.8 with its subsidy network drawn as PyTorch initialises it.
    /// </summary>
    public static IModelRunner CreateStructural(string name, ExperimentInstance instance)
    {
        var model = instance.TruthEntry.Create(instance.Shape, new MechanismSettings(instance.TruthEntry.DefaultHidden));
        bool initialize = model is not Congestion;
        return new DimlRunner(name, instance, model, initialize);
    }

    /// <summary>DIML with the agents' true learner.</summary>
    public static IModelRunner Create(string name, ExperimentInstance instance) => new DimlRunner(name, instance);

    /// <summary>DIML_Selected: DIML with validation-based epoch selection and early stopping.</summary>
    public static IModelRunner CreateSelected(string name, ExperimentInstance instance) =>
        new DimlRunner(name, instance, ModelNames.Diml, select: true);

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
    public bool EarlyStopped => _session.PatienceExhausted;

    /// <inheritdoc/>
    public int SelectedEpoch => _selects ? _session.BestEpoch : 0;

    /// <inheritdoc/>
    public ModelSnapshot Snapshot() => SnapshotOf(_session.Parameters);

    /// <inheritdoc/>
    public ModelSnapshot FinalSnapshot() => SnapshotOf(_selects ? _session.BestParameters : _session.Parameters);

    private ModelSnapshot SnapshotOf(ReadOnlySpan<float> parameters)
    {
        var theta = parameters.ToArray();
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
