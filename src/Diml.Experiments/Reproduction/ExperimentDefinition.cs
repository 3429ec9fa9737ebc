using Diml.Data;
using Diml.Evaluation;
using Diml.Fitting;

namespace Diml.Experiments.Reproduction;

/// <summary>
/// One reference experiment of DESIGN §1: the true mechanism, the model family, the game, the data size, the agents'
/// learner, the estimator's settings, the models compared and the evaluation settings.
/// </summary>
/// <param name="Id">Short name used by <c>--only</c> and file names: <c>E1</c>, <c>E7_n40</c>.</param>
/// <param name="Group">The figure and summary section it belongs to: <c>E1</c>, <c>E2</c>, <c>E3</c> or <c>E7</c>.</param>
/// <param name="Tag">The reference log's experiment tag, e.g. <c>E1_UnstructuredNeural_3A</c>.</param>
/// <param name="TruthMechanism">Catalog name of the true mechanism (<see cref="Mechanisms.MechanismCatalog"/>).</param>
/// <param name="TruthHidden">Hidden width of the truth (0: the family's default).</param>
/// <param name="ModelMechanism">Catalog name of the family DIML fits.</param>
/// <param name="ModelHidden">Hidden width of the fitted family (0: the family's default).</param>
/// <param name="Shape">Agents and actions.</param>
/// <param name="Episodes">Episodes simulated (80% train, 20% test).</param>
/// <param name="Steps">Steps per episode T.</param>
/// <param name="Alpha">Logit-Q α of the agents.</param>
/// <param name="Beta">Logit-Q β of the agents.</param>
/// <param name="Epsilon">Logit-Q ε of the agents.</param>
/// <param name="Epochs">Training epochs.</param>
/// <param name="BatchSize">Episodes per minibatch.</param>
/// <param name="Window">Window W.</param>
/// <param name="RegularizerSampleCap">Regularizer subsample (0: every visited joint action).</param>
/// <param name="Models">The models compared, by runner name (<see cref="ModelRunnerRegistry"/>), in the reference's order.</param>
/// <param name="PerEpoch">Evaluation settings of the curves.</param>
/// <param name="Final">Evaluation settings of the final rows.</param>
/// <param name="Streams">Whether the counterfactual simulations under the estimates share the truth's random streams.</param>
public sealed record ExperimentDefinition(
    string Id,
    string Group,
    string Tag,
    string TruthMechanism,
    int TruthHidden,
    string ModelMechanism,
    int ModelHidden,
    GameShape Shape,
    int Episodes,
    int Steps,
    double Alpha,
    double Beta,
    double Epsilon,
    int Epochs,
    int BatchSize,
    int Window,
    int RegularizerSampleCap,
    IReadOnlyList<string> Models,
    EvaluationSettings PerEpoch,
    EvaluationSettings Final,
    SimulationStreams Streams = SimulationStreams.Common)
{
    /// <summary>
    /// The reference estimator's options for a run with fit seed <paramref name="seed"/>: exactly <see cref="Epochs"/>
    /// epochs on every training episode, the last parameters (<see cref="Diml.Fitting.FitOptions.Reference"/>).
    /// </summary>
    public FitOptions FitOptions(ulong seed, int threads) => Diml.Fitting.FitOptions.Reference with
    {
        Epochs = Epochs,
        BatchSize = BatchSize,
        Window = Window,
        WindowMode = WindowMode.Reference,
        RegularizerSampleCap = RegularizerSampleCap,
        Seed = seed,
        Threads = threads,
    };

    /// <summary>The agents' learner hyperparameters (Logit-Q).</summary>
    public IReadOnlyDictionary<string, double> Learner => new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["alpha"] = Alpha,
        ["beta"] = Beta,
        ["epsilon"] = Epsilon,
    };

    /// <summary>
    /// A fingerprint of everything that determines a run's results, stored with each completed run so that a rerun with
    /// other settings (say, <c>--quick</c> after a full run) recomputes instead of reusing.
    /// </summary>
    public string Fingerprint()
    {
        string text = string.Join('|', Id, Tag, TruthMechanism, TruthHidden, ModelMechanism, ModelHidden, Shape.Agents, Shape.Actions,
            Episodes, Steps, Alpha.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            Beta.ToString("R", System.Globalization.CultureInfo.InvariantCulture), Epsilon.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            Epochs, BatchSize, Window, RegularizerSampleCap, PerEpoch, Final, FingerprintVersion);
        // Appended only when not the default, so that results stored before the choice existed keep their fingerprint.
        if (Streams != SimulationStreams.Common) text += "|streams " + Streams;
        ulong hash = 14695981039346656037UL;
        foreach (char c in text)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }
        return hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Bumped when the meaning of a stored result changes.</summary>
    private const int FingerprintVersion = 2;
}
