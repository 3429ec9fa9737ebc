using Diml.Data;
using Diml.Evaluation.Counterfactuals;
using Diml.Interventions;
using Diml.Learning;
using Diml.Mechanisms;
using Diml.Simulation;

namespace Diml.Evaluation.Tests.Counterfactuals;

public sealed class PolicyPredictionTests
{
    private static readonly LogitQ Learner = new(0.25f, 3f, 0.06f);

    private static float[] Read(IMechanism mechanism)
    {
        var theta = new float[mechanism.Layout.TotalLength];
        mechanism.ReadParameters(theta);
        return theta;
    }

    private static (IMechanism Mechanism, float[] Theta, SimulationDesign Design) Congestion()
    {
        var truth = Mechanisms.Congestion.RandomTruth(4, new Random(3));
        var theta = Read(truth);
        var data = Simulator.Simulate(truth, theta, Learner, new GameShape(4, 4), episodes: 6, steps: 15, seed: 2);
        return (truth, theta, SimulationDesign.FromData(data, firstActionsFromData: true));
    }

    /// <summary>Grouped public goods: 9 subjects re-matched each period into groups of 3, as a lab session is.</summary>
    private static (IMechanism Mechanism, float[] Theta, Trajectories Data) GroupedPublicGoods()
    {
        var truth = PublicGoods.PaperTruth(5, new Random(4));
        var theta = Read(truth);
        var data = GroupedSimulator.Simulate(truth, theta, Learner, 5, GroupMatching.OfSize(9, 3), episodes: 4, steps: 12, seed: 6);
        return (truth, theta, data);
    }

    private static double[] Flatten(PolicyForecast forecast, Func<PolicyForecast, int, int, Band> band) =>
        [.. Enumerable.Range(0, forecast.Steps).SelectMany(t => Enumerable.Range(0, forecast.Actions).SelectMany(k =>
            new[] { band(forecast, t, k).Mean, band(forecast, t, k).Lower, band(forecast, t, k).Upper }))];

    [Fact]
    public void ZeroShift_GivesTheNoChangePrediction_BitForBit()
    {
        var (mechanism, theta, design) = Congestion();
        var draws = ModelEnsemble.PointEstimate(theta, Learner);
        var options = new PredictionOptions(Replications: 20, Seed: 9);

        var zero = PolicyPrediction.Predict(mechanism, draws, PolicyChange.PayoffShift(new float[4]), design, options);
        var none = PolicyPrediction.Predict(mechanism, draws, PolicyChange.None, design, options);

        Assert.Equal(Flatten(none, (f, t, k) => f.NoChangeShare(t, k)), Flatten(zero, (f, t, k) => f.PolicyShare(t, k)));
        Assert.Equal(Flatten(none, (f, t, k) => f.NoChangeShare(t, k)), Flatten(zero, (f, t, k) => f.NoChangeShare(t, k)));
        Assert.All(Flatten(zero, (f, t, k) => f.ShareChange(t, k)), v => Assert.Equal(0.0, v));
        Assert.Equal(none.NoChangePayoff, zero.PolicyPayoff);
    }

    [Fact]
    public void ZeroChange_OnGroupedPublicGoods_WithMoneyFactorOne_GivesTheNoChangePrediction_BitForBit()
    {
        var (mechanism, theta, data) = GroupedPublicGoods();
        var term = new MoneyTerm(nameof(PublicGoods.Scale), "return on the public account");
        var change = PolicyChange.PayoffShift(new float[5]).WithMoneyScaling(term, 1.0);

        var forecast = PolicyPrediction.Predict(mechanism, ModelEnsemble.PointEstimate(theta, Learner), change, SimulationDesign.FromData(data), new PredictionOptions(10, 3));

        Assert.Equal(Flatten(forecast, (f, t, k) => f.NoChangeShare(t, k)), Flatten(forecast, (f, t, k) => f.PolicyShare(t, k)));
        Assert.Equal(forecast.NoChangePayoff, forecast.PolicyPayoff);
    }

    [Fact]
    public void Prediction_IsBitIdentical_OnOneAndThreeThreads()
    {
        var (mechanism, theta, data) = GroupedPublicGoods();
        var change = PolicyChange.None.WithMoneyScaling(new MoneyTerm(nameof(PublicGoods.Scale), "return"), 2.0);
        var draws = ModelEnsemble.FromCovariance(theta, Diagonal(theta.Length, 1e-4), Learner, count: 3, seed: 5);

        var one = PolicyPrediction.Predict(mechanism, draws, change, SimulationDesign.FromData(data), new PredictionOptions(8, 4, Threads: 1));
        var three = PolicyPrediction.Predict(mechanism, draws, change, SimulationDesign.FromData(data), new PredictionOptions(8, 4, Threads: 3));

        Assert.Equal(24, one.Replications);
        Assert.Equal(Flatten(one, (f, t, k) => f.PolicyShare(t, k)), Flatten(three, (f, t, k) => f.PolicyShare(t, k)));
        Assert.Equal(Flatten(one, (f, t, k) => f.ShareChange(t, k)), Flatten(three, (f, t, k) => f.ShareChange(t, k)));
        Assert.Equal(one.PayoffChange, three.PayoffChange);
    }

