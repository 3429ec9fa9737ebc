using Diml.Learning;

namespace Diml.Runtime.Tests.Learning;

/// <summary>
/// Every learning rule's float kernels (what fitting and simulation run) agree with their double twins (what the
/// gradient checks run): update and response, forward and adjoint, at random states near the initial state and random
/// payoffs. The finite-difference checks of the same kernels are <see cref="LearningRuleGradientTests"/> and
/// <see cref="Diml.Tests.Learning.ExperienceWeightedAttractionTests"/>.
/// </summary>
/// <remarks>
/// A rule's step is a few operations per action (a softmax over at most 40 actions), so float and double agree to a
/// few float ulps of the result's scale; 1e-5 leaves a margin of two orders of magnitude over float's 6e-8, and 1e-3 for
/// adjoints as in <see cref="GradientCheck.DefaultFloatTolerance"/>.
/// </remarks>
public sealed class LearningRuleTwinTests
{
    private const double ValueTolerance = 1e-5, AdjointTolerance = GradientCheck.DefaultFloatTolerance;

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string rule in new[] { "logit-q", "logit-q/wrong-beta", "ewa", "hedge" })
            foreach (int actions in new[] { 2, 3, 6, 10, 40 })
                data.Add(rule, actions);
        return data;
    }

    private static ILearningRule Create(string name) => name switch
    {
        "logit-q" => new LogitQ(0.25f, 3f, 0.06f),
        "logit-q/wrong-beta" => new LogitQ(0.25f, 3f * 0.6f, 0.06f),
        "ewa" => new ExperienceWeightedAttraction(phi: 0.9f, rho: 0.8f, delta: 0.4f, lambda: 2f),
        "hedge" => new Hedge(0.5f),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown case"),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FloatKernels_AgreeWithTheirDoubleTwins(string name, int actions)
    {
        var rule = Create(name);
        int size = rule.StateSize(actions);
        var initial = new float[size];
        rule.InitialState(initial);
        var random = new Random(actions * 31 + name.Length);
        for (int trial = 0; trial < 5; trial++)
        {
            var state = new float[size];
            for (int j = 0; j < size; j++) state[j] = initial[j] + (float)(random.NextDouble() - 0.5);
            var payoffs = new float[actions];
            for (int k = 0; k < actions; k++) payoffs[k] = (float)(2 * random.NextDouble() - 1);
            int played = random.Next(actions);
            var stateD = Array.ConvertAll(state, v => (double)v);
            var payoffsD = Array.ConvertAll(payoffs, v => (double)v);
            string at = $"{name}, A = {actions}, trial {trial}";

            var next = new float[size];
            var nextD = new double[size];
            rule.Update(state, payoffs, played, next);
            rule.Update(stateD, payoffsD, played, nextD);
            AssertClose(nextD, next, ValueTolerance, 1, at + ": update");

            var logPolicy = new float[actions];
            var logPolicyD = new double[actions];
            rule.Response(state, logPolicy);
            rule.Response(stateD, logPolicyD);
            AssertClose(logPolicyD, logPolicy, ValueTolerance, 1, at + ": response");

            var nextBarD = RandomSeeds(size, random);
            var stateBar = new float[size];
            var payoffsBar = new float[actions];
            var stateBarD = new double[size];
            var payoffsBarD = new double[actions];
            rule.UpdateAdjoint(state, payoffs, played, Array.ConvertAll(nextBarD, v => (float)v), stateBar, payoffsBar);
            rule.UpdateAdjoint(stateD, payoffsD, played, nextBarD, stateBarD, payoffsBarD);
            AssertClose(stateBarD, stateBar, AdjointTolerance, GradientCheck.MagnitudeFloor, at + ": update adjoint (state)");
            AssertClose(payoffsBarD, payoffsBar, AdjointTolerance, GradientCheck.MagnitudeFloor, at + ": update adjoint (payoffs)");

            var logPolicyBarD = RandomSeeds(actions, random);
            var responseBar = new float[size];
            var responseBarD = new double[size];
            rule.ResponseAdjoint(state, Array.ConvertAll(logPolicyBarD, v => (float)v), responseBar);
            rule.ResponseAdjoint(stateD, logPolicyBarD, responseBarD);
            AssertClose(responseBarD, responseBar, AdjointTolerance, GradientCheck.MagnitudeFloor, at + ": response adjoint");
        }
    }

    private static double[] RandomSeeds(int length, Random random)
    {
        var seeds = new double[length];
        for (int i = 0; i < length; i++) seeds[i] = random.NextDouble() * 2 - 1;
        return seeds;
    }

    private static void AssertClose(double[] expected, float[] actual, double tolerance, double floor, string what)
    {
        double scale = floor;
        foreach (double v in expected) scale = Math.Max(scale, Math.Abs(v));
        Assert.Contains(expected, v => v != 0);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * scale,
                FormattableString.Invariant($"{what} [{i}]: double {expected[i]:R}, float {actual[i]:R} (scale {scale:G3})"));
    }
}
