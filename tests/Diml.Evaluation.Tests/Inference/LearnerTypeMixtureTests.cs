using System.Diagnostics;
using Diml.Data;
using Diml.Evaluation.Inference;
using Diml.Fitting;
using Diml.Learning;
using Diml.Mechanisms;
using Diml.Simulation;
using Xunit.Abstractions;

namespace Diml.Evaluation.Tests.Inference;

/// <summary>
/// Finite mixtures of learner types (docs/inference.md, "Latent learner types"): the mixture NLL's exact gradient, the
/// one-type mixture as the ordinary likelihood, and recovery of two Logit-Q types on simulated congestion data.
/// </summary>
public sealed class LearnerTypeMixtureTests(ITestOutputHelper output)
{
    private const float Beta = 3f, Epsilon = 0.06f;

    /// <summary>Congestion played by <paramref name="agents"/> subjects, even agents of type α = <paramref name="slow"/>, odd ones α = <paramref name="fast"/>.</summary>
    private static (Trajectories Data, double[] Truth, int[] Types) TwoTypes(int agents, int episodes, int steps, ulong seed, float slow, float fast, float beta = Beta)
    {
        const int actions = 3;
        var truth = Congestion.RandomTruth(actions, new Random(2026));
        var theta = new float[truth.Layout.TotalLength];
        truth.ReadParameters(theta);
        var types = Enumerable.Range(0, agents).Select(i => i % 2).ToArray();
        var rules = types.Select(k => (ILearningRule)new LogitQ(k == 0 ? slow : fast, beta, Epsilon)).ToArray();
        var data = Simulator.Simulate(truth, theta, rules, new GameShape(agents, actions), episodes, steps, seed);
        return (data, theta.Select(v => (double)v).ToArray(), types);
    }

    private static double Raw(double alpha) => Math.Log(alpha / (1 - alpha));

    /// <summary>The exact gradient of the total NLL against central differences (step 1e-5) in every parameter.</summary>
    private static void AssertGradientMatchesCentralDifferences(LearnerTypeMixture mixture, double[] theta)
    {
        var gradient = new double[theta.Length];
        mixture.TotalNll(theta, gradient);
        const double h = 1e-5;
        var x = theta.ToArray();
        for (int j = 0; j < theta.Length; j++)
        {
            x[j] = theta[j] + h;
            double up = mixture.TotalNll(x, []);
            x[j] = theta[j] - h;
            double down = mixture.TotalNll(x, []);
            x[j] = theta[j];
            double numeric = (up - down) / (2 * h);
            Assert.True(Math.Abs(numeric - gradient[j]) <= 1e-6 * Math.Max(1, Math.Abs(gradient[j])),
                $"d NLL / d {mixture.ParameterNames[j]}: exact {gradient[j]}, central differences {numeric}");
        }
    }

    [Fact]
    public void MixtureGradient_MatchesCentralDifferencesOfTheNll()
    {
        var (data, truth, _) = TwoTypes(agents: 4, episodes: 5, steps: 12, seed: 3, slow: 0.15f, fast: 0.6f);
        var rule = new LogitQ(0.3f, Beta, 0.1f);
        using var mixture = new LearnerTypeMixture(new Congestion(3), rule, data, new LearnerParameters(rule, ["alpha", "epsilon"]), types: 3);
        Assert.Equal(9 + (3 * 2) + 2, mixture.ParameterCount);
        var mechanism = truth.Select((v, j) => v + (0.05 * Math.Sin(j + 1))).ToArray();
        var theta = mixture.Pack(mechanism, [[Raw(0.2), -2.0], [Raw(0.5), -2.5], [Raw(0.35), -1.5]], [0.3, 0.5, 0.2]);
        AssertGradientMatchesCentralDifferences(mixture, theta);

        // A subset of subjects with multiplicity is the sum of their own terms, gradient included.
        var some = new double[theta.Length];
        double twice = mixture.Nll([1, 3, 1], theta, some);
        var one = new double[theta.Length];
        var three = new double[theta.Length];
        double sum = 2 * mixture.EpisodeNll(1, theta, one) + mixture.EpisodeNll(3, theta, three);
        Assert.Equal(sum, twice, 9);
        for (int j = 0; j < theta.Length; j++) Assert.Equal((2 * one[j]) + three[j], some[j], 9);
    }

