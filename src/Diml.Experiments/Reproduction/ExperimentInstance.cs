using System.Diagnostics;
using Diml.Data;
using Diml.Evaluation;
using Diml.Mechanisms;
using Diml.Simulation;

namespace Diml.Experiments.Reproduction;

/// <summary>
/// One experiment at one seed, made concrete: the true mechanism drawn as the reference does, the agents' trajectories
/// simulated under it and split 80/20, the training support, and the truth's counterfactual simulations that every
/// model's <c>cfkl</c> metrics compare against. Everything is seeded from (experiment id, seed).
/// </summary>
public sealed class ExperimentInstance
{
    /// <summary>Draws the truth and simulates the data of <paramref name="definition"/> at <paramref name="seed"/>.</summary>
    /// <exception cref="InvalidOperationException">The true mechanism's family is not in the catalog (see <see cref="IsAvailable"/>).</exception>
    public ExperimentInstance(ExperimentDefinition definition, int seed, int threads)
    {
        ArgumentNullException.ThrowIfNull(definition);
        Definition = definition;
        Seed = seed;
        Threads = threads;
        long start = Stopwatch.GetTimestamp();
        var shape = definition.Shape;
        var truthEntry = MechanismCatalog.Find(definition.TruthMechanism)
            ?? throw new InvalidOperationException($"{definition.Id}: the true mechanism '{definition.TruthMechanism}' is not in the mechanism catalog.");
        TruthEntry = truthEntry;
        Truth = truthEntry.Create(shape, new MechanismSettings(definition.TruthHidden > 0 ? definition.TruthHidden : truthEntry.DefaultHidden));
        truthEntry.InitializeTruth(Truth, new Random(SeedFor(TruthStream)));
        TruthParameters = new float[Truth.Layout.TotalLength];
        Truth.ReadParameters(TruthParameters);

        LearnerEntry = LearningRuleCatalog.Find(LearningRuleCatalog.DefaultName)!;
        LearnerHyperparameters = definition.Learner;
        Learner = LearnerEntry.Create(LearnerHyperparameters);
        ShiftedLearner = LearnerEntry.Create(LearnerEntry.CounterfactualShift(LearnerHyperparameters));

        Data = Simulator.Simulate(Truth, TruthParameters, Learner, shape, definition.Episodes, definition.Steps, StreamSeed(DataStream), threads);
        (Train, Test) = Data.Split(0.8);
        Support = TrainingSupport.Of(Train);
        DataSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>Whether the experiment's true mechanism is available (E3's public-goods family is registered separately).</summary>
    public static bool IsAvailable(ExperimentDefinition definition) => MechanismCatalog.Find(definition.TruthMechanism) is not null;

    public ExperimentDefinition Definition { get; }
    public int Seed { get; }
    public int Threads { get; }
    public MechanismEntry TruthEntry { get; }
    public IMechanism Truth { get; }
    public float[] TruthParameters { get; }
    public LearningRuleEntry LearnerEntry { get; }
    public IReadOnlyDictionary<string, double> LearnerHyperparameters { get; }

    /// <summary>The agents' learner (known to the estimator).</summary>
    public ILearningRule Learner { get; }

    /// <summary>The learner shifted as <c>cfkl_params</c> prescribes (Logit-Q α×0.6, β×1.4, ε×1.5 capped at 0.5).</summary>
    public ILearningRule ShiftedLearner { get; }

    public Trajectories Data { get; }
    public Trajectories Train { get; }
    public Trajectories Test { get; }
    public TrainingSupport Support { get; }

    /// <summary>Seconds spent drawing the truth and simulating the data.</summary>
    public double DataSeconds { get; }

    /// <summary>The shape of the game.</summary>
    public GameShape Shape => Definition.Shape;

    /// <summary>A fresh copy of the true payoffs.</summary>
    public IPayoffModel TruePayoffs() => new MechanismPayoffs(Truth, TruthParameters, Shape);

    /// <summary>Seed of a model's initial parameters (its own stream per model name).</summary>
    public int InitSeedFor(string model) => SeedFor(ModelStream(model));

    /// <summary>Seed of a model's minibatch shuffles and window starts.</summary>
    public ulong FitSeedFor(string model) => StreamSeed(ModelStream(model) + 1);

    /// <summary>Seed of the metrics' samples and of the counterfactual simulations (the same at every epoch, so curves compare like with like).</summary>
    public ulong MetricSeed => StreamSeed(MetricStream);

    private const ulong TruthStream = 1, DataStream = 2, MetricStream = 3;

    private static ulong ModelStream(string model)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in model) { hash ^= c; hash *= 1099511628211UL; }
        return (hash << 4) | 0x10;
    }

    private ulong StreamSeed(ulong stream)
    {
        ulong experiment = 14695981039346656037UL;
        foreach (char c in Definition.Id) { experiment ^= c; experiment *= 1099511628211UL; }
        return SplitMix64.ForStream((ulong)Seed ^ experiment, stream).NextUInt64();
    }

    private int SeedFor(ulong stream) => (int)(StreamSeed(stream) >> 33);
}
