using Diml.Data;
using Diml.Evaluation.Baselines;

namespace Diml.Evaluation.Tests.Baselines;

public sealed class EoiTests
{
    private const int Agents = 3, Actions = 3;
    private const double Beta = 2.0;

    /// <summary>
    /// A static logit game in EOI's own terms: each agent's next action is a logit response, at β, to payoffs
    /// <paramref name="payoffs"/>[i, m, k] that depend on the opponents' modal action m at the current step.
    /// </summary>
    private static Trajectories SimulateStaticLogit(double[,,] payoffs, int episodes, int steps, int seed)
    {
        var random = new Random(seed);
        var data = new int[episodes * steps * Agents];
        var counts = new int[Actions];
        var probabilities = new double[Actions];
        for (int e = 0; e < episodes; e++)
        {
            int first = e * steps * Agents;
            for (int i = 0; i < Agents; i++) data[first + i] = random.Next(Actions);
            for (int t = 0; t + 1 < steps; t++)
            {
                var current = data.AsSpan(first + t * Agents, Agents);
                for (int i = 0; i < Agents; i++)
                {
                    int m = Eoi.ModalOpponentAction(current, i, counts);
                    double sum = 0;
                    for (int k = 0; k < Actions; k++) sum += probabilities[k] = Math.Exp(Beta * payoffs[i, m, k]);
                    double u = random.NextDouble() * sum;
                    int action = 0;
                    while (action < Actions - 1 && (u -= probabilities[action]) > 0) action++;
                    data[first + (t + 1) * Agents + i] = action;
                }
            }
        }
        return new Trajectories(new GameShape(Agents, Actions), episodes, steps, data);
    }

    [Fact]
    public void Fit_RecoversPayoffDifferencesOfAStaticLogitGame_WithinSamplingError()
    {
        var random = new Random(11);
        var truth = new double[Agents, Actions, Actions];
        for (int i = 0; i < Agents; i++)
            for (int m = 0; m < Actions; m++)
                for (int k = 0; k < Actions; k++)
                    truth[i, m, k] = random.NextDouble() * 2 - 1;
        var data = SimulateStaticLogit(truth, episodes: 10, steps: 3001, seed: 5);
        var eoi = Eoi.Fit(data, Beta);

        double worstZ = 0;
        for (int i = 0; i < Agents; i++)
            for (int m = 0; m < Actions; m++)
            {
                long n = 0;
                for (int k = 0; k < Actions; k++) n += eoi.Count(i, m, k);
                Assert.True(n > 1000, $"context ({i}, {m}) seen {n} times");
                double z = 0, meanLog = 0;
                var p = new double[Actions];
                for (int k = 0; k < Actions; k++) z += p[k] = Math.Exp(Beta * truth[i, m, k]);
                for (int k = 0; k < Actions; k++) { p[k] /= z; meanLog += Math.Log(p[k]) / Actions; }
                for (int k1 = 0; k1 < Actions; k1++)
                    for (int k2 = k1 + 1; k2 < Actions; k2++)
                    {
                        double trueDifference = truth[i, m, k1] - truth[i, m, k2];
                        double estimated = eoi.Estimate(i, m, k1) - eoi.Estimate(i, m, k2);
                        // Var(log p̂1 − log p̂2) ≈ (1/p1 + 1/p2) / N for multinomial frequencies.
                        double standardError = Math.Sqrt((1 / p[k1] + 1 / p[k2]) / n) / Beta;
                        worstZ = Math.Max(worstZ, Math.Abs(estimated - trueDifference) / standardError);
                    }
            }
        Assert.True(worstZ < 4, $"worst error {worstZ:F2} standard errors");
    }

