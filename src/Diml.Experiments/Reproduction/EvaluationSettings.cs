namespace Diml.Experiments.Reproduction;

/// <summary>
/// How much work one evaluation of a run spends on the sampled and simulated metrics. Runs use cheaper settings for
/// the per-epoch curves than for the final rows (docs/reproduce.md, "Time budget").
/// </summary>
/// <param name="Every">Evaluate the curves every this many epochs (and always at the first and last epoch); 1 for the final rows.</param>
/// <param name="SimulationEvery">
/// Of those evaluations, include the simulation-based metrics (<c>cfkl_params</c>, <c>cfkl_params_in_support</c>,
/// <c>cf_policy_kl</c>) every this many epochs (and at the first and last); they cost far more than the others.
/// </param>
/// <param name="DiffContexts">Contexts of <c>diff_mse</c>.</param>
/// <param name="MseOffProbes">Random joint actions of <c>mse_off</c> when <c>A^n &gt; 20,000</c>.</param>
/// <param name="MseOnVisits">Cap on the visited joint actions of <c>mse_on</c>.</param>
/// <param name="CfEpisodes">Episodes simulated per mechanism for <c>cfkl_params</c>, <c>cfkl_counts</c> and <c>cf_policy_kl</c> (and <c>cfkl_params_in_support</c> unless <paramref name="SupportEpisodes"/> is set).</param>
/// <param name="CfMaxSteps">Cap on the counterfactual horizon: the simulations run <c>min(CfMaxSteps, T)</c> steps.</param>
/// <param name="SupportEpisodes">Episodes simulated per mechanism for <c>cfkl_params_in_support</c>; 0: <paramref name="CfEpisodes"/>.</param>
public sealed record EvaluationSettings(int Every, int SimulationEvery, int DiffContexts, int MseOffProbes, int MseOnVisits, int CfEpisodes,
    int CfMaxSteps = 50, int SupportEpisodes = 0)
{
    /// <summary>The reference's final-row settings for small games: 20,000 contexts, 8000 probes, 200,000 visits, E = 300.</summary>
    public static EvaluationSettings ReferenceSmall { get; } = new(1, 1, 20_000, 8000, 200_000, 300);

    /// <summary>
    /// The reference's final-row settings for the large games (E7): 50,000 contexts; <c>cfkl_params</c> on 120 simulated
    /// episodes and <c>cfkl_params_in_support</c> on 200, both of <c>min(35, T)</c> steps.
    /// </summary>
    public static EvaluationSettings ReferenceLarge { get; } = new(1, 1, 50_000, 8000, 200_000, 120, CfMaxSteps: 35, SupportEpisodes: 200);

    /// <summary>Episodes of the <c>cfkl_params_in_support</c> simulations.</summary>
    public int SupportSimulationEpisodes => SupportEpisodes > 0 ? SupportEpisodes : CfEpisodes;

    /// <summary>Steps of the counterfactual simulations for data of <paramref name="horizon"/> steps.</summary>
    public int CounterfactualSteps(int horizon) => Math.Min(CfMaxSteps, horizon);
}
