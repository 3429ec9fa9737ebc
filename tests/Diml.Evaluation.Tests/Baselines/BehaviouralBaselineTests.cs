using Diml.Data;
using Diml.Evaluation.Baselines;
using Diml.Fitting;
using Diml.Simulation;

namespace Diml.Evaluation.Tests.Baselines;

public sealed class BehaviouralBaselineTests
{
    /// <summary>Trajectories of <paramref name="episodes"/>: one array of joint actions per episode.</summary>
    private static Trajectories Data(int actions, params int[][][] episodes)
    {
        int agents = episodes[0][0].Length, steps = episodes[0].Length;
        var flat = episodes.SelectMany(e => e.SelectMany(step => step)).ToArray();
        return new Trajectories(new GameShape(agents, actions), episodes.Length, steps, flat);
    }

    private static int Draw(ref SplitMix64 random, double[] probabilities)
    {
        double u = random.NextDouble(), cumulative = 0;
        for (int k = 0; k < probabilities.Length - 1; k++)
        {
            cumulative += probabilities[k];
            if (u < cumulative) return k;
        }
        return probabilities.Length - 1;
    }

    /// <summary>
    /// Agents that repeat their previous action with probability <paramref name="stay"/> and otherwise draw from
    /// <paramref name="probabilities"/> (iid play when <paramref name="stay"/> is 0).
    /// </summary>
    private static Trajectories Sticky(double[] probabilities, double stay, int episodes, int steps, int agents, ulong seed)
    {
        var random = new SplitMix64(seed);
        var actions = new int[episodes * steps * agents];
        for (int e = 0; e < episodes; e++)
            for (int t = 0; t < steps; t++)
                for (int i = 0; i < agents; i++)
                {
                    int index = (((e * steps) + t) * agents) + i;
                    actions[index] = t > 0 && random.NextDouble() < stay ? actions[index - agents] : Draw(ref random, probabilities);
                }
        return new Trajectories(new GameShape(agents, probabilities.Length), episodes, steps, actions);
    }

    private static double Nll(BehaviouralBaseline baseline, Trajectories test) => LikelihoodEvaluator.PerAgentStepNll(() => baseline, test);

    [Fact]
    public void Uniform_ScoresLogA_OnAnyData()
    {
        var test = Data(5, [[0, 4], [1, 1], [3, 2]]);
        Assert.Equal(Math.Log(5), Nll(new UniformBaseline(5), test), 12);
    }

    [Fact]
    public void ActionFrequencies_AreAddOneCountsOfTheDecisionsAfterTheFirstStep()
    {
        // Decisions at t ≥ 1: 0, 0, 2, 0 → counts (3, 0, 1); (N_a + 1) / (N + A) = (4, 1, 2) / 7.
        var training = Data(3, [[0, 1], [0, 0], [2, 0]]);
        var baseline = ActionFrequencyBaseline.Fit(training);
        Assert.Equal([4.0 / 7, 1.0 / 7, 2.0 / 7], baseline.Probabilities.ToArray(), (x, y) => Math.Abs(x - y) < 1e-15);
        // Action 1, never played after the first step, keeps a finite log probability.
        Assert.Equal(Math.Log(1.0 / 7), baseline.LogProbability(previous: 2, action: 1), 15);
        // Held-out decisions 0 and 2.
        var test = Data(3, [[1, 1], [0, 2]]);
        Assert.Equal(-(Math.Log(4.0 / 7) + Math.Log(2.0 / 7)) / 2, Nll(baseline, test), 14);
    }

    [Fact]
    public void ActionFrequencies_RecoverTheFrequenciesTheDataWereDrawnFrom()
    {
        double[] truth = [0.5, 0.3, 0.15, 0.05];
        var data = Sticky(truth, stay: 0, episodes: 200, steps: 50, agents: 4, seed: 7); // 39,200 decisions
        var estimate = ActionFrequencyBaseline.Fit(data).Probabilities;
        // Standard error at most √(0.25 / 39,200) ≈ 0.0025: four of them.
        for (int k = 0; k < truth.Length; k++) Assert.InRange(estimate[k], truth[k] - 0.01, truth[k] + 0.01);
    }

    [Fact]
    public void OwnPrevious_OnSymmetricTransitions_HasZeroInterceptAndTheLogOddsOfStaying()
    {
        // One agent playing 0 0 0 1 1 1 0: transitions 00 ×2, 01, 11 ×2, 10. With the 1/A = 1/2 pseudo-count per cell the
        // table is symmetric, so c_1 = 0 and s = log((2 + 1/2) / (1 + 1/2)) = log(5/3): P(stay) = 5/8.
        var training = Data(2, [[0], [0], [0], [1], [1], [1], [0]]);
        var baseline = OwnPreviousChoiceBaseline.Fit(training);
        Assert.Equal(0, baseline.Intercepts[0]);
        Assert.Equal(0, baseline.Intercepts[1], 10);
        Assert.Equal(Math.Log(5.0 / 3), baseline.StayBonus, 10);
        Assert.Equal(Math.Log(5.0 / 8), baseline.LogProbability(previous: 1, action: 1), 10);
        Assert.Equal(Math.Log(3.0 / 8), baseline.LogProbability(previous: 1, action: 0), 10);
    }