    [Fact]
    public void Payoff_UsesTheOpponentsModalAction_WithAMeanZeroGauge()
    {
        // Agent 0 always answers opponents' mode 1 with action 2, and mode 0 with action 0 or 1 alike.
        int[] actions =
        [
            0, 1, 1,   2, 0, 0,   0, 1, 1,   2, 0, 0,
            1, 0, 0,   0, 1, 1,   2, 0, 0,   1, 1, 1,
        ];
        var data = new Trajectories(new GameShape(3, 3), episodes: 2, steps: 4, actions);
        var eoi = Eoi.Fit(data, beta: 1, pseudocount: 1);
        // Context of agent 0 = mode of agents 1, 2. Transitions of agent 0: mode 1 → 2, mode 0 → 0, mode 1 → 2;
        // mode 0 → 0, mode 1 → 2, mode 0 → 1.
        Assert.Equal(3, eoi.Count(0, 1, 2));
        Assert.Equal(2, eoi.Count(0, 0, 0));
        Assert.Equal(1, eoi.Count(0, 0, 1));
        // Mode 1: counts (0, 0, 3) + 1 → p ∝ (1, 1, 4).
        double mean = (Math.Log(1.0 / 6) * 2 + Math.Log(4.0 / 6)) / 3;
        Assert.Equal(Math.Log(4.0 / 6) - mean, eoi.Estimate(0, 1, 2), 12);
        Assert.Equal(Math.Log(1.0 / 6) - mean, eoi.Payoff([0, 1, 1], 0), 12);
        Assert.Equal(eoi.Estimate(0, 1, 2), eoi.Payoff([2, 1, 1], 0), 12);
        for (int i = 0; i < 3; i++)
            for (int m = 0; m < 3; m++)
                Assert.Equal(0, Enumerable.Range(0, 3).Sum(k => eoi.Estimate(i, m, k)), 12);
        var all = new double[3];
        eoi.Payoffs([2, 1, 1], all);
        Assert.Equal(eoi.Payoff([2, 1, 1], 2), all[2]);
    }

    [Fact]
    public void ModalOpponentAction_ExcludesTheAgent_AndBreaksTiesTowardsTheSmallestAction()
    {
        var counts = new int[4];
        Assert.Equal(1, Eoi.ModalOpponentAction([1, 3, 3, 1, 1], 1, counts));   // the others play 1, 3, 1, 1
        Assert.Equal(3, Eoi.ModalOpponentAction([1, 3, 3, 0, 0], 3, counts));   // 1, 3, 3, 0: agent 3's own 0 not counted
        Assert.Equal(1, Eoi.ModalOpponentAction([1, 3, 2, 1], 0, counts));      // 3, 2, 1 all tied → 1
        Assert.Equal(0, Eoi.ModalOpponentAction([0, 3, 2], 1, counts));         // 0, 2 tied → 0
        Assert.Equal(0, Eoi.ModalOpponentAction([2], 0, counts));               // no opponents
    }

    /// <summary>
    /// The suite hands one fitted EOI to every worker thread of the held-out likelihood and the simulations; a shared
    /// counting buffer once made those results depend on thread timing.
    /// </summary>
    [Fact]
    public void SharedInstance_GivesTheSamePayoffsOnManyThreads()
    {
        var payoffs = new double[Agents, Actions, Actions];
        payoffs[0, 1, 2] = 1; payoffs[1, 0, 0] = -1; payoffs[2, 2, 1] = 0.5;
        var eoi = Eoi.Fit(SimulateStaticLogit(payoffs, 40, 20, seed: 5), Beta);
        var shape = new GameShape(Agents, Actions);
        var joints = new List<int[]>();
        for (int a0 = 0; a0 < Actions; a0++) for (int a1 = 0; a1 < Actions; a1++) for (int a2 = 0; a2 < Actions; a2++) joints.Add([a0, a1, a2]);
        var expected = joints.Select(j => { var p = new double[Agents]; eoi.Payoffs(j, p); return p; }).ToArray();
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            var found = new double[Agents];
            for (int round = 0; round < 2000; round++)
            {
                int j = round % joints.Count;
                eoi.Payoffs(joints[j], found);
                Assert.Equal(expected[j], found);
                Assert.Equal(expected[j][round % Agents], eoi.Payoff(joints[j], round % Agents));
            }
        });
        Assert.Equal(shape, eoi.Shape);
    }

    [Fact]
    public void Fit_RejectsNonPositiveBeta()
    {
        var data = new Trajectories(new GameShape(2, 2), 1, 2, [0, 1, 1, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => Eoi.Fit(data, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Eoi.Fit(data, 1, pseudocount: 0));
    }
}