    [Fact]
    public void MixtureGradient_OnRematchedGroups_MatchesCentralDifferences_AndOneTypeIsTheOrdinaryLikelihood()
    {
        var truth = Congestion.RandomTruth(3, new Random(5));
        var theta0 = new float[truth.Layout.TotalLength];
        truth.ReadParameters(theta0);
        var data = GroupedSimulator.Simulate(truth, theta0, new LogitQ(0.3f, Beta, Epsilon), 3, GroupMatching.OfSize(8, 4), episodes: 3, steps: 10, seed: 2);
        Assert.True(data.HasGroups);
        var rule = new LogitQ(0.3f, Beta, 0.1f);
        var learner = new LearnerParameters(rule, ["alpha"]);
        using var mixture = new LearnerTypeMixture(new Congestion(3), rule, data, learner, types: 2);
        var mechanism = theta0.Select((v, j) => v + (0.03 * Math.Cos(j))).ToArray();
        var theta = mixture.Pack(mechanism, [[Raw(0.2)], [Raw(0.45)]], [0.4, 0.6]);
        AssertGradientMatchesCentralDifferences(mixture, theta);
        using var ordinary = new MechanismLikelihood(new Congestion(3), rule, data, learner: learner);
        using var one = new LearnerTypeMixture(new Congestion(3), rule, data, learner, types: 1);
        double[] single = [.. mechanism, Raw(0.2)];
        double a = ordinary.TotalNll(single, []), b = one.TotalNll(single, []);
        Assert.True(Math.Abs(a - b) <= 1e-10 * a, $"ordinary {a}, one-type mixture {b}");
    }

    [Fact]
    public void Fit_IsDeterministicForASeed_AndLabelsAreCanonical()
    {
        var (data, truth, _) = TwoTypes(agents: 6, episodes: 4, steps: 15, seed: 8, slow: 0.1f, fast: 0.6f, beta: 1f);
        var rule = new LogitQ(0.3f, 1f, Epsilon);
        using var mixture = new LearnerTypeMixture(new Congestion(3), rule, data, new LearnerParameters(rule, ["alpha"]), types: 2, threads: 2);
        var options = new LearnerTypesOptions { Starts = 2, Seed = 3 };
        var first = LearnerTypes.Fit(mixture, truth, [Raw(0.3)], options);
        var again = LearnerTypes.Fit(mixture, truth, [Raw(0.3)], options);
        Assert.Equal(first.Estimate, again.Estimate);
        Assert.Equal(first.StartNlls, again.StartNlls);
        Assert.True(first.Types[0].Values[0].Estimate <= first.Types[1].Values[0].Estimate);

        // Swapping the labels changes nothing the likelihood sees, and the canonical order undoes it.
        var theta = first.Estimate;
        var w = mixture.Weights(theta);
        var swapped = mixture.Pack(theta.AsSpan(0, 9), [theta.AsSpan(mixture.TypeOffset(1), 1).ToArray(), theta.AsSpan(mixture.TypeOffset(0), 1).ToArray()], [w[1], w[0]]);
        Assert.Equal(mixture.TotalNll(theta, []), mixture.TotalNll(swapped, []), 9);
        var canonical = LearnerTypes.Canonical(mixture, swapped);
        for (int j = 0; j < theta.Length; j++) Assert.Equal(theta[j], canonical[j], 12);
        var (path, posterior) = mixture.Classify(theta);
        Assert.Equal(6, path.GetLength(0));
        for (int s = 0; s < 6; s++) Assert.Equal(1.0, posterior[s, 0] + posterior[s, 1], 12);
    }

    [Fact]
    public void OneType_IsTheOrdinaryLikelihood()
    {
        var (data, truth, _) = TwoTypes(agents: 4, episodes: 6, steps: 15, seed: 4, slow: 0.15f, fast: 0.6f);
        var rule = new LogitQ(0.3f, Beta, 0.1f);
        var learner = new LearnerParameters(rule, ["alpha", "epsilon"]);
        using var ordinary = new MechanismLikelihood(new Congestion(3), rule, data, learner: learner);
        using var mixture = new LearnerTypeMixture(new Congestion(3), rule, data, learner, types: 1);
        Assert.Equal(ordinary.ParameterCount, mixture.ParameterCount);
        double[] theta = [.. truth, Raw(0.4), -2.2];
        var g1 = new double[theta.Length];
        var g2 = new double[theta.Length];
        double a = ordinary.TotalNll(theta, g1), b = mixture.TotalNll(theta, g2);
        Assert.True(Math.Abs(a - b) <= 1e-10 * a, $"ordinary {a}, one-type mixture {b}");
        for (int j = 0; j < theta.Length; j++) Assert.True(Math.Abs(g1[j] - g2[j]) <= 1e-9 * Math.Max(1, Math.Abs(g1[j])), $"gradient {j}: {g1[j]} vs {g2[j]}");
        Assert.Equal(4, mixture.Subjects);
        Assert.Equal(ordinary.TotalScoredDecisions, mixture.TotalScoredDecisions);
        Assert.Equal(1.0, mixture.Weights(theta)[0]);
    }

