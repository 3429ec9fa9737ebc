using Diml.Data;
using Diml.Fitting;
using Diml.Learning;
using Diml.Simulation;
using Diml.Mechanisms;

namespace Diml.Experiments.Performance;

/// <summary>
/// One benchmark case of DESIGN §3: data simulated from a true mechanism, and a fit session ready to run
/// training epochs of the paper's configuration. Shared by <c>diml bench</c> and the BenchmarkDotNet suite,
/// so both measure exactly the same work.
/// </summary>
public sealed class EpochWorkload : IDisposable
{
    private EpochWorkload(string name, Func<IMechanism> createMechanism, ILearningRule rule, GameShape shape, int episodes, int steps, FitOptions options)
    {
        var truth = createMechanism();
        Name = name;
        Truth = truth;
        Rule = rule;
        Shape = shape;
        Episodes = episodes;
        Steps = steps;
        Options = options;
        truth.InitializeParameters(new Random(1));
        TrueParameters = new float[truth.Layout.TotalLength];
        truth.ReadParameters(TrueParameters);
        Data = Simulator.Simulate(truth, TrueParameters, rule, shape, episodes, steps, seed: 7, options.Threads);
        // The model has the truth's architecture and a different initialisation, as in the paper's E1 and E7.
        var model = createMechanism();
        model.InitializeParameters(new Random(2));
        var initial = new float[model.Layout.TotalLength];
        model.ReadParameters(initial);
        Session = new FitSession(model, rule, Data.Split(0.8).Train, options, initial);
    }

    public string Name { get; }
    public IMechanism Truth { get; }
    public ILearningRule Rule { get; }
    public GameShape Shape { get; }
    public int Episodes { get; }
    public int Steps { get; }
    public FitOptions Options { get; }
    public float[] TrueParameters { get; }
    public Trajectories Data { get; }
    public FitSession Session { get; }

    /// <summary>E1: neural joint mechanism, 3 agents × 6 actions, 60 episodes × 60 steps, batch 32, window 50.</summary>
    public static EpochWorkload E1(int threads) => Create("E1", () => new NeuralJoint(3, 6), new LogitQ(0.25f, 3f, 0.06f),
        new GameShape(3, 6), 60, 60, FitOptions.Reference with { BatchSize = 32, Window = 50, Threads = threads });

    /// <summary>E1 with the library's default validation: 10 of the 48 training episodes held out and scored after the epoch.</summary>
    public static EpochWorkload E1Validated(int threads) => Create("E1 validated", () => new NeuralJoint(3, 6), new LogitQ(0.25f, 3f, 0.06f),
        new GameShape(3, 6), 60, 60, FitOptions.Reference with { BatchSize = 32, Window = 50, Threads = threads, ValidationFraction = 0.2 });

    /// <summary>E7: anonymous count MLP with <paramref name="agents"/> agents × <paramref name="actions"/> actions, batch 8, window 30.</summary>
    public static EpochWorkload E7(int agents, int actions, int episodes, int steps, int threads) => Create(
        FormattableString.Invariant($"E7 n={agents} A={actions}"), () => new AnonymousCount(actions), new LogitQ(0.2f, 6f, 0.02f),
        new GameShape(agents, actions), episodes, steps,
        FitOptions.Reference with { BatchSize = 8, Window = 30, Threads = threads, RegularizerSampleCap = 5000 });

    private static EpochWorkload Create(string name, Func<IMechanism> create, ILearningRule rule, GameShape shape, int episodes, int steps, FitOptions options)
        => new(name, create, rule, shape, episodes, steps, options);

    /// <summary>Simulates the case's data again (the simulation benchmark).</summary>
    public Trajectories Simulate() => Simulator.Simulate(Truth, TrueParameters, Rule, Shape, Episodes, Steps, seed: 7, Options.Threads);

    public void Dispose() => Session.Dispose();
}
