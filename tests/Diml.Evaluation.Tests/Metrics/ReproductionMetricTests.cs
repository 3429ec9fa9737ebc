using Diml.Data;
using Diml.Evaluation;
using Diml.Mechanisms;
using Diml.Fitting;
using Diml.Learning;
using Diml.Simulation;

namespace Diml.Evaluation.Tests.Metrics;

public sealed class ReproductionMetricTests
{
    private static readonly GameShape Small = new(3, 4);
    private static readonly LogitQ Learner = new(0.25f, 3f, 0.06f);
    private static readonly LogitQ Shifted = new(0.15f, 4.2f, 0.09f);

    private static NeuralJoint Network(int seed, GameShape? shape = null)
    {
        var s = shape ?? Small;
        var network = new NeuralJoint(s.Agents, s.Actions, hidden: 8);
        network.InitializeParameters(new Random(seed));
        return network;
    }

    private static Trajectories Simulate(IMechanism mechanism, GameShape shape, int episodes, int steps, ulong seed)
    {
        var theta = new float[mechanism.Layout.TotalLength];
        mechanism.ReadParameters(theta);
        return Simulator.Simulate(mechanism, theta, Learner, shape, episodes, steps, seed);
    }

    /// <summary>Payoffs plus <c>c_i(a_{−i})</c>: the same incentives in another gauge.</summary>
    private sealed class GaugeShifted(IPayoffModel inner) : IPayoffModel
    {
        public GameShape Shape => inner.Shape;

        public void Payoffs(ReadOnlySpan<int> joint, Span<double> payoffs)
        {
            for (int i = 0; i < Shape.Agents; i++) payoffs[i] = Payoff(joint, i);
        }

        public double Payoff(ReadOnlySpan<int> joint, int agent)
        {
            double shift = 0.3 * agent;
            for (int j = 0; j < joint.Length; j++) if (j != agent) shift += 0.7 * joint[j] * (j + 1);
            return inner.Payoff(joint, agent) + shift;
        }
    }

    [Fact]
    public void NewMetrics_AreZero_ForAMechanismComparedWithItself()
    {
        var network = Network(2);
        var data = Simulate(network, Small, 10, 20, 3);
        var (train, test) = data.Split(0.8);
        var support = TrainingSupport.Of(train);
        Func<IPayoffModel> payoffs = () => MechanismPayoffs.AtCurrentParameters(network, Small);
        var underTruth = Simulator.Simulate(payoffs, Shifted, Small, 12, 15, seed: 9);
        var underEstimate = Simulator.Simulate(payoffs, Shifted, Small, 12, 15, seed: 9);
        Assert.Equal(0.0, CfPolicyKl.Compute(payoffs, payoffs, Shifted, underTruth));
        Assert.Equal(0.0, CfklParamsInSupport.Compute(underTruth, underEstimate, support));
        // The same model scored twice gives the same likelihood, in and out of support.
        var a = HeldOutLikelihood.Compute(() => new LearnerStepScorer(payoffs(), Learner), test, support);
        var b = HeldOutLikelihood.Compute(() => new LearnerStepScorer(payoffs(), Learner), test, support, threads: 2);
        Assert.Equal(a, b);
        Assert.True(a.InSupportAgentSteps > 0);
    }

    [Fact]
    public void CfPolicyKl_IsZero_UnderAGaugeShift_AndPositive_ForAnotherMechanism()
    {
        var truth = Network(4);
        Func<IPayoffModel> truePayoffs = () => MechanismPayoffs.AtCurrentParameters(truth, Small);
        var underTruth = Simulator.Simulate(truePayoffs, Shifted, Small, 6, 12, seed: 1);
        double gauge = CfPolicyKl.Compute(truePayoffs, () => new GaugeShifted(truePayoffs()), Shifted, underTruth);
        // Zero up to float rounding of the two learners' states.
        Assert.InRange(Math.Abs(gauge), 0, 1e-6);
        var other = Network(5);
        double different = CfPolicyKl.Compute(truePayoffs, () => MechanismPayoffs.AtCurrentParameters(other, Small), Shifted, underTruth, threads: 2);
        Assert.True(different > 1e-4, $"expected a positive KL, found {different}");
        Assert.Equal(different, CfPolicyKl.Compute(truePayoffs, () => MechanismPayoffs.AtCurrentParameters(other, Small), Shifted, underTruth, threads: 1));
    }

