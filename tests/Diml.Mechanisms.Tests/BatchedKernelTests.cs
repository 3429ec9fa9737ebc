using Diml.Mechanisms;

namespace Diml.Mechanisms.Tests;

/// <summary>
/// The generated batched kernels (many queries per call) agree with the per-query kernels: the same payoffs,
/// and a gradient equal to the sum of the per-query gradients, to float rounding.
/// </summary>
public class BatchedKernelTests
{
    private static float[] Parameters(IMechanism mechanism, int seed)
    {
        mechanism.InitializeParameters(new Random(seed));
        var theta = new float[mechanism.Layout.TotalLength];
        mechanism.ReadParameters(theta);
        return theta;
    }

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = 1e-3;
        for (int i = 0; i < expected.Length; i++) scale = Math.Max(scale, Math.Abs(expected[i]));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * scale, $"element {i}: expected {expected[i]}, found {actual[i]}");
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 2)]
    [InlineData(33, 3)]
    public void NeuralJoint_BatchMatchesPerQuery(int count, int seed)
    {
        const int agents = 3, actions = 6;
        var mechanism = new NeuralJoint(agents, actions, hidden: 20);
        var theta = Parameters(mechanism, seed);
        var random = new Random(seed + 10);
        var joints = new int[count * agents];
        for (int i = 0; i < joints.Length; i++) joints[i] = random.Next(actions);
        var seeds = new float[count * agents];
        for (int i = 0; i < seeds.Length; i++) seeds[i] = (float)(random.NextDouble() * 2 - 1);

        var expected = new float[count * agents];
        var expectedGradient = new float[theta.Length];
        for (int q = 0; q < count; q++)
        {
            mechanism.Payoffs(theta, joints.AsSpan(q * agents, agents), expected.AsSpan(q * agents, agents));
            mechanism.PayoffsAdjoint(theta, joints.AsSpan(q * agents, agents), seeds.AsSpan(q * agents, agents), expectedGradient);
        }
        var batched = (IBatchedJointMechanism)mechanism;
        var actual = new float[count * agents];
        batched.PayoffsBatch(theta, joints, count, actual);
        var gradient = new float[theta.Length];
        batched.PayoffsBatchAdjoint(theta, joints, count, seeds, gradient);

        AssertClose(expected, actual, 1e-5);
        AssertClose(expectedGradient, gradient, 1e-4);
        Assert.Equal(0, Kernels.AdjointTape.Current.Depth);
    }

    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(9, 2, false)]
    [InlineData(40, 3, false)]
    [InlineData(21, 4, true)]
    [InlineData(40, 5, true)]
    public void AnonymousCount_BatchMatchesPerQuery(int count, int seed, bool inRuns)
    {
        // inRuns: the runtime's order, every own action of one context in turn, so the shares' block of the first layer
        // is computed once per context (ContextHoisting); otherwise every query has its own counts.
        const int actions = 7, others = 11;
        var mechanism = new AnonymousCount(actions, hidden: 24);
        var theta = Parameters(mechanism, seed);
        var random = new Random(seed + 20);
        var own = new int[count];
        var counts = new int[count * actions];
        var seeds = new float[count];
        for (int q = 0; q < count; q++)
        {
            own[q] = inRuns ? q % actions : random.Next(actions);
            if (inRuns && q % actions != 0) counts.AsSpan((q - 1) * actions, actions).CopyTo(counts.AsSpan(q * actions));
            else for (int i = 0; i < others; i++) counts[q * actions + random.Next(actions)]++;
            seeds[q] = (float)(random.NextDouble() * 2 - 1);
        }

        var expected = new float[count];
        var expectedGradient = new float[theta.Length];
        for (int q = 0; q < count; q++)
        {
            expected[q] = mechanism.Payoff(theta, own[q], counts.AsSpan(q * actions, actions));
            mechanism.PayoffAdjoint(theta, own[q], counts.AsSpan(q * actions, actions), seeds[q], expectedGradient);
        }
        var batched = (IBatchedAnonymousMechanism)mechanism;
        var actual = new float[count];
        batched.PayoffBatch(theta, own, counts, count, actual);
        var gradient = new float[theta.Length];
        batched.PayoffBatchAdjoint(theta, own, counts, count, seeds, gradient);

        AssertClose(expected, actual, 1e-5);
        AssertClose(expectedGradient, gradient, 1e-4);
        Assert.Equal(0, Kernels.AdjointTape.Current.Depth);
    }

    [Fact]
    public void Congestion_IsNotBatched_BecauseItsBranchVariesAcrossQueries()
    {
        Assert.IsNotAssignableFrom<IBatchedPerAgentMechanism>(new Congestion(3));
    }
}
