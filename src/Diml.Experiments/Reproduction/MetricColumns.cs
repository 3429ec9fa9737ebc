using Diml.Evaluation;

namespace Diml.Experiments.Reproduction;

/// <summary>
/// The result files' columns: the reference's names first, in its order, then ours. The metric columns come from
/// <see cref="MetricRegistry"/> (a registered metric gets its column in both files); the names here are for code that
/// reads particular columns back.
/// </summary>
public static class MetricColumns
{
    public const string Tag = "tag", Experiment = "experiment", Model = "model", Seed = "seed", Epoch = "epoch", Epochs = "epochs";
    public const string TrainLoss = "train_loss", EpochSeconds = "epoch_seconds", TrainSeconds = "train_s";
    public const string MseOn = "mse_on", MseOff = "mse_off", DiffMse = "diff_mse", DiffRel = "diff_rel", DiffCorr = "diff_corr", NllTest = "nll_test", NllTestInSupport = "nll_test_in_support";
    public const string CfklParams = "cfkl_params", CfklParamsInSupport = "cfkl_params_in_support", CfPolicyKl = "cf_policy_kl", CfklFloor = "cfkl_floor", JointBcAccuracy = "jointbc_acc";
    public const string EvalSeconds = "eval_s", DataSeconds = "data_s", WallSeconds = "wall_s";
    public const string ValidationNll = "validation_nll", SelectedEpoch = "selected_epoch";

    private static readonly string[] ReferenceMetrics = MetricRegistry.All.Where(m => m.IsReference).Select(m => m.Name).ToArray();
    private static readonly string[] OurMetrics = [.. MetricRegistry.All.Where(m => !m.IsReference).Select(m => m.Name), JointBcAccuracy];

    /// <summary>The metrics an evaluation computes, in column order: the registry's, then JointBC's accuracy (its runner's own).</summary>
    public static readonly IReadOnlyList<string> Metrics = [.. MetricRegistry.All.Select(m => m.Name), JointBcAccuracy];

    /// <summary><c>training_curves.csv</c>: the reference log's columns, then <c>seed</c>, our metrics (<c>mse_off, cf_policy_kl, jointbc_acc</c>), <c>eval_s</c>, <c>validation_nll</c>.</summary>
    public static readonly IReadOnlyList<string> Curve =
        [Tag, Epoch, TrainLoss, EpochSeconds, TrainSeconds, .. ReferenceMetrics, Seed, .. OurMetrics, EvalSeconds, ValidationNll];

    /// <summary><c>evaluation_results.csv</c>: one final row per experiment, model and seed.</summary>
    public static readonly IReadOnlyList<string> Final =
        [Tag, Experiment, Model, Seed, Epochs, TrainLoss, .. ReferenceMetrics, .. OurMetrics, TrainSeconds, EvalSeconds, DataSeconds, WallSeconds, SelectedEpoch];

    /// <summary>Columns holding text rather than numbers.</summary>
    public static bool IsText(string column) => column is Tag or Experiment or Model;
}
