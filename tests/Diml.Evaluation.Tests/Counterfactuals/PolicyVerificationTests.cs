using Diml.Data;
using Diml.Evaluation.Baselines;
using Diml.Evaluation.Counterfactuals;
using Diml.Fitting;
using Diml.Learning;
using Diml.Mechanisms;
using Diml.Simulation;
using Xunit.Abstractions;

namespace Diml.Evaluation.Tests.Counterfactuals;

/// <summary>
/// The verification study of docs/counterfactuals.md at test size: fit on synthetic data, apply the same policy to the
/// fitted model and to the truth, and require the fitted prediction to beat "no change" and the static logit response.
/// <c>DIML_POLICY_STUDY=1</c> runs the study's sizes instead and prints its tables without asserting.
/// </summary>
public sealed class PolicyVerificationTests(ITestOutputHelper output)
{
    private static readonly LogitQ Learner = new(0.25f, 3f, 0.06f);

    private static bool Study => Environment.GetEnvironmentVariable("DIML_POLICY_STUDY") == "1";

    private static float[] Read(IMechanism mechanism)
    {
        var theta = new float[mechanism.Layout.TotalLength];
        mechanism.ReadParameters(theta);
        return theta;
    }

    private static FitOptions Options(int epochs, int steps, ulong seed) =>
        FitOptions.Reference with { Epochs = epochs, BatchSize = 8, Window = Math.Min(30, steps - 1), LearningRate = 0.05, Seed = seed, Threads = 2 };

    private void Check(PolicyVerificationResult result)
    {
        output.WriteLine(result.ToMarkdown());
        // The study reports what it measures, whichever way it comes out (docs/counterfactuals.md); the test sizes assert.
        if (Study) return;
        double fitted = PolicyVerificationResult.MeanAfterFirst(result.FittedKl);
        Assert.True(fitted < PolicyVerificationResult.MeanAfterFirst(result.NoChangeKl), result.ToMarkdown());
        Assert.True(fitted < PolicyVerificationResult.MeanAfterFirst(result.StaticKl), result.ToMarkdown());
        Assert.True(PolicyVerificationResult.Final(result.FittedKl) < PolicyVerificationResult.Final(result.NoChangeKl), result.ToMarkdown());
        Assert.True(PolicyVerificationResult.Final(result.FittedKl) < PolicyVerificationResult.Final(result.StaticKl), result.ToMarkdown());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void CongestionToll_FittedPrediction_BeatsNoChangeAndStaticLogit(int seed)
    {
        int episodes = Study ? 60 : 30, steps = Study ? 60 : 40, epochs = Study ? 60 : 25;
        var shape = new GameShape(4, 5);
        var truth = Congestion.RandomTruth(5, new Random(seed));
        var theta = Read(truth);
        var data = Simulator.Simulate(truth, theta, Learner, shape, episodes, steps, seed: (ulong)seed);
        var fit = StructMle.ForCongestion(5, Learner, Options(epochs, steps, (ulong)seed)).Fit(data);
        Assert.True(fit.Completed);

        // A toll of 0.5 payoff units on the route the data use most.
        var observed = StaticLogitResponse.ObservedShares(data);
        int busiest = Enumerable.Range(0, 5).MaxBy(k => Enumerable.Range(0, steps).Sum(t => observed[t * 5 + k]));
        var toll = new float[5];
        toll[busiest] = -0.5f;
        var result = PolicyVerification.Compare(truth, theta, new Congestion(5), fit.Parameters, Learner, PolicyChange.PayoffShift(toll), data,
            new PredictionOptions(Replications: Study ? 400 : 100, Seed: 7, Threads: 2));
        Check(result);
    }

    /// <summary>E2's setting: congestion with tolls as the truth, the paper's neural joint mechanism as the model (reference estimator).</summary>
    [Fact]
    public void CongestionToll_NeuralModel_FittedPrediction_BeatsNoChangeAndStaticLogit()
    {
        const int seed = 3, episodes = 60, steps = 60;
        var shape = new GameShape(4, 5);
        var truth = Congestion.RandomTruth(5, new Random(seed));
        var theta = Read(truth);
        var data = Simulator.Simulate(truth, theta, Learner, shape, episodes, steps, seed: seed);
        var model = new NeuralJoint(4, 5, Study ? 128 : 32);
        model.InitializeParameters(new Random(seed));
        var options = FitOptions.Reference with { Epochs = Study ? 100 : 40, BatchSize = 32, Window = 50, Seed = seed, Threads = 2 };
        var fit = MechanismEstimator.Diml(model, Learner, options).Fit(data);
        Assert.True(fit.Completed);

        var observed = StaticLogitResponse.ObservedShares(data);
        int busiest = Enumerable.Range(0, 5).MaxBy(k => Enumerable.Range(0, steps).Sum(t => observed[t * 5 + k]));
        var toll = new float[5];
        toll[busiest] = -0.5f;
        var result = PolicyVerification.Compare(truth, theta, model, fit.Parameters, Learner, PolicyChange.PayoffShift(toll), data,
            new PredictionOptions(Replications: Study ? 400 : 100, Seed: 7, Threads: 2));
        Check(result);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void GroupedPublicGoods_DoubledReturn_FittedPrediction_BeatsNoChangeAndStaticLogit(int seed)
    {
        int sessions = Study ? 40 : 20, steps = Study ? 30 : 20, epochs = Study ? 60 : 25;
        var truth = PublicGoods.PaperTruth(5, new Random(seed));
        var theta = Read(truth);
        var data = GroupedSimulator.Simulate(truth, theta, Learner, 5, GroupMatching.OfSize(12, 3), sessions, steps, seed: (ulong)seed);
        var fit = StructMle.ForPublicGoods(5, Learner, Options(epochs, steps, (ulong)seed), new Random(seed + 100)).Fit(data);
        Assert.True(fit.Completed);

        var term = MechanismCatalog.Find("public-goods")!.MoneyTerm!;
        var result = PolicyVerification.Compare(truth, theta, new PublicGoods(5), fit.Parameters, Learner, PolicyChange.None.WithMoneyScaling(term, 2.0), data,
            new PredictionOptions(Replications: Study ? 400 : 100, Seed: 7, Threads: 2));
        var layout = truth.Layout;
        output.WriteLine($"s: true {theta[layout["Scale"].Offset]}, fitted {fit.Parameters[layout["Scale"].Offset]}; k: true {theta[layout["Steepness"].Offset]}, fitted {fit.Parameters[layout["Steepness"].Offset]}");
        Check(result);
    }
}