    /// <summary>
    /// 16 subjects of congestion (3 routes), half at α = 0.1 and half at α = 0.6 (β = 1, ε = 0.06 known), 10 sessions of 20
    /// steps: 3,040 decisions, 190 per subject. The bounds were set before the first run: each type's α within 20% of its
    /// truth, each weight within 0.15 of ½, at least 90% of the subjects classified right by their modal posterior type, the
    /// weight's standard error within 25% of <c>√(w(1−w)/S)</c> (its value when every subject's type is certain), and BIC
    /// preferring two types.
    /// </summary>
    [Fact]
    public void TwoTypes_AreRecovered_WithWeightsAndPosteriors()
    {
        var clock = Stopwatch.StartNew();
        const float slow = 0.1f, fast = 0.6f;
        var (data, _, types) = TwoTypes(agents: 16, episodes: 10, steps: 20, seed: 11, slow: slow, fast: fast, beta: 1f);
        var rule = new LogitQ(0.3f, 1f, Epsilon);
        var learner = new LearnerParameters(rule, ["alpha"]);
        using var one = new LearnerTypeMixture(new Congestion(3), rule, data, learner, types: 1, threads: 2);
        var single = LearnerTypes.Fit(one, new double[9], [Raw(0.3)]);
        using var mixture = new LearnerTypeMixture(new Congestion(3), rule, data, learner, types: 2, threads: 2);
        var fit = LearnerTypes.Fit(mixture, single.Estimate.AsSpan(0, 9), single.Estimate.AsSpan(9, 1), new LearnerTypesOptions { Starts = 2, Seed = 1 });
        int right = Enumerable.Range(0, fit.Subjects).Count(s => fit.ModalType(s) == types[fit.SubjectAgents[s]]);
        output.WriteLine($"one type: alpha {single.Types[0].Values[0].Estimate:F4}, NLL {single.Nll:F2}, BIC {single.Bic:F1}");
        foreach (var type in fit.Types)
            output.WriteLine($"type: weight {type.Weight:F3} (se {type.WeightStandardError:F3}), alpha {type.Values[0].Estimate:F4} (se {type.Values[0].StandardError:F4}), modal {type.ModalSubjects}");
        output.WriteLine($"two types: NLL {fit.Nll:F2}, BIC {fit.Bic:F1}, starts {string.Join(", ", fit.StartNlls.Select(v => v.ToString("F2")))}, " +
            $"classified {right}/{fit.Subjects}, converged {fit.Polish.Converged} in {fit.Polish.Iterations} iterations; {clock.Elapsed.TotalSeconds:F1} s");

        Assert.True(fit.Polish.Converged, fit.Polish.Status);
        Assert.Equal(16, fit.Subjects);
        // Canonical order: type 1 has the smaller α.
        double[] truths = [slow, fast];
        double certain = Math.Sqrt(0.25 / fit.Subjects);
        for (int k = 0; k < 2; k++)
        {
            var type = fit.Types[k];
            double error = Math.Abs(type.Values[0].Estimate - truths[k]) / truths[k];
            Assert.True(error <= 0.20, $"type {k + 1}: alpha {type.Values[0].Estimate} vs {truths[k]} ({error:P1})");
            Assert.InRange(type.Weight, 0.35, 0.65);
            Assert.True(Math.Abs(type.WeightStandardError - certain) <= 0.25 * certain, $"weight se {type.WeightStandardError} vs {certain}");
        }
        Assert.Equal(1.0, fit.Types[0].Weight + fit.Types[1].Weight, 12);
        Assert.True(right >= 0.9 * fit.Subjects, $"classified {right} of {fit.Subjects}");
        Assert.True(fit.Bic < single.Bic, $"BIC two types {fit.Bic} vs one {single.Bic}");
        Assert.Equal(single.Parameters + 2, fit.Parameters);
    }
}