    [Fact]
    public void CfPolicyKl_AgainstTheTruthsPolicyPath_IsTheSideBySideReplay_BitForBit()
    {
        // The definition written out: two learners on the same played actions, one per payoff model, KL summed per
        // episode in order. The metric computes the truth's side once (PolicyPath) and must give exactly this.
        var truth = Network(4);
        var other = Network(5);
        Func<IPayoffModel> truePayoffs = () => MechanismPayoffs.AtCurrentParameters(truth, Small);
        Func<IPayoffModel> estimate = () => MechanismPayoffs.AtCurrentParameters(other, Small);
        var underTruth = Simulator.Simulate(truePayoffs, Shifted, Small, 7, 11, seed: 3);
        var sums = new double[underTruth.Episodes];
        var trueReplay = new LearnerReplay(truePayoffs(), Shifted);
        var estimateReplay = new LearnerReplay(estimate(), Shifted);
        int width = Small.Agents * Small.Actions;
        for (int e = 0; e < underTruth.Episodes; e++)
        {
            trueReplay.Reset();
            estimateReplay.Reset();
            for (int t = 0; t + 1 < underTruth.Steps; t++)
            {
                trueReplay.Observe(underTruth.Step(e, t));
                estimateReplay.Observe(underTruth.Step(e, t));
                for (int j = 0; j < width; j++)
                {
                    double logP = trueReplay.LogPolicies[j];
                    sums[e] += Math.Exp(logP) * (logP - estimateReplay.LogPolicies[j]);
                }
            }
        }
        double expected = sums.Sum() / ((double)underTruth.Episodes * (underTruth.Steps - 1) * Small.Agents);
        var path = PolicyPath.Of(truePayoffs, Shifted, underTruth, threads: 2);
        Assert.Equal(expected, CfPolicyKl.Compute(path, estimate, Shifted, threads: 2));
        Assert.Equal(expected, CfPolicyKl.Compute(truePayoffs, estimate, Shifted, underTruth, threads: 1));
        Assert.Same(underTruth, path.Play);
        Assert.Throws<ArgumentException>(() => PolicyPath.Of(truePayoffs, Shifted, new Trajectories(Small, 1, 1, new int[Small.Agents])));
    }

    [Fact]
    public void Simulator_OverPayoffModels_ReproducesSimulator_ForEveryPayoffForm()
    {
        var joint = Network(6);
        var congestion = new Congestion(4);
        MechanismCatalog.Find("congestion")!.InitializeTruth(congestion, new Random(3));
        var anonymous = new AnonymousCount(4, hidden: 8);
        anonymous.InitializeParameters(new Random(7));
        var large = new GameShape(12, 4);
        foreach (var (mechanism, shape) in new (IMechanism, GameShape)[] { (joint, Small), (congestion, Small), (anonymous, large) })
        {
            var expected = Simulate(mechanism, shape, 5, 9, seed: 11);
            var found = Simulator.Simulate(() => MechanismPayoffs.AtCurrentParameters(mechanism, shape), Learner, shape, 5, 9, seed: 11, threads: 2);
            Assert.True(expected.ContentEquals(found), $"{mechanism.ModelName}: trajectories differ");
        }
    }

    [Fact]
    public void HeldOutLikelihood_MatchesLikelihoodEvaluator_AndCountsOnlySupportedSteps()
    {
        var network = Network(8);
        var data = Simulate(network, Small, 10, 25, 4);
        var (train, test) = data.Split(0.8);
        var theta = new float[network.Layout.TotalLength];
        network.ReadParameters(theta);
        var support = TrainingSupport.Of(train);
        var result = HeldOutLikelihood.Compute(() => new LearnerStepScorer(MechanismPayoffs.AtCurrentParameters(network, Small), Learner), test, support);
        double reference = LikelihoodEvaluator.PerAgentStepNll(network, theta, Learner, test);
        Assert.Equal(reference, result.NllTest, 1e-5);
        var key = new ContextKey(Small);
        long supported = 0;
        for (int e = 0; e < test.Episodes; e++)
            for (int t = 0; t + 1 < test.Steps; t++)
                if (support.Contains(key.Of(test.Step(e, t)))) supported++;
        Assert.Equal(supported * Small.Agents, result.InSupportAgentSteps);
        Assert.Equal((long)test.Episodes * (test.Steps - 1) * Small.Agents, result.ScoredAgentSteps);
        // Scored on its own training data every context is in support, so both means agree.
        var own = HeldOutLikelihood.Compute(() => new LearnerStepScorer(MechanismPayoffs.AtCurrentParameters(network, Small), Learner), train, support);
        Assert.Equal(own.NllTest, own.NllTestInSupport, 12);
    }

