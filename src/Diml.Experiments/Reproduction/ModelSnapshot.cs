using Diml.Fitting;
using Diml.Evaluation;

namespace Diml.Experiments.Reproduction;

/// <summary>
/// What a model offers the evaluation at one moment. Every part is optional; the metrics a model cannot give are left
/// empty in the results (a behaviour-cloning model has no payoffs, a static inversion no learner).
/// </summary>
/// <param name="Payoffs">
/// A fresh copy of the estimated payoffs (called once per worker thread; copies need not be thread-safe): gives
/// <c>mse_on</c>, <c>mse_off</c>, <c>diff_mse</c>, and with the truth's shifted learner <c>cfkl_params</c>,
/// <c>cfkl_params_in_support</c> and <c>cf_policy_kl</c>.
/// </param>
/// <param name="Scorer">A fresh step scorer (once per worker thread) for <c>nll_test</c> and <c>nll_test_in_support</c>.</param>
/// <param name="Extra">Further metrics by column name, such as <c>jointbc_acc</c>.</param>
public sealed record ModelSnapshot(
    Func<IPayoffModel>? Payoffs,
    Func<IStepScorer>? Scorer,
    IReadOnlyDictionary<string, double>? Extra = null);
