namespace Diml.Experiments.Reproduction;

/// <summary>
/// The models <c>diml reproduce</c> can run, by the name used in the reference's tags. A model is a factory from an
/// <see cref="ExperimentInstance"/> (truth, data split, support, learner, seeds and threads) to an
/// <see cref="IModelRunner"/>: fit one epoch, give a <see cref="ModelSnapshot"/> to evaluate. Models named by an
/// experiment but not registered are listed as "not run" in <c>summary.md</c>.
/// </summary>
public static class ModelRunnerRegistry
{
    private static readonly Dictionary<string, Func<string, ExperimentInstance, IModelRunner>> Factories = new(StringComparer.Ordinal)
    {
        [ModelNames.Diml] = DimlRunner.Create,
        [ModelNames.DimlLarge] = DimlRunner.Create,
        [ModelNames.DimlWrong] = DimlRunner.CreateWrong,

        // ── REGISTRATION POINTS (lead, after merging src/Diml.Experiments/Baselines/) ─────────────────────────────
        // Each baseline becomes one line here. A Fitter-configured baseline adapts to IModelRunner as DimlRunner does
        // (FitSession.RunEpoch per epoch; Snapshot gives MechanismPayoffs over its parameters and a LearnerStepScorer).
        //
        // [ModelNames.TabularMle] = (name, x) => ...,  // TabularMle: one parameter per joint action and agent; only when
        //                                               // x.Shape.HasAtMostJointActions(20_000) (E1, E2) — return a runner.
        // [ModelNames.StructMle] = (name, x) => ...,   // StructMle: the correctly specified family of x.TruthEntry
        //                                               // (congestion for E2, public goods for E3), fitted like DIML.
        // [ModelNames.JointBc] = (name, x) => ...,     // JointBc: ModelSnapshot(Payoffs: null, Scorer: its IStepScorer,
        //                                               // Extra: { ["jointbc_acc"] = next-action accuracy on x.Test }).
        // [ModelNames.Eoi] = (name, x) => ...,         // Eoi: Epochs = 1 (one-shot inversion); Payoffs: its estimated
        //                                               // IMechanismPayoffs; Scorer: LearnerStepScorer(payoffs, x.Learner).
    };

    /// <summary>Registers (or replaces) the runner factory of <paramref name="model"/>.</summary>
    public static void Register(string model, Func<string, ExperimentInstance, IModelRunner> factory)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentNullException.ThrowIfNull(factory);
        lock (Factories) Factories[model] = factory;
    }

    /// <summary>The factory of <paramref name="model"/>, or null when no runner is registered under that name.</summary>
    public static Func<string, ExperimentInstance, IModelRunner>? Find(string model)
    {
        lock (Factories) return Factories.GetValueOrDefault(model);
    }

    /// <summary>Whether <paramref name="model"/> applies to <paramref name="definition"/> (TabularMLE only when <c>A^n ≤ 20,000</c>).</summary>
    public static bool AppliesTo(string model, ExperimentDefinition definition) =>
        model != ModelNames.TabularMle || definition.Shape.HasAtMostJointActions(20_000);
}
