using Diml.Data;

namespace Diml.Experiments.Reproduction;

/// <summary>
/// The reference experiments of DESIGN §1 — E1, E2, E3 and the five E7 sizes — at three scales: <see cref="Full"/>
/// (the reference configuration), <see cref="Quick"/> (the same pipeline on reduced sizes, E7 only at its two smallest
/// sizes; under a minute) and <see cref="Tiny"/> (smaller still, for tests).
/// </summary>
public static class ReferenceSuite
{
    /// <summary>The models of each small experiment, in the reference's order (runner names, <see cref="ModelRunnerRegistry"/>).</summary>
    public static readonly IReadOnlyList<string> E1Models = [ModelNames.Diml, ModelNames.DimlSelected, ModelNames.TabularMle, ModelNames.DimlWrong, ModelNames.JointBc, ModelNames.Eoi];

    /// <inheritdoc cref="E1Models"/>
    public static readonly IReadOnlyList<string> E2Models = [ModelNames.Diml, ModelNames.DimlSelected, ModelNames.StructMle, ModelNames.TabularMle, ModelNames.DimlWrong, ModelNames.JointBc, ModelNames.Eoi];

    /// <inheritdoc cref="E1Models"/>
    public static readonly IReadOnlyList<string> E3Models = [ModelNames.Diml, ModelNames.DimlSelected, ModelNames.StructMle, ModelNames.DimlWrong, ModelNames.JointBc, ModelNames.Eoi];

    /// <summary>The large-scale model.</summary>
    public static readonly IReadOnlyList<string> E7Models = [ModelNames.DimlLarge];

    /// <summary>The five E7 sizes: agents, actions, episodes, steps.</summary>
    public static readonly IReadOnlyList<(int Agents, int Actions, int Episodes, int Steps)> E7Sizes =
        [(40, 10, 24, 30), (80, 20, 24, 30), (120, 25, 24, 30), (200, 30, 20, 30), (300, 40, 16, 25)];

    /// <summary>Per-epoch settings of the small games (E1–E3): cheap enough to run every epoch.</summary>
    public static readonly EvaluationSettings SmallCurve = new(Every: 1, SimulationEvery: 5, DiffContexts: 2000, MseOffProbes: 8000, MseOnVisits: 200_000, CfEpisodes: 40);

    /// <summary>
    /// Per-epoch settings of the large games: every 10th epoch, fewer contexts and probes; the reference's per-epoch
    /// simulation sizes (<c>cfkl_params</c> on 120 episodes, <c>cfkl_params_in_support</c> on 160, of <c>min(30, T)</c> steps).
    /// </summary>
    public static EvaluationSettings LargeCurve(int agents) =>
        new(Every: agents <= 40 ? 5 : 10, SimulationEvery: agents <= 40 ? 10 : 20, DiffContexts: 5000, MseOffProbes: 500, MseOnVisits: 200_000, CfEpisodes: 120,
            CfMaxSteps: 30, SupportEpisodes: 160);

    /// <summary>The reference configuration.</summary>
    public static IReadOnlyList<ExperimentDefinition> Full()
    {
        var list = new List<ExperimentDefinition>
        {
            Small("E1", "E1_UnstructuredNeural_3A", "neural-joint", new GameShape(3, 6), E1Models, 60, 60, 100, SmallCurve, EvaluationSettings.ReferenceSmall),
            Small("E2", "E2_Congestion_4A", "congestion", new GameShape(4, 5), E2Models, 60, 60, 100, SmallCurve, EvaluationSettings.ReferenceSmall),
            Small("E3", "E3_PublicGoods_3A", PublicGoodsName, new GameShape(3, 7), E3Models, 60, 60, 100, SmallCurve, EvaluationSettings.ReferenceSmall),
        };
        foreach (var (n, a, e, t) in E7Sizes)
            list.Add(Large(n, a, e, t, 200, 0, LargeCurve(n), EvaluationSettings.ReferenceLarge));
        return list;
    }

    /// <summary>
    /// Reduced sizes: E1–E3 on 30 episodes × 40 steps for 15 epochs, E7 at n = 40 and 80 on 8 episodes for 6 epochs,
    /// lighter final evaluations.
    /// </summary>
    public static IReadOnlyList<ExperimentDefinition> Quick()
    {
        var curve = new EvaluationSettings(1, 3, 1000, 8000, 200_000, 20);
        var final = new EvaluationSettings(1, 1, 5000, 8000, 200_000, 60);
        var largeCurve = new EvaluationSettings(3, 3, 1000, 200, 200_000, 6);
        var largeFinal = new EvaluationSettings(1, 1, 5000, 1000, 200_000, 20);
        return
        [
            Small("E1", "E1_UnstructuredNeural_3A", "neural-joint", new GameShape(3, 6), E1Models, 30, 40, 15, curve, final),
            Small("E2", "E2_Congestion_4A", "congestion", new GameShape(4, 5), E2Models, 30, 40, 15, curve, final),
            Small("E3", "E3_PublicGoods_3A", PublicGoodsName, new GameShape(3, 7), E3Models, 30, 40, 15, curve, final),
            Large(40, 10, 8, 30, 6, 0, largeCurve, largeFinal) with { BatchSize = 4 },
            Large(80, 20, 8, 30, 6, 0, largeCurve, largeFinal) with { BatchSize = 4 },
        ];
    }

    /// <summary>Smaller still, for tests: hidden width 16, a few epochs and episodes.</summary>
    public static IReadOnlyList<ExperimentDefinition> Tiny() =>
        Quick().Select(d => d with
        {
            TruthHidden = d.TruthMechanism == "congestion" ? 0 : 16,
            ModelHidden = 16,
            Episodes = d.Group == "E7" ? 5 : 10,
            Steps = 20,
            Epochs = 4,
            BatchSize = 4,
            Window = 10,
            PerEpoch = d.PerEpoch with { DiffContexts = 200, MseOffProbes = 50, CfEpisodes = 4, Every = d.Group == "E7" ? 2 : 1, SimulationEvery = 2 },
            Final = d.Final with { DiffContexts = 500, MseOffProbes = 100, CfEpisodes = 8 },
        }).ToArray();

    /// <summary>The catalog name the public-goods mechanism (E3's truth) is expected under.</summary>
    public const string PublicGoodsName = "public-goods";

    private static ExperimentDefinition Small(string id, string tag, string truth, GameShape shape, IReadOnlyList<string> models,
        int episodes, int steps, int epochs, EvaluationSettings curve, EvaluationSettings final) =>
        new(id, id, tag, truth, 0, "neural-joint", 0, shape, episodes, steps, 0.25, 3, 0.06, epochs, 32, 50, 0, models, curve, final);

    private static ExperimentDefinition Large(int n, int a, int episodes, int steps, int epochs, int hidden, EvaluationSettings curve, EvaluationSettings final) =>
        new(FormattableString.Invariant($"E7_n{n}"), "E7", FormattableString.Invariant($"E7_LargeScale_n{n}_A{a}"), "anonymous-count", hidden,
            "anonymous-count", hidden, new GameShape(n, a), episodes, steps, 0.2, 6, 0.02, epochs, 8, 30, 5000, E7Models, curve, final);
}
