using Diml.Data;
using Diml.Mechanisms;
using Diml.Fitting;
using Diml.Learning;
using Diml.Simulation;

namespace Diml.Mechanisms.Tests;

/// <summary>Fitting through the generated batched kernels: deterministic, allocation-free, and the same model as one query at a time.</summary>
public class BatchedFittingTests
{
    private static (AnonymousCount Model, Trajectories Data, float[] Initial) Game()
    {
        var truth = new AnonymousCount(5, hidden: 16);
        truth.InitializeParameters(new Random(1));
        var theta = new float[truth.Layout.TotalLength];
        truth.ReadParameters(theta);
        var data = Simulator.Simulate(truth, theta, new LogitQ(0.2f, 6f, 0.02f), new GameShape(12, 5), 8, 12, seed: 3, threads: 1);
        var model = new AnonymousCount(5, hidden: 16);
        model.InitializeParameters(new Random(2));
        var initial = new float[model.Layout.TotalLength];
        model.ReadParameters(initial);
        return (model, data, initial);
    }

    [Fact]
    public void Fit_IsBitIdentical_OnOneAndTwoThreads_WithBatchedKernels()
    {
        var (model, data, initial) = Game();
        float[] Run(int threads)
        {
            var result = new Fitter(model, new LogitQ(0.2f, 6f, 0.02f), FitOptions.Reference with { Epochs = 3, BatchSize = 4, Window = 8, Threads = threads, Seed = 5 })
                .Fit(data, initial);
            return result.Parameters.ToArray();
        }
        Assert.Equal(Run(1), Run(2));
    }

    [Fact]
    public void SteadyStateEpoch_AllocatesNothing_WithBatchedKernels()
    {
        var (model, data, initial) = Game();
        using var session = new FitSession(model, new LogitQ(0.2f, 6f, 0.02f), data, FitOptions.Reference with { BatchSize = 4, Window = 8, Threads = 1, Epochs = 10 }, initial);
        session.RunEpoch();
        session.RunEpoch();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 4; i++) session.RunEpoch();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void BatchedGradient_MatchesThePerQueryGradient()
    {
        var (model, data, initial) = Game();
        var options = FitOptions.Reference with { BatchSize = 8, Window = 12, Threads = 1 };
        using var batched = new FitSession(model, new LogitQ(0.2f, 6f, 0.02f), data, options, initial);
        // The same network seen only through its per-query interface.
        using var perQuery = new FitSession(new PerQueryOnly(model), new LogitQ(0.2f, 6f, 0.02f), data, options, initial);
        var episodes = Enumerable.Range(0, data.Episodes).ToArray();
        var g1 = new float[initial.Length];
        var g2 = new float[initial.Length];
        var l1 = batched.Objective.Evaluate(data, episodes, 0, initial, g1, sampleSeed: 1);
        var l2 = perQuery.Objective.Evaluate(data, episodes, 0, initial, g2, sampleSeed: 1);
        Assert.Equal(l2.Loss, l1.Loss, 3);
        double scale = g2.Max(v => Math.Abs(v));
        for (int i = 0; i < g1.Length; i++) Assert.True(Math.Abs(g1[i] - g2[i]) <= 1e-4 * scale, $"coordinate {i}: {g1[i]} vs {g2[i]}");
    }

    [Fact]
    public void KeptActivations_GiveTheGradientOfRecomputedOnes_BitForBit()
    {
        // The anonymous MLP (hoisted first layer) and the joint one: the adjoint reads the forward pass's dense-layer
        // outputs back (ActivationStore) instead of multiplying again, which must change no bit of the loss or the gradient.
        var (model, data, initial) = Game();
        AssertKeptEqualsRecomputed(model, new LogitQ(0.2f, 6f, 0.02f), data, initial);

        var joint = new NeuralJoint(3, 4, hidden: 24);
        joint.InitializeParameters(new Random(4));
        var truth = new float[joint.Layout.TotalLength];
        joint.ReadParameters(truth);
        var jointData = Simulator.Simulate(joint, truth, new LogitQ(0.25f, 3f, 0.06f), new GameShape(3, 4), 6, 10, seed: 5, threads: 1);
        joint.InitializeParameters(new Random(6));
        var start = new float[truth.Length];
        joint.ReadParameters(start);
        AssertKeptEqualsRecomputed(joint, new LogitQ(0.25f, 3f, 0.06f), jointData, start);
    }

    private static void AssertKeptEqualsRecomputed(IMechanism model, ILearningRule rule, Trajectories data, float[] initial)
    {
        var options = FitOptions.Reference with { BatchSize = 8, Window = 8, Threads = 2 };
        using var kept = new FitSession(model, rule, data, options, initial);
        using var recomputed = new FitSession(model, rule, data, options with { KeepActivations = false }, initial);
        var episodes = Enumerable.Range(0, data.Episodes).ToArray();
        var (g1, g2) = (new float[initial.Length], new float[initial.Length]);
        var l1 = kept.Objective.Evaluate(data, episodes, 0, initial, g1, sampleSeed: 1);
        var l2 = recomputed.Objective.Evaluate(data, episodes, 0, initial, g2, sampleSeed: 1);
        Assert.True(kept.Objective.KeptActivationBytes > 0, "the forward pass kept nothing");
        Assert.Equal(0, recomputed.Objective.KeptActivationBytes);
        Assert.Equal(l2.Loss, l1.Loss);
        Assert.Equal(g2, g1);
        Assert.Contains(g1, v => v != 0);
    }

    /// <summary>Hides the batched interface, so the runtime takes the one-query-at-a-time path.</summary>
    private sealed class PerQueryOnly(AnonymousCount inner) : IAnonymousMechanism
    {
        public string ModelName => inner.ModelName;
        public ParameterLayout Layout => inner.Layout;
        public PayoffForm Form => inner.Form;
        public void ReadParameters(Span<float> destination) => inner.ReadParameters(destination);
        public void WriteParameters(ReadOnlySpan<float> source) => inner.WriteParameters(source);
        public void InitializeParameters(Random random) => inner.InitializeParameters(random);
        public GradientCheckReport CheckGradients(int agents, int actions, int seed = 1) => inner.CheckGradients(agents, actions, seed);
        public float Payoff(ReadOnlySpan<float> theta, int ownAction, ReadOnlySpan<int> opponentCounts) => inner.Payoff(theta, ownAction, opponentCounts);
        public void PayoffAdjoint(ReadOnlySpan<float> theta, int ownAction, ReadOnlySpan<int> opponentCounts, float payoffBar, Span<float> thetaBar) => inner.PayoffAdjoint(theta, ownAction, opponentCounts, payoffBar, thetaBar);
        public double Payoff(ReadOnlySpan<double> theta, int ownAction, ReadOnlySpan<int> opponentCounts) => inner.Payoff(theta, ownAction, opponentCounts);
        public void PayoffAdjoint(ReadOnlySpan<double> theta, int ownAction, ReadOnlySpan<int> opponentCounts, double payoffBar, Span<double> thetaBar) => inner.PayoffAdjoint(theta, ownAction, opponentCounts, payoffBar, thetaBar);
    }
}
