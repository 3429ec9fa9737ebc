using Diml.Data;
using Diml.Fitting;
using Diml.Learning;
using Diml.Runtime.Tests.Learning;

namespace Diml.Tests.Fitting;

/// <summary>
/// Learner parameters fitted jointly with the mechanism: the objective's gradient over [mechanism θ | raw learner
/// values] against central differences in double (plain and grouped data, a learnable initial state), determinism
/// on 1 and 2 threads, zero allocation per steady-state epoch, and the transforms.
/// </summary>
public sealed class LearnerParameterFittingTests
{
    private static LearnerParameters Learner(ILearnableRule rule, params string[] names) => new(rule, names);

    [Theory]
    [InlineData(PayoffForm.Joint, new[] { "alpha", "epsilon" })]
    [InlineData(PayoffForm.PerAgent, new[] { "Alpha", "Beta", "Epsilon" })]
    [InlineData(PayoffForm.Anonymous, new[] { "epsilon" })]
    public void JointGradient_MatchesCentralDifferences_InDouble(PayoffForm form, string[] estimated)
    {
        var shape = new GameShape(3, 4);
        var mechanism = TestGames.Mechanism(form, shape);
        var data = TestGames.Simulate(mechanism, shape, episodes: 5, steps: 14);
        var rule = new LogitQ(0.35f, 2.5f, 0.15f);
        Check(mechanism, rule, Learner(rule, estimated), data, groupSizes: null);
    }

