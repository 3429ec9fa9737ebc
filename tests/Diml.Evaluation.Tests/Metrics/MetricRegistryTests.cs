using Diml.Data;
using Diml.Fitting;
using Diml.Learning;
using Diml.Simulation;

namespace Diml.Evaluation.Tests.Metrics;

/// <summary>The metric registry computes each registered metric from one context, and leaves the ones a model cannot give empty.</summary>
public sealed class MetricRegistryTests
{
    private static readonly GameShape Shape = new(3, 4);
    private static readonly LogitQ Learner = new(0.25f, 3f, 0.06f), Shifted = new(0.15f, 4.2f, 0.09f);

    private static MetricContext Context(Func<IPayoffModel>? estimate, Func<IStepScorer>? scorer)
    {
        var truth = Diml.Mechanisms.Congestion.RandomTruth(4, new Random(1));
        var theta = new float[truth.Layout.TotalLength];
        truth.ReadParameters(theta);
        var (train, test) = Simulator.Simulate(truth, theta, Learner, Shape, 20, 15, seed: 2).Split(0.8);
        Func<IPayoffModel> truePayoffs = () => new MechanismPayoffs(truth, theta, Shape);
        return new MetricContext
        {
            Truth = truePayoffs,
            Estimate = estimate is null ? null : () => estimate(),
            Scorer = scorer,
            Test = test,
            Support = TrainingSupport.Of(train),
            Seed = 5,
            DiffContexts = 300,
            ShiftedLearner = Shifted,
            UnderTruth = Simulator.Simulate(truePayoffs, Shifted, Shape, 10, 12, seed: 5),
        };
    }

    private static IPayoffModel Truth()
    {
        var truth = Diml.Mechanisms.Congestion.RandomTruth(4, new Random(1));
        return MechanismPayoffs.AtCurrentParameters(truth, Shape);
    }

