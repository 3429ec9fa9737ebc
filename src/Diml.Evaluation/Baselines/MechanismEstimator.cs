using Diml.Evaluation;
using Diml.Data;
using Diml.Fitting;

namespace Diml.Evaluation.Baselines;

/// <summary>
/// One configuration of the maximum-likelihood estimator (DESIGN §1, "Estimator"): a mechanism family to fit, the
/// learning rule the estimator assumes the agents follow, and the fit settings. DIML and the likelihood-based
/// baselines (<see cref="TabularMle"/>, <see cref="StructMle"/>, <see cref="DimlWrong"/>) are all this same estimator,
/// the runtime's <see cref="Fitter"/>, with a different mechanism or learner; nothing else differs.
/// </summary>
public sealed class MechanismEstimator
{
    /// <summary>The model name DIML itself reports under.</summary>
    public const string DimlName = "DIML";

    /// <summary>Configures the estimator; the fit starts from <paramref name="mechanism"/>'s current parameters.</summary>
    public MechanismEstimator(string name, IMechanism mechanism, ILearningRule rule, FitOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(mechanism);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Name = name;
        Mechanism = mechanism;
        Rule = rule;
        Options = options;
    }

    /// <summary>DIML: <paramref name="model"/> fitted through the agents' true learning rule.</summary>
    public static MechanismEstimator Diml(IMechanism model, ILearningRule rule, FitOptions options) =>
        new(DimlName, model, rule, options);

    /// <summary>The model name reports use (<c>DIML</c>, <c>TabularMLE</c>, <c>StructMLE</c>, <c>DIML_Wrong</c>).</summary>
    public string Name { get; }

    /// <summary>The mechanism fitted; <see cref="Fit"/> writes the fitted parameters into its fields.</summary>
    public IMechanism Mechanism { get; }

    /// <summary>The learning rule the estimator assumes (not necessarily the one that generated the data).</summary>
    public ILearningRule Rule { get; }

    /// <summary>The fit settings.</summary>
    public FitOptions Options { get; }

    /// <summary>Fits on <paramref name="training"/> from the mechanism's current parameters and writes the result into it.</summary>
    public FitResult Fit(Trajectories training, IProgress<EpochReport>? progress = null, CancellationToken cancellationToken = default) =>
        new Fitter(Mechanism, Rule, Options).Fit(training, progress, cancellationToken);

    /// <summary>
    /// A fit one epoch at a time, from the mechanism's current parameters (for per-epoch evaluation). The session's
    /// parameters are not written into the mechanism; evaluate them with <see cref="PayoffModel(ReadOnlySpan{float}, GameShape)"/>.
    /// </summary>
    public FitSession StartSession(Trajectories training)
    {
        ArgumentNullException.ThrowIfNull(training);
        var initial = new float[Mechanism.Layout.TotalLength];
        Mechanism.ReadParameters(initial);
        return new FitSession(Mechanism, Rule, training, Options, initial);
    }

    /// <summary>The mechanism at <paramref name="parameters"/> as a payoff function for the recovery metrics.</summary>
    public IPayoffModel PayoffModel(ReadOnlySpan<float> parameters, GameShape shape) =>
        new MechanismPayoffs(Mechanism, parameters, shape);

    /// <summary>The mechanism at its current parameters (after <see cref="Fit"/>, the fitted ones) as a payoff function.</summary>
    public IPayoffModel PayoffModel(GameShape shape) => MechanismPayoffs.AtCurrentParameters(Mechanism, shape);

    /// <summary><c>nll_test</c> of the mechanism at <paramref name="parameters"/> under the estimator's learning rule.</summary>
    public double TestNll(ReadOnlySpan<float> parameters, Trajectories test) =>
        LikelihoodEvaluator.PerAgentStepNll(Mechanism, parameters, Rule, test, threads: Options.Threads);
}
