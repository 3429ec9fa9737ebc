namespace Diml.Experiments.Reproduction;

/// <summary>The result files' columns: the reference's names first, in its order, then ours.</summary>
public static class MetricColumns
{
    public const string Tag = "tag", Experiment = "experiment", Model = "model", Seed = "seed", Epoch = "epoch", Epochs = "epochs";
    public const string TrainLoss = "train_loss", EpochSeconds = "epoch_seconds", TrainSeconds = "train_s";
    public const string MseOn = "mse_on", MseOff = "mse_off", DiffMse = "diff_mse", NllTest = "nll_test", NllTestInSupport = "nll_test_in_support";
    public const string CfklParams = "cfkl_params", CfklParamsInSupport = "cfkl_params_in_support", CfPolicyKl = "cf_policy_kl", JointBcAccuracy = "jointbc_acc";
    public const string EvalSeconds = "eval_s", DataSeconds = "data_s", WallSeconds = "wall_s";
    public const string ValidationNll = "validation_nll", SelectedEpoch = "selected_epoch";

    /// <summary>The metrics an evaluation computes, in column order.</summary>
    public static readonly IReadOnlyList<string> Metrics = [MseOn, DiffMse, NllTest, NllTestInSupport, CfklParams, CfklParamsInSupport, MseOff, CfPolicyKl, JointBcAccuracy];

    /// <summary><c>training_curves.csv</c>: the reference log's columns, then <c>seed, mse_off, cf_policy_kl, jointbc_acc, eval_s, validation_nll</c>.</summary>
    public static readonly IReadOnlyList<string> Curve =
        [Tag, Epoch, TrainLoss, EpochSeconds, TrainSeconds, MseOn, DiffMse, NllTest, NllTestInSupport, CfklParams, CfklParamsInSupport,
         Seed, MseOff, CfPolicyKl, JointBcAccuracy, EvalSeconds, ValidationNll];

    /// <summary><c>evaluation_results.csv</c>: one final row per experiment, model and seed.</summary>
    public static readonly IReadOnlyList<string> Final =
        [Tag, Experiment, Model, Seed, Epochs, TrainLoss, MseOn, DiffMse, NllTest, NllTestInSupport, CfklParams, CfklParamsInSupport,
         MseOff, CfPolicyKl, JointBcAccuracy, TrainSeconds, EvalSeconds, DataSeconds, WallSeconds, SelectedEpoch];

    /// <summary>Columns holding text rather than numbers.</summary>
    public static bool IsText(string column) => column is Tag or Experiment or Model;
}