    [Fact]
    public void Names_AreUniqueResultColumns()
    {
        var names = MetricRegistry.All.Select(m => m.Name).ToArray();
        Assert.Equal(names.Length, names.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(["mse_on", "diff_mse", "nll_test", "nll_test_in_support", "cfkl_params", "cfkl_params_in_support", "mse_off", "cf_policy_kl", "cfkl_counts", "cfkl_floor", "diff_rel", "diff_corr"], names);
        Assert.All(MetricRegistry.All, m => Assert.False(string.IsNullOrWhiteSpace(m.Description)));
        Assert.Same(DiffMse.Metric, MetricRegistry.Find("diff_mse"));
        Assert.Null(MetricRegistry.Find("accuracy"));
    }

    [Fact]
    public void TheTruthAgainstItself_ScoresZeroOnEveryRecoveryMetric_AndItsOwnLikelihood()
    {
        var context = Context(Truth, () => new LearnerStepScorer(Truth(), Learner));
        var values = MetricRegistry.ComputeAll(context).ToDictionary(p => p.Name, p => p.Value);
        foreach (string name in new[] { "mse_on", "diff_mse", "mse_off", "cfkl_params", "cfkl_params_in_support", "cf_policy_kl", "cfkl_counts", "diff_rel" })
            Assert.Equal(0, values[name]);
        Assert.Equal(1, values["diff_corr"], 12);
        var expected = HeldOutLikelihood.Compute(() => new LearnerStepScorer(Truth(), Learner), context.Test, context.Support);
        Assert.Equal(expected.NllTest, values["nll_test"]);
        Assert.Equal(expected.NllTestInSupport, values["nll_test_in_support"]);
    }

    [Fact]
    public void AModelWithoutPayoffs_GetsOnlyItsLikelihood()
    {
        var values = MetricRegistry.ComputeAll(Context(null, () => new LearnerStepScorer(Truth(), Learner))).ToDictionary(p => p.Name, p => p.Value);
        foreach (string name in new[] { "mse_on", "diff_mse", "mse_off", "cfkl_params", "cfkl_params_in_support", "cf_policy_kl", "cfkl_counts", "cfkl_floor", "diff_rel", "diff_corr" })
            Assert.True(double.IsNaN(values[name]), name);
        Assert.True(values["nll_test"] > 0 && double.IsFinite(values["nll_test"]));
    }

    [Fact]
    public void WithoutSimulation_TheSimulatedMetricsStayEmpty()
    {
        var context = Context(Truth, null);
        var quiet = new MetricContext
        {
            Truth = context.Truth, Estimate = context.Estimate, Test = context.Test, Support = context.Support, Seed = context.Seed,
            ShiftedLearner = context.ShiftedLearner, UnderTruth = context.UnderTruth, Simulate = false,
        };
        var values = MetricRegistry.ComputeAll(quiet).ToDictionary(p => p.Name, p => p.Value);
        Assert.Equal(0, values["diff_mse"]);
        foreach (string name in new[] { "cfkl_params", "cfkl_params_in_support", "cf_policy_kl", "nll_test" })
            Assert.True(double.IsNaN(values[name]), name);
    }

    [Fact]
    public void SharedTruthPolicies_MustFollowTheContextsPlay_AndGiveTheSameCfPolicyKl()
    {
        var estimate = Diml.Mechanisms.Congestion.RandomTruth(4, new Random(9));
        var estimateTheta = new float[estimate.Layout.TotalLength];
        estimate.ReadParameters(estimateTheta);
        var plain = Context(() => new MechanismPayoffs(estimate, estimateTheta, Shape), null);
        var path = PolicyPath.Of(plain.Truth, Shifted, plain.UnderTruth);
        var shared = new MetricContext
        {
            Truth = plain.Truth, Estimate = plain.Estimate, Test = plain.Test, Support = plain.Support, Seed = plain.Seed,
            ShiftedLearner = Shifted, UnderTruth = plain.UnderTruth, SharedTruthPolicies = () => path,
        };
        Assert.Equal(((IMetric)CfPolicyKl.Metric).Compute(plain), ((IMetric)CfPolicyKl.Metric).Compute(shared));
        var elsewhere = new MetricContext
        {
            Truth = plain.Truth, Estimate = plain.Estimate, Test = plain.Test, Support = plain.Support, Seed = plain.Seed,
            ShiftedLearner = Shifted, UnderTruth = plain.UnderTruth.SelectEpisodes(0, 5), SharedTruthPolicies = () => path,
        };
        Assert.Throws<InvalidOperationException>(() => elsewhere.TruthPolicies);
    }

    [Fact]
    public void SharedTruthDifferences_GiveTheSameDiffMse_AndMustBeOfTheContextsDraws()
    {
        var estimate = Diml.Mechanisms.Congestion.RandomTruth(4, new Random(9));
        var estimateTheta = new float[estimate.Layout.TotalLength];
        estimate.ReadParameters(estimateTheta);
        var plain = Context(() => new MechanismPayoffs(estimate, estimateTheta, Shape), null);
        var truthSide = SampledPayoffDifferences.TruthSide(plain.Truth, plain.Test, plain.Seed, plain.DiffContexts, threads: 2);
        MetricContext With(int contexts) => new()
        {
            Truth = plain.Truth, Estimate = plain.Estimate, Test = plain.Test, Support = plain.Support, Seed = plain.Seed, DiffContexts = contexts,
            ShiftedLearner = Shifted, UnderTruth = plain.UnderTruth, SharedTruthDifferences = () => truthSide,
        };
        Assert.Equal(plain.Differences, With(plain.DiffContexts).Differences);
        Assert.True(plain.Differences.DiffMse > 0);
        Assert.Throws<InvalidOperationException>(() => With(plain.DiffContexts + 1).Differences);
    }

    [Fact]
    public void CfklParamsInSupport_UsesItsOwnSimulations_WhenGivenThem_AndCfklParamsKeepsTheOthers()
    {
        var estimate = Diml.Mechanisms.Congestion.RandomTruth(4, new Random(9));
        var estimateTheta = new float[estimate.Layout.TotalLength];
        estimate.ReadParameters(estimateTheta);
        Func<IPayoffModel> estimatePayoffs = () => new MechanismPayoffs(estimate, estimateTheta, Shape);
        var plain = Context(estimatePayoffs, null);
        var supportTruth = Simulator.Simulate(Truth, Shifted, Shape, 25, 12, seed: 5);
        var own = new MetricContext
        {
            Truth = plain.Truth, Estimate = plain.Estimate, Test = plain.Test, Support = plain.Support, Seed = plain.Seed, DiffContexts = 300,
            ShiftedLearner = Shifted, UnderTruth = plain.UnderTruth, SupportUnderTruth = supportTruth,
        };
        Assert.Equal(25, own.SupportUnderEstimate.Episodes);
        Assert.Equal(plain.UnderTruth.Episodes, own.UnderEstimate.Episodes);
        // The smaller simulation under the estimate is the larger one's first episodes (each episode has its own
        // stream): the same play as simulating it alone.
        Assert.True(own.UnderEstimate.ContentEquals(Simulator.Simulate(estimatePayoffs, Shifted, Shape, plain.UnderTruth.Episodes, 12, seed: 5)));
        var values = MetricRegistry.ComputeAll(own).ToDictionary(p => p.Name, p => p.Value);
        var before = MetricRegistry.ComputeAll(plain).ToDictionary(p => p.Name, p => p.Value);
        var supportEstimate = Simulator.Simulate(estimatePayoffs, Shifted, Shape, 25, 12, seed: 5);
        Assert.Equal(CfklParamsInSupport.Compute(supportTruth, supportEstimate, plain.Support), values["cfkl_params_in_support"]);
        Assert.NotEqual(before["cfkl_params_in_support"], values["cfkl_params_in_support"]);
        Assert.Equal(before["cfkl_params"], values["cfkl_params"]);
        Assert.Equal(before["cfkl_counts"], values["cfkl_counts"]);
        Assert.True(values["cfkl_params"] > 0 && values["cfkl_counts"] > 0);
    }

    [Fact]
    public void OnIndependentStreams_TheTruthAgainstItselfScoresExactlyTheFloor_AndOnCommonStreamsZero()
    {
        var common = Context(Truth, null);
        var independent = new MetricContext
        {
            Truth = common.Truth, Estimate = common.Estimate, Test = common.Test, Support = common.Support, Seed = common.Seed, DiffContexts = 300,
            ShiftedLearner = Shifted, UnderTruth = common.UnderTruth, Streams = SimulationStreams.Independent,
        };
        var onCommon = MetricRegistry.ComputeAll(common).ToDictionary(p => p.Name, p => p.Value);
        var onIndependent = MetricRegistry.ComputeAll(independent).ToDictionary(p => p.Name, p => p.Value);
        Assert.Equal(0, onCommon["cfkl_params"]);
        // The floor is the truth's simulation against the truth's on the independent stream: the same two histograms.
        Assert.True(onIndependent["cfkl_floor"] > 0);
        Assert.Equal(onIndependent["cfkl_floor"], onIndependent["cfkl_params"]);
        Assert.Equal(onCommon["cfkl_floor"], onIndependent["cfkl_floor"]);
        // The metrics that do not simulate the estimate do not move.
        foreach (string name in new[] { "mse_on", "diff_mse", "mse_off", "cf_policy_kl", "diff_rel" })
            Assert.Equal(onCommon[name], onIndependent[name]);
    }

    [Fact]
    public void TheFloor_IsTheTruthsOwnCfklParamsOnIndependentStreams_AndSharedFloorsAreUsed()
    {
        var truth = Diml.Mechanisms.Congestion.RandomTruth(4, new Random(1));
        double floor = CfklFloor.Compute(truth, Shifted, Shape, 12, seed: 5, episodes: 10);
        Assert.Equal(CfklParams.Compute(truth, truth, Shifted, Shape, 12, 5, 10, 1, SimulationStreams.Independent), floor);
        Assert.Equal(0, CfklParams.Compute(truth, truth, Shifted, Shape, 12, 5, 10));
        var estimate = Diml.Mechanisms.Congestion.RandomTruth(4, new Random(9));
        Assert.Equal((CfklParams.Compute(truth, estimate, Shifted, Shape, 12, 5, 10), floor), CfklParams.ComputeWithFloor(truth, estimate, Shifted, Shape, 12, 5, 10, threads: 2));
        // The context's floor of the same simulation (10 episodes x 12 steps, seed 5) is the same number.
        var context = Context(Truth, null);
        Assert.Equal(floor, context.Floor, 12);
        var shared = new MetricContext
        {
            Truth = context.Truth, Estimate = context.Estimate, Test = context.Test, Support = context.Support, Seed = context.Seed,
            ShiftedLearner = Shifted, UnderTruth = context.UnderTruth, SharedFloor = () => 0.125,
        };
        Assert.Equal(0.125, MetricRegistry.ComputeAll(shared).Single(p => p.Name == "cfkl_floor").Value);
    }

    [Fact]
    public void IndependentSeeds_DifferFromTheirSeed_AndCommonStreamsKeepIt()
    {
        Assert.Equal(7UL, CounterfactualSeeds.Estimate(7, SimulationStreams.Common));
        Assert.NotEqual(7UL, CounterfactualSeeds.Estimate(7, SimulationStreams.Independent));
        Assert.NotEqual(CounterfactualSeeds.Independent(7), CounterfactualSeeds.Independent(8));
        Assert.Throws<ArgumentOutOfRangeException>(() => CounterfactualSeeds.Estimate(7, (SimulationStreams)5));
    }
}
