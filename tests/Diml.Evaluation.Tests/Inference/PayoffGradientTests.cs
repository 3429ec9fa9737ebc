using Diml.Data;
using Diml.Evaluation.Inference;
using Diml.Evaluation.Inspection;
using Diml.Mechanisms;

namespace Diml.Evaluation.Tests.Inference;

public sealed class PayoffGradientTests
{
    public static TheoryData<string> Families => ["congestion", "neural-joint", "anonymous-count"];

    [Theory]
    [MemberData(nameof(Families))]
    public void PayoffGradient_MatchesCentralDifferences_InEveryForm(string family)
    {
        var shape = new GameShape(3, 4);
        var entry = MechanismCatalog.Find(family)!;
        var mechanism = entry.Create(shape, new MechanismSettings(entry.HasHiddenLayers ? 6 : 0));
        entry.InitializeTruth(mechanism, new Random(3));
        var theta32 = new float[mechanism.Layout.TotalLength];
        mechanism.ReadParameters(theta32);
        var theta = theta32.Select(v => (double)v).ToArray();
        int[] profile = [2, 0, 3];
        var gradient = new double[theta.Length];
        double payoff = PayoffGradient.Payoff(mechanism, shape.Actions, theta, profile, 1, gradient);
        Assert.Equal(payoff, PayoffGradient.Payoff(mechanism, shape.Actions, theta, profile, 1, new double[theta.Length]));
        const double h = 1e-6;
        var scratch = new double[theta.Length];
        for (int j = 0; j < theta.Length; j++)
        {
            var x = theta.ToArray();
            x[j] += h;
            double up = PayoffGradient.Payoff(mechanism, shape.Actions, x, profile, 1, scratch);
            x[j] -= 2 * h;
            double down = PayoffGradient.Payoff(mechanism, shape.Actions, x, profile, 1, scratch);
            Assert.True(Math.Abs(((up - down) / (2 * h)) - gradient[j]) <= 1e-6, $"{family} θ{j}: {(up - down) / (2 * h)} vs {gradient[j]}");
        }
    }

    [Fact]
    public void PayoffDifferenceErrors_AreTheDeltaMethod_WithTheCongestionCovariance()
    {
        var (likelihood, truth) = StandardErrorTests.SmallCongestion(episodes: 20, steps: 25, seed: 11);
        using var _ = likelihood;
        var estimate = MaximumLikelihood.Polish(likelihood, truth).Estimate;
        var inference = StandardErrors.Compute(likelihood, estimate);
        var mechanism = new Congestion(3);
        mechanism.WriteParameters(ModelInference.ToParameters(estimate));
        var table = PayoffDifferences.Compute(Diml.MechanismPayoffs.AtCurrentParameters(mechanism, likelihood.Data.Shape), mechanism.Form, likelihood.Data);
        var errors = PayoffDifferenceErrors.Compute(mechanism, estimate, inference.Covariance, table, c => inference.IsIdentified(c));

        // Context agent 0 facing (1, 1): own 2 vs own 0, loads 1 on both: d = (τ2 − c1_2 − c2_2) − (τ0 − c1_0 − c2_0).
        int index = table.Contexts.ToList().FindIndex(c => c.Agent == 0 && c.Actions[1] == 1 && c.Actions[2] == 1);
        var c = new double[9];
        c[6 + 2] = 1; c[2] = -1; c[3 + 2] = -1;
        c[6 + 0] = -1; c[0] = 1; c[3 + 0] = 1;
        Assert.True(inference.IsIdentified(c));
        Assert.Equal(Math.Sqrt(inference.Variance(c)), errors[index][2], 10);
        Assert.Equal(0, errors[index][0]);
        Assert.All(errors.SelectMany(e => e.Skip(1)), se => Assert.True(se > 0 && double.IsFinite(se)));
    }
}
