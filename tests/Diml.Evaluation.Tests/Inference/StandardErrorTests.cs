using Diml.Data;
using Diml.Evaluation.Inference;
using Diml.Learning;
using Diml.Mechanisms;
using Diml.Simulation;
using MathNet.Numerics.LinearAlgebra;

namespace Diml.Evaluation.Tests.Inference;

public sealed class StandardErrorTests
{
    private static readonly LogitQ Learner = new(0.25f, 3f, 0.06f);

    [Fact]
    public void Hessian_MatchesTheAnalyticHessian_OfALogisticPanel()
    {
        var panel = new LogisticPanel(episodes: 30, rows: 20, truth: [0.3, -1.0, 0.8], seed: 1);
        double[] theta = [0.2, -0.7, 1.1];
        var numeric = ObservedInformation.Hessian(panel, theta);
        var exact = panel.AnalyticHessian(theta);
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++)
                Assert.True(Math.Abs(numeric[a, b] - exact[a, b]) <= 1e-6 * Math.Abs(exact[0, 0]), $"H[{a},{b}] {numeric[a, b]} vs {exact[a, b]}");
    }

    [Fact]
    public void Polish_ReachesTheMaximum_AndClassicalErrorsAreTheInverseInformation()
    {
        var panel = new LogisticPanel(episodes: 40, rows: 25, truth: [0.3, -1.0, 0.8], seed: 2);
        var polish = MaximumLikelihood.Polish(panel, [0, 0, 0]);
        Assert.True(polish.Converged, polish.Status);
        Assert.True(polish.GradientMax <= 1e-8 * 1000, $"gradient {polish.GradientMax}");
        Assert.True(polish.Nll < polish.StartNll);

        var classical = StandardErrors.Compute(panel, polish.Estimate, StandardErrorKind.Classical);
        var inverse = Matrix<double>.Build.DenseOfArray(panel.AnalyticHessian(polish.Estimate)).Inverse();
        for (int j = 0; j < 3; j++)
            Assert.Equal(Math.Sqrt(inverse[j, j]), classical.StandardErrors[j], 6);
        Assert.Equal(3, classical.Rank);
        Assert.Empty(classical.Unidentified);
        Assert.True(classical.IsMinimum);
    }

    [Fact]
    public void ClusterRobust_IsTheSandwichOfTheEpisodeScores()
    {
        var panel = new LogisticPanel(episodes: 25, rows: 10, truth: [0.1, 0.6], seed: 3);
        var estimate = MaximumLikelihood.Polish(panel, [0, 0]).Estimate;
        var robust = StandardErrors.Compute(panel, estimate);
        Assert.Equal(StandardErrorKind.ClusterRobust, robust.Kind);

        var bread = Matrix<double>.Build.DenseOfArray(panel.AnalyticHessian(estimate)).Inverse();
        var meat = Matrix<double>.Build.Dense(2, 2);
        var score = new double[2];
        for (int e = 0; e < panel.Episodes; e++)
        {
            panel.EpisodeNll(e, estimate, score);
            var s = Vector<double>.Build.DenseOfArray(score);
            meat += s.OuterProduct(s);
        }
        var expected = bread * meat * bread * (25.0 / 24.0);
        for (int j = 0; j < 2; j++) Assert.Equal(Math.Sqrt(expected[j, j]), robust.StandardErrors[j], 6);
    }

    [Fact]
    public void DuplicatedRegressor_IsReportedAsUnidentified_WithItsIdentifiedContrast()
    {
        var panel = new LogisticPanel(episodes: 30, rows: 20, truth: [0.3, -1.0], seed: 4, duplicateFirst: true);
        var estimate = MaximumLikelihood.Polish(panel, [0.1, 0, 0.4]).Estimate;
        var inference = StandardErrors.Compute(panel, estimate);
        Assert.Equal(2, inference.Rank);
        var direction = Assert.Single(inference.Unidentified);
        Assert.Equal("b[0] - b[2]", direction.Name);
        Assert.False(inference.Identified[0]);
        Assert.True(inference.Identified[1]);
        Assert.False(inference.Identified[2]);
        Assert.True(double.IsNaN(inference.StandardErrors[0]));
        // b0 + b2 is what the data see; its SE is the SE of a single intercept fitted alone.
        Assert.True(inference.IsIdentified([1, 0, 1]));
        Assert.True(double.IsNaN(inference.StandardErrorOf([1, 0, 0])));
        Assert.Contains("b[0] - b[2]", inference.IdentificationMessage);
        var contrast = Assert.Single(inference.Contrasts);
        Assert.Equal("b[2] + b[0]", contrast.Combination.Name);
        Assert.Equal(estimate[0] + estimate[2], contrast.Estimate, 10);

        var single = new LogisticPanel(episodes: 30, rows: 20, truth: [0.3, -1.0], seed: 4);
        var alone = StandardErrors.Compute(single, MaximumLikelihood.Polish(single, [0, 0]).Estimate);
        Assert.Equal(alone.StandardErrors[0], contrast.StandardError, 4);
    }

    [Fact]
    public void ASaddle_IsNotAMinimum()
    {
        var panel = new LogisticPanel(episodes: 10, rows: 10, truth: [0.3, -1.0], seed: 5);
        var saddle = new NegatedSecond(panel);
        var inference = StandardErrors.Compute(saddle, [0.1, 0.2], StandardErrorKind.Classical);
        Assert.False(inference.IsMinimum);
        Assert.True(inference.NegativeCurvature < 0);
        Assert.All(inference.StandardErrors, se => Assert.True(double.IsNaN(se)));
    }

    [Fact]
    public void MechanismGradient_MatchesCentralDifferencesOfTheNll_AndTheHessianSecondDifferences()
    {
        var (likelihood, theta) = SmallCongestion(episodes: 6, steps: 15, seed: 7);
        using var _ = likelihood;
        int p = likelihood.ParameterCount;
        var gradient = new double[p];
        likelihood.TotalNll(theta, gradient);
        const double h = 1e-5;
        var x = theta.ToArray();
        for (int j = 0; j < p; j++)
        {
            x[j] = theta[j] + h;
            double up = likelihood.TotalNll(x, []);
            x[j] = theta[j] - h;
            double down = likelihood.TotalNll(x, []);
            x[j] = theta[j];
            Assert.True(Math.Abs((up - down) / (2 * h) - gradient[j]) <= 1e-6 * Math.Max(1, Math.Abs(gradient[j])), $"dNLL/dθ{j}");
        }

        var hessian = ObservedInformation.Hessian(likelihood, theta);
        const double k = 1e-3;
        double f0 = likelihood.TotalNll(theta, []);
        foreach (var (a, b) in new[] { (0, 0), (3, 3), (4, 7), (1, 8), (5, 6) })
        {
            double Shifted(double da, double db)
            {
                var y = theta.ToArray();
                y[a] += da;
                y[b] += db;
                return likelihood.TotalNll(y, []);
            }
            double second = a == b
                ? (Shifted(k, 0) - 2 * f0 + Shifted(-k, 0)) / (k * k)
                : (Shifted(k, k) - Shifted(k, -k) - Shifted(-k, k) + Shifted(-k, -k)) / (4 * k * k);
            Assert.True(Math.Abs(second - hessian[a, b]) <= 1e-4 * Math.Max(1, Math.Abs(hessian[a, a])), $"H[{a},{b}] {hessian[a, b]} vs {second}");
        }
    }

    [Fact]
    public void Congestion_TollsAndLinearCostsAreIdentifiedOnlyAsTheirDifference()
    {
        var (likelihood, truth) = SmallCongestion(episodes: 30, steps: 30, seed: 8);
        using var _ = likelihood;
        var polish = MaximumLikelihood.Polish(likelihood, truth);
        Assert.True(polish.Converged, polish.Status);
        var inference = StandardErrors.Compute(likelihood, polish.Estimate);
        int a = 3;
        Assert.Equal(3 * a - a, inference.Rank);
        Assert.Equal(Enumerable.Range(0, a).Select(k => $"LinearCost[{k}] + Toll[{k}]"), inference.Unidentified.Select(u => u.Name));
        Assert.Equal(Enumerable.Range(0, a).Select(k => $"Toll[{k}] - LinearCost[{k}]"), inference.Contrasts.Select(c => c.Combination.Name));
        for (int k = 0; k < a; k++)
        {
            Assert.False(inference.Identified[k]);
            Assert.True(inference.Identified[a + k]);
            Assert.True(inference.StandardErrors[a + k] > 0 && double.IsFinite(inference.StandardErrors[a + k]));
            Assert.False(inference.Identified[(2 * a) + k]);
            Assert.True(inference.Contrasts[k].StandardError > 0);
        }
    }

    [Fact]
    public void Equilibrated_Identification_GivesTheSameErrors_AndTheSameGauge()
    {
        var (likelihood, truth) = SmallCongestion(episodes: 20, steps: 20, seed: 9);
        using var _ = likelihood;
        var estimate = MaximumLikelihood.Polish(likelihood, truth).Estimate;
        var plain = StandardErrors.Compute(likelihood, estimate);
        var equilibrated = StandardErrors.Compute(likelihood, estimate, equilibrate: true);
        Assert.Equal(plain.Rank, equilibrated.Rank);
        Assert.Equal(plain.Unidentified.Select(u => u.Name), equilibrated.Unidentified.Select(u => u.Name));
        Assert.Equal(plain.Identified, equilibrated.Identified);
        for (int j = 0; j < estimate.Length; j++)
            if (plain.Identified[j])
                Assert.True(Math.Abs(plain.StandardErrors[j] - equilibrated.StandardErrors[j]) <= 1e-6 * plain.StandardErrors[j],
                    $"se {j}: {plain.StandardErrors[j]} vs {equilibrated.StandardErrors[j]}");
        for (int k = 0; k < plain.Contrasts.Count; k++)
            Assert.Equal(plain.Contrasts[k].StandardError, equilibrated.Contrasts[k].StandardError, 8);
    }

    internal static (MechanismLikelihood Likelihood, double[] Truth) SmallCongestion(int episodes, int steps, ulong seed, int agents = 3, int actions = 3)
    {
        var shape = new GameShape(agents, actions);
        var truth = Congestion.RandomTruth(actions, new Random((int)seed));
        var theta = new float[truth.Layout.TotalLength];
        truth.ReadParameters(theta);
        var data = Simulator.Simulate(truth, theta, Learner, shape, episodes, steps, seed);
        return (new MechanismLikelihood(new Congestion(actions), Learner, data), theta.Select(v => (double)v).ToArray());
    }

    /// <summary>A likelihood with a negative-curvature direction: the panel's NLL minus 3× its first parameter's curvature.</summary>
    private sealed class NegatedSecond(LogisticPanel inner) : EpisodeLikelihood
    {
        public override int ParameterCount => inner.ParameterCount;
        public override int Episodes => inner.Episodes;
        public override IReadOnlyList<string> ParameterNames => inner.ParameterNames;
        public override int ScoredDecisions(int episode) => inner.ScoredDecisions(episode);

        public override double Nll(ReadOnlySpan<int> episodes, ReadOnlySpan<double> theta, Span<double> gradient)
        {
            double nll = inner.Nll(episodes, theta, gradient);
            double scale = 1000.0 * episodes.Length / inner.Episodes;
            if (!gradient.IsEmpty) gradient[0] -= scale * theta[0];
            return nll - (0.5 * scale * theta[0] * theta[0]);
        }
    }
}