    [Fact]
    public void OwnPrevious_MeetsTheFirstOrderConditionsOfItsPenalisedLikelihood()
    {
        // At the maximum, expected counts match the (pseudo-count augmented) observed counts: every action's column
        // total, and the total of repeats.
        var data = Sticky([0.4, 0.3, 0.2, 0.1], stay: 0.3, episodes: 6, steps: 20, agents: 3, seed: 3);
        var baseline = OwnPreviousChoiceBaseline.Fit(data);
        int a = 4;
        var counts = BehaviouralBaseline.TransitionCounts(data);
        double[] observedColumns = new double[a], expectedColumns = new double[a];
        double observedStays = 0, expectedStays = 0;
        for (int p = 0; p < a; p++)
        {
            double row = 0;
            for (int k = 0; k < a; k++) row += counts[(p * a) + k] + (1.0 / a);
            for (int k = 0; k < a; k++)
            {
                double w = counts[(p * a) + k] + (1.0 / a), expected = row * Math.Exp(baseline.LogProbability(p, k));
                observedColumns[k] += w;
                expectedColumns[k] += expected;
                if (k == p) { observedStays += w; expectedStays += expected; }
            }
        }
        for (int k = 0; k < a; k++) Assert.Equal(observedColumns[k], expectedColumns[k], 6);
        Assert.Equal(observedStays, expectedStays, 6);
        Assert.True(baseline.StayBonus > 0.5, $"stay bonus {baseline.StayBonus}");
        Assert.InRange(baseline.Iterations, 1, 15); // Newton from the frequency solution
    }

    [Fact]
    public void OwnPrevious_BeatsFrequencies_OnStickyData()
    {
        double[] truth = [0.4, 0.3, 0.2, 0.1];
        var training = Sticky(truth, stay: 0.6, episodes: 40, steps: 30, agents: 4, seed: 11);
        var test = Sticky(truth, stay: 0.6, episodes: 20, steps: 30, agents: 4, seed: 12);
        double frequencies = Nll(ActionFrequencyBaseline.Fit(training), test);
        double ownPrevious = Nll(OwnPreviousChoiceBaseline.Fit(training), test);
        // Repeating with probability 0.6 + 0.4·p(a) is worth far more than 0.1 nats per decision.
        Assert.True(ownPrevious < frequencies - 0.3, $"own-previous {ownPrevious} vs frequencies {frequencies}");
    }

    [Fact]
    public void OwnPrevious_DoesNotBeatFrequencies_OnIidData()
    {
        double[] truth = [0.4, 0.3, 0.2, 0.1];
        var training = Sticky(truth, stay: 0, episodes: 100, steps: 30, agents: 4, seed: 21);
        var test = Sticky(truth, stay: 0, episodes: 100, steps: 30, agents: 4, seed: 22);
        double frequencies = Nll(ActionFrequencyBaseline.Fit(training), test);
        var ownPreviousModel = OwnPreviousChoiceBaseline.Fit(training);
        double ownPrevious = Nll(ownPreviousModel, test);
        // One extra parameter on 11,600 decisions: any held-out gain is noise of order 1e-4 nats.
        Assert.True(ownPrevious > frequencies - 0.002, $"own-previous {ownPrevious} vs frequencies {frequencies}");
        Assert.InRange(ownPreviousModel.StayBonus, -0.1, 0.1);
    }

    [Fact]
    public void Baselines_KeepUnseenActionsFinite_EvenWhenNobodyEverSwitches()
    {
        // Everybody always plays 0: actions 1 and 2 never appear, and no agent ever switches.
        var training = Data(3, [[0, 0], [0, 0], [0, 0], [0, 0]]);
        var test = Data(3, [[0, 1], [2, 1], [1, 0]]);
        foreach (var baseline in BehaviouralBaselines.Fit(training))
        {
            double nll = Nll(baseline, test);
            Assert.True(double.IsFinite(nll), $"{baseline.Name}: {nll}");
        }
        var ownPrevious = OwnPreviousChoiceBaseline.Fit(training);
        Assert.True(double.IsFinite(ownPrevious.StayBonus) && ownPrevious.StayBonus > 1, $"stay bonus {ownPrevious.StayBonus}");
    }