    [Fact]
    public void ContextKey_IsTheExactIndexInSmallGames_AndTheActionTotalInLargeOnes()
    {
        var small = new ContextKey(Small);
        Assert.True(small.Exact);
        Assert.Equal((ulong)((2 * 16) + (1 * 4) + 3), small.Of([2, 1, 3]));
        var large = new ContextKey(new GameShape(11, 3));
        Assert.False(large.Exact);
        int[] a = [0, 1, 2, 2, 1, 0, 0, 0, 1, 2, 2], b = [2, 2, 1, 0, 0, 0, 1, 2, 2, 1, 0], c = [0, 0, 0, 0, 0, 0, 1, 2, 2, 1, 1];
        Assert.Equal(11UL, large.Of(a));
        Assert.Equal(large.Of(a), large.Of(b));  // a permutation of a
        Assert.Equal(7UL, large.Of(c));
        // The count vectors (4,3,4) and (5,1,5) differ, sorted or not, but their totals 3+8 = 1+10 = 11 agree: the key sees only the total.
        int[] d = [0, 0, 0, 0, 0, 1, 2, 2, 2, 2, 2];
        Assert.Equal(large.Of(a), large.Of(d));
        // Relabelling the actions keeps the crowding (the sorted count vector) but moves the total: 4·0 + 3·1 + 4·2 = 11 becomes 4·1 + 3·2 + 4·0 = 10.
        int[] relabelled = a.Select(x => (x + 1) % 3).ToArray();
        Assert.Equal(10UL, large.Of(relabelled));
    }

    [Fact]
    public void ContextKey_InLargeGames_PartitionsJointActionsAsTheReferencesCountHash()
    {
        // The reference's key: mix(C * sum_k (k+1) count_k), C odd, mix bijective (splitmix64's finaliser here). Over random
        // joint actions of a large game, two joint actions share that key exactly when they share our key.
        static ulong Mix(ulong z)
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
        var shape = new GameShape(40, 10);
        var key = new ContextKey(shape);
        var random = new Random(3);
        var reference = new Dictionary<ulong, ulong>();
        var counts = new long[shape.Actions];
        for (int draw = 0; draw < 5000; draw++)
        {
            var joint = new int[shape.Agents];
            // A skewed draw so that totals repeat across many different count vectors.
            for (int i = 0; i < joint.Length; i++) joint[i] = Math.Min(shape.Actions - 1, random.Next(3) + random.Next(3));
            Array.Clear(counts);
            foreach (int action in joint) counts[action]++;
            ulong weighted = 0;
            for (int k = 0; k < counts.Length; k++) weighted += (ulong)(k + 1) * (ulong)counts[k];
            ulong theirs = Mix(0x9E3779B97F4A7C15UL * weighted), ours = key.Of(joint);
            Assert.Equal((ulong)joint.Sum(), ours);
            if (reference.TryGetValue(ours, out ulong seen)) Assert.Equal(seen, theirs);
            else Assert.DoesNotContain(theirs, reference.Values);
            reference[ours] = theirs;
        }
        Assert.True(reference.Count > 10, $"only {reference.Count} distinct totals drawn");
    }

    [Fact]
    public void TrainingSupport_HoldsTheContextsBeforeTheLastStep()
    {
        var data = new Trajectories(new GameShape(2, 3), 1, 3, [0, 1, 2, 2, 1, 1]);
        var support = TrainingSupport.Of(data);
        var key = new ContextKey(data.Shape);
        Assert.Equal(2, support.Count);
        Assert.True(support.Contains(key.Of([0, 1])));
        Assert.True(support.Contains(key.Of([2, 2])));
        Assert.False(support.Contains(key.Of([1, 1])));  // the last step is never a context
    }

    [Fact]
    public void CfklParamsInSupport_ComparesNextActionsOfSupportedTransitions_AndIsNaNWithoutAny()
    {
        var shape = new GameShape(1, 3);
        var support = TrainingSupport.Of(new Trajectories(shape, 1, 2, [0, 0]));
        // Truth: after context 0, next is 1 then 2; estimate: after context 0, next is 1 twice. Context 2 is not in support.
        var truth = new Trajectories(shape, 2, 3, [0, 1, 1, 0, 2, 0]);
        var estimate = new Trajectories(shape, 2, 3, [0, 1, 2, 0, 1, 1]);
        double expected = 0.5 * Math.Log((0.5 + KlDivergence.Floor) / (1 + KlDivergence.Floor)) + 0.5 * Math.Log((0.5 + KlDivergence.Floor) / KlDivergence.Floor);
        Assert.Equal(expected, CfklParamsInSupport.Compute(truth, estimate, support), 12);
        var never = new Trajectories(shape, 1, 3, [1, 2, 1]);
        Assert.True(double.IsNaN(CfklParamsInSupport.Compute(never, estimate, support)));
    }
}
