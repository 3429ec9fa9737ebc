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
        [ModelNames.DimlSelected] = DimlRunner.CreateSelected,
        [ModelNames.DimlLarge] = DimlRunner.Create,
        [ModelNames.DimlWrong] = DimlRunner.CreateWrong,
        [ModelNames.TabularMle] = DimlRunner.CreateTabular,
        [ModelNames.StructMle] = DimlRunner.CreateStructural,
        [ModelNames.JointBc] = JointBcRunner.Create,
        [ModelNames.Eoi] = EoiRunner.Create,
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