    [Fact]
    public void Compare_ScoresEachBaselineOnTheTestDecisions_AndSaysWhetherTheModelBeatsIt()
    {
        var training = Data(3, [[0, 1], [0, 0], [2, 0]]);
        var test = Data(3, [[1, 1], [0, 2]]);
        double frequencies = -(Math.Log(4.0 / 7) + Math.Log(2.0 / 7)) / 2;
        var rows = BehaviouralBaselines.Compare(training, test, modelNll: 1.0);
        Assert.Equal(["uniform", "action_frequencies", "own_previous"], rows.Select(r => r.Name));
        Assert.Equal(Math.Log(3), rows[0].BaselineNll, 12);
        Assert.Equal(frequencies, rows[1].BaselineNll, 12);
        Assert.Equal(1.0 - Math.Log(3), rows[0].ModelMinusBaseline, 12);
        Assert.True(rows[0].ModelBeats);
        Assert.Equal(frequencies < 1.0, !rows[1].ModelBeats);
    }

    [Fact]
    public void Compare_RefusesDataOfAnotherNumberOfActions()
    {
        var training = Data(3, [[0, 1], [0, 0]]);
        var test = Data(4, [[1, 1], [0, 3]]);
        var e = Assert.Throws<ArgumentException>(() => BehaviouralBaselines.Compare(training, test, 1.0));
        Assert.Contains("expected training data of 4 actions (the test data's), found 3", e.Message);
    }

    private const int X = Trajectories.Absent;

    /// <summary>
    /// One episode of two agents and two actions with absences: agent 0 plays 0, 0, —, 0; agent 1 —, 1, 1, 0. Decisions at
    /// t ≥ 1: (0 after 0), (1 with no previous), (1 after 1), (0 after 0, across agent 0's absence), (0 after 1).
    /// </summary>
    private static Trajectories WithAbsences()
    {
        int[] actions = [0, X, 0, 1, X, 1, 0, 0];
        int[] groups = Array.ConvertAll(actions, a => a == X ? X : 0);
        return new Trajectories(new GameShape(2, 2), 1, 4, actions, groups);
    }

    private sealed class Recording() : BehaviouralBaseline(2)
    {
        public List<(int Previous, int Action)> Calls { get; } = [];
        public override string Name => "recording";
        public override string Description => "records what it is asked";
        public override int ParameterCount => 0;
        public override double LogProbability(int previous, int action)
        {
            Calls.Add((previous, action));
            return Math.Log(0.5);
        }
    }

    [Fact]
    public void Scoring_WithAbsences_TakesThePresentAgents_AndTheirLastAction()
    {
        var data = WithAbsences();
        var recording = new Recording();
        var nll = new double[3];
        recording.ScoreEpisode(data, 0, nll);

        Assert.Equal([(0, 0), (X, 1), (1, 1), (0, 0), (1, 0)], recording.Calls);
        Assert.Equal([2 * Math.Log(2), Math.Log(2), 2 * Math.Log(2)], nll);
        Assert.Equal(Math.Log(2), Nll(new UniformBaseline(2), data), 12);
    }

    [Fact]
    public void TransitionCounts_WithAbsences_HaveARowForDecisionsWithoutAPreviousAction()
    {
        Assert.Equal([2L, 0, 1, 1, 0, 1], BehaviouralBaseline.TransitionCounts(WithAbsences()));
    }

    [Fact]
    public void Baselines_WithAbsences_CountEveryScoredDecision_AndPredictLateJoinersByTheIntercepts()
    {
        var data = WithAbsences();
        // Decisions 0, 1, 1, 0, 0 → counts (3, 2); (N_a + 1) / (N + A) = (4, 3) / 7.
        var frequencies = ActionFrequencyBaseline.Fit(data);
        Assert.Equal(4.0 / 7, frequencies.Probabilities[0], 12);

        var ownPrevious = OwnPreviousChoiceBaseline.Fit(data);
        double first = Math.Exp(ownPrevious.LogProbability(X, 0)), second = Math.Exp(ownPrevious.LogProbability(X, 1));
        Assert.Equal(1, first + second, 12);
        // A late joiner's probabilities are the intercepts' softmax: c_0 = 0, so π(1) / π(0) = exp(c_1).
        Assert.Equal(Math.Exp(ownPrevious.Intercepts[1]), second / first, 10);
        var comparisons = BehaviouralBaselines.Compare(data, data, modelNll: 0.5);
        Assert.Equal(3, comparisons.Count);
        Assert.All(comparisons, c => Assert.True(double.IsFinite(c.BaselineNll)));
    }

    [Fact]
    public void OwnPrevious_Converges_WhereTheGainLeftIsBelowTheObjectivesRounding()
    {
        // Six re-matched public-goods sessions (24 subjects, A = 21; simulate --mechanism public-goods-fixed-return --seed 1)
        // on which an absolute stopping bound sat under the rounding floor: 200 Newton iterations, then an exception.
        var data = TrajectoryCsv.Read(Path.Combine(AppContext.BaseDirectory, "Baselines", "Data", "own-previous-rounding.csv")).Trajectories;
        var fitted = OwnPreviousChoiceBaseline.Fit(data);

        Assert.InRange(fitted.Iterations, 1, 30);
        Assert.True(double.IsFinite(fitted.StayBonus) && fitted.StayBonus > 0);
        Assert.True(Nll(fitted, data) < Nll(ActionFrequencyBaseline.Fit(data), data));
    }
}