    [Fact]
    public void JointGradient_WithALearnableInitialState_MatchesCentralDifferences()
    {
        var shape = new GameShape(3, 4);
        var mechanism = TestGames.Mechanism(PayoffForm.Anonymous, shape);
        var data = TestGames.Simulate(mechanism, shape, episodes: 5, steps: 14);
        var rule = new LearnableStart(shape.Actions);
        Check(mechanism, rule, Learner(rule, "q0", "alpha"), data, groupSizes: null, t0: 0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void JointGradient_WithLogitQInitialAttractions_MatchesCentralDifferences(bool inertia)
    {
        var shape = new GameShape(3, 4);
        var mechanism = TestGames.Mechanism(PayoffForm.Anonymous, shape);
        var data = TestGames.Simulate(mechanism, shape, episodes: 5, steps: 14);
        float[] q0 = [0f, 0.4f, -0.3f, 0.8f];
        ILearnableRule rule = inertia ? new LogitQWithInertia(0.35f, 2.5f, 0.15f, 0.6f, q0) : new LogitQ(0.35f, 2.5f, 0.15f, q0);
        // Action 0's attraction is held (the softmax ignores a common shift), the others estimated with α.
        var learner = Learner(rule, "q0[1]", "q0[2]", "q0[3]", "alpha");
        Assert.Equal(["alpha", "q0[1]", "q0[2]", "q0[3]"], learner.ValueNames);
        Check(mechanism, rule, learner, data, groupSizes: null, t0: 0);
    }

    [Fact]
    public void JointGradient_OnRematchedGroupsWithAbsences_MatchesCentralDifferences()
    {
        var shape = new GameShape(6, 3);
        var truth = TestGames.Mechanism(PayoffForm.Anonymous, shape, seed: 3);
        var data = GroupedData.Rematch(TestGames.Simulate(truth, shape, 5, 14, seed: 21), [1, 2, 3], absentRate: 0.2, seed: 7);
        var mechanism = TestGames.Mechanism(PayoffForm.Anonymous, new GameShape(1, shape.Actions), seed: 9);
        var rule = new LogitQ(0.3f, 2f, 0.1f);
        Check(mechanism, rule, Learner(rule, "alpha", "epsilon"), data, GroupSizeRule.KernelSizes(mechanism, data));
    }

    private static void Check(IMechanism mechanism, ILearnableRule rule, LearnerParameters learner, Trajectories data, IReadOnlyList<int>? groupSizes, int t0 = 5)
    {
        int[] episodes = [4, 1, 2];
        const int window = 6;
        int p = mechanism.Layout.TotalLength, n = p + learner.Length;
        using var inDouble = new MinibatchObjective<double>(mechanism, rule, data.Shape, 3, data.Steps, window, WindowMode.Reference, 0.05,
            threads: 2, groupSizes: groupSizes, learner: learner);
        using var inFloat = new MinibatchObjective<float>(mechanism, rule, data.Shape, 3, data.Steps, window, WindowMode.Reference, 0.05,
            threads: 1, groupSizes: groupSizes, learner: learner);
        var theta = new float[n];
        mechanism.ReadParameters(theta);
        learner.StartRaw(theta.AsSpan(p));
        var function = new ObjectiveFunction(inDouble, inFloat, data, episodes, t0, n);
        var report = GradientCheck.Run(function, TestGames.ToDouble(theta), seed: 5);
        Assert.True(report.Passed, report.ToString());
        Assert.True(report.MaxRelativeError < 1e-6, report.ToString());
        // The learner part of the gradient is not trivially zero.
        var gradient = new double[n];
        inDouble.Evaluate(data, episodes, t0, TestGames.ToDouble(theta), gradient);
        Assert.All(Enumerable.Range(p, learner.Length), j => Assert.NotEqual(0, gradient[j]));
    }

    [Fact]
    public void WithoutEstimatedParameters_TheObjectiveIsTheMechanismOnlyOne()
    {
        var shape = new GameShape(3, 4);
        var mechanism = TestGames.Mechanism(PayoffForm.PerAgent, shape);
        var data = TestGames.Simulate(mechanism, shape, episodes: 5, steps: 14);
        var rule = new LogitQ(0.25f, 3f, 0.06f);
        var theta = new float[mechanism.Layout.TotalLength];
        mechanism.ReadParameters(theta);
        using var plain = new MinibatchObjective<float>(mechanism, rule, shape, 3, data.Steps, 6, WindowMode.Reference, 0.05);
        using var viaLearner = new MinibatchObjective<float>(mechanism, rule, shape, 3, data.Steps, 6, WindowMode.Reference, 0.05, learner: Learner(rule));
        var a = new float[theta.Length];
        var b = new float[theta.Length];
        Assert.Equal(plain.Evaluate(data, [0, 2], 3, theta, a).Loss, viaLearner.Evaluate(data, [0, 2], 3, theta, b).Loss);
        Assert.Equal(TestGames.Bits(a), TestGames.Bits(b));
    }

    [Fact]
    public void Fit_WithEstimatedLearnerParameters_IsBitIdenticalOnOneAndTwoThreads_AndWritesTheEstimatesIntoTheRule()
    {
        var shape = new GameShape(4, 3);
        var (model, data) = FitterTests.SmallProblem(PayoffForm.Anonymous, shape);
        var initial = model.Parameters();
        var options = new FitOptions { Epochs = 4, BatchSize = 8, Window = 12, LearningRate = 3e-2, Seed = 5, MinSteps = 0, Patience = 2 };
        FitResult Run(int threads)
        {
            var rule = new LogitQ(0.5f, 3f, 0.2f);
            var result = new Fitter(model, rule, options with { Threads = threads }) { Learner = Learner(rule, "alpha", "epsilon") }.Fit(data, initial);
            Assert.Equal(result.LearnerValues["alpha"], rule.Alpha, 6);
            Assert.Equal(result.LearnerValues["epsilon"], rule.Epsilon, 6);
            Assert.Equal(3f, rule.Beta); // not estimated
            return result;
        }
        var one = Run(1);
        var two = Run(2);
        Assert.True(one.Completed && two.Completed);
        Assert.Equal(model.Layout.TotalLength, one.Parameters.Length);
        Assert.Equal(model.Layout.TotalLength + 2, one.JointParameters.Length);
        Assert.NotEqual(0.5, one.LearnerValues["alpha"]);
        Assert.Equal(TestGames.Bits(one.JointParameters), TestGames.Bits(two.JointParameters));
        Assert.Equal(one.Curve.Select(r => r.MeanLoss), two.Curve.Select(r => r.MeanLoss));
    }

    [Fact]
    public void UnknownOrOutOfRangeParameters_AreClearErrors()
    {
        var rule = new LogitQ(0.5f, 3f, 0.2f);
        var unknown = Assert.Throws<ArgumentException>(() => Learner(rule, "gamma"));
        Assert.Contains("no learnable parameter 'gamma'; it has alpha, beta, epsilon", unknown.Message);
        Assert.Throws<ArgumentException>(() => Learner(rule, "alpha", "Alpha"));
        var empty = Assert.Throws<ArgumentException>(() => Learner(rule, "q0"));
        Assert.Contains("'q0' of LogitQ has no elements", empty.Message);
        var withQ0 = new LogitQ(0.5f, 3f, 0.2f, [0f, 1f, 2f]);
        var outside = Assert.Throws<ArgumentException>(() => Learner(withQ0, "q0[3]"));
        Assert.Contains("'q0' has 3 elements; expected an index in [0, 3), found 'q0[3]'", outside.Message);
        Assert.Contains("not a vector", Assert.Throws<ArgumentException>(() => Learner(withQ0, "alpha[0]")).Message);
        Assert.Throws<ArgumentException>(() => Learner(withQ0, "q0", "q0[1]"));
    }

    [Fact]
    public void AnElementOfAVector_IsEstimatedAlone_TheOthersStayFixed()
    {
        var rule = new LogitQ(0.5f, 3f, 0.2f, [0.5f, 1f, 2f]);
        var learner = Learner(rule, "q0[2]", "epsilon");
        Assert.Equal(["epsilon", "q0[2]"], learner.ValueNames);
        var natural = new float[learner.RuleLength];
        learner.ToNatural<float>([0f, -1.5f], natural);
        Assert.Equal([0.5f, 3f, 0.5f, 0.5f, 1f, -1.5f], natural);
        Assert.Equal(-1.5, learner.Values([0f, -1.5f])["q0[2]"]);
    }

    [Theory]
    [InlineData(ParamRange.UnitInterval, 0.3)]
    [InlineData(ParamRange.UnitInterval, 0.999)]
    [InlineData(ParamRange.Positive, 2.5)]
    [InlineData(ParamRange.Real, -1.25)]
    public void Transforms_RoundTrip_AndTheirDerivativesMatchCentralDifferences(ParamRange range, double value)
    {
        double raw = ParamTransforms.ToRaw(range, value);
        Assert.Equal(value, ParamTransforms.ToNatural(range, raw), 12);
        const double h = 1e-6;
        double numeric = (ParamTransforms.ToNatural(range, raw + h) - ParamTransforms.ToNatural(range, raw - h)) / (2 * h);
        Assert.Equal(numeric, ParamTransforms.Derivative(range, raw), 8);
        // A start on an end of the unit interval is moved inside.
        Assert.Equal(ParamTransforms.BoundaryMargin, ParamTransforms.ToNatural(ParamRange.UnitInterval, ParamTransforms.ToRaw(ParamRange.UnitInterval, 0)), 12);
    }
}