    [Fact]
    public void DoublingTheReturn_RaisesContributions_AndTheBandsContainTheMean()
    {
        var (mechanism, theta, data) = GroupedPublicGoods();
        var change = PolicyChange.None.WithMoneyScaling(new MoneyTerm(nameof(PublicGoods.Scale), "return"), 3.0);

        var forecast = PolicyPrediction.Predict(mechanism, ModelEnsemble.PointEstimate(theta, Learner), change, SimulationDesign.FromData(data), new PredictionOptions(30, 2));

        int last = forecast.Steps - 1;
        double meanLevel(double[] shares) => shares.Select((s, k) => s * k).Sum();
        Assert.True(meanLevel(forecast.PolicyDistribution(last)) > meanLevel(forecast.NoChangeDistribution(last)) + 0.3,
            $"{meanLevel(forecast.PolicyDistribution(last))} vs {meanLevel(forecast.NoChangeDistribution(last))}");
        for (int t = 0; t < forecast.Steps; t++)
            for (int k = 0; k < forecast.Actions; k++)
            {
                var band = forecast.PolicyShare(t, k);
                Assert.InRange(band.Mean, band.Lower, band.Upper);
            }
        Assert.Equal(1.0, forecast.PolicyDistribution(last).Sum(), 12);
    }

    [Fact]
    public void ATollOnARoute_LowersItsShare_PairedChangeAgreesWithTheDifferenceOfMeans()
    {
        var (mechanism, theta, design) = Congestion();
        var forecast = PolicyPrediction.Predict(mechanism, ModelEnsemble.PointEstimate(theta, Learner),
            PolicyChange.PayoffShift([-0.8f, 0f, 0f, 0f]), design, new PredictionOptions(40, 1));

        int last = forecast.Steps - 1;
        Assert.True(forecast.ShareChange(last, 0).Upper < 0, forecast.ShareChange(last, 0).ToString());
        for (int k = 0; k < 4; k++)
            Assert.Equal(forecast.PolicyShare(last, k).Mean - forecast.NoChangeShare(last, k).Mean, forecast.ShareChange(last, k).Mean, 12);
        // The first period is the data's: the toll acts from the first update on.
        for (int k = 0; k < 4; k++) Assert.Equal(0.0, forecast.ShareChange(0, k).Mean);
    }

    [Fact]
    public void CovarianceDraws_HaveTheGivenCovariance_AndAreDeterministic()
    {
        float[] theta = [1f, -2f];
        var sigma = new double[,] { { 0.04, 0.018 }, { 0.018, 0.09 } };

        var draws = ModelEnsemble.FromCovariance(theta, sigma, Learner, count: 20000, seed: 7);
        var again = ModelEnsemble.FromCovariance(theta, sigma, Learner, count: 20000, seed: 7);

        Assert.Equal(draws[123].Theta, again[123].Theta);
        double m0 = draws.Average(d => d.Theta[0]), m1 = draws.Average(d => d.Theta[1]);
        double c00 = draws.Average(d => (d.Theta[0] - m0) * (d.Theta[0] - m0));
        double c01 = draws.Average(d => (d.Theta[0] - m0) * (d.Theta[1] - m1));
        double c11 = draws.Average(d => (d.Theta[1] - m1) * (d.Theta[1] - m1));
        Assert.Equal(1.0, m0, 2);
        Assert.Equal(-2.0, m1, 2);
        Assert.Equal(0.04, c00, 2);
        Assert.Equal(0.018, c01, 2);
        Assert.Equal(0.09, c11, 2);
        // A direction with no variance (a gauge direction) stays at the estimate.
        var flat = ModelEnsemble.FromCovariance(theta, new double[,] { { 0.04, 0 }, { 0, 0 } }, Learner, 50, 1);
        Assert.All(flat, d => Assert.Equal(-2f, d.Theta[1]));
    }

    [Fact]
    public void StaticLogitResponse_IsTheLearnersResponseToTheChangedPayoffs()
    {
        var truth = Mechanisms.Congestion.RandomTruth(3, new Random(5));
        var theta = Read(truth);
        var data = Simulator.Simulate(truth, theta, Learner, new GameShape(2, 3), episodes: 1, steps: 2, seed: 1);
        var shares = StaticLogitResponse.Shares(truth, theta, Learner, data);

        var payoffs = new MechanismPayoffs(truth, theta, new GameShape(2, 3));
        var u = new double[6];
        payoffs.CounterfactualPayoffs(data.Step(0, 1), u);
        for (int k = 0; k < 3; k++)
        {
            double expected = 0;
            for (int i = 0; i < 2; i++)
            {
                double z = Enumerable.Range(0, 3).Sum(j => Math.Exp(3 * (float)u[i * 3 + j]));
                expected += ((1 - 0.06) * Math.Exp(3 * (float)u[i * 3 + k]) / z + 0.02) / 2;
            }
            Assert.Equal(expected, shares[3 + k], 5);
        }
    }

    private static double[,] Diagonal(int p, double variance)
    {
        var sigma = new double[p, p];
        for (int i = 0; i < p; i++) sigma[i, i] = variance;
        return sigma;
    }
}
