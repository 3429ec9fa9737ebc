using Diml.Data;
using Diml.Evaluation.Inspection;

namespace Diml.Evaluation.Tests.Inspection;

public sealed class PayoffDifferencesTests
{
    /// <summary>Anonymous, two actions: <c>M_i = a_i · (2·m₁ − 1) + 5</c>, m₁ = group-mates playing 1; Δ₁ = 2·m₁ − 1.</summary>
    private sealed class MatesPayoffs(int agents) : IPayoffModel
    {
        public GameShape Shape { get; } = new(agents, 2);

        public void Payoffs(ReadOnlySpan<int> joint, Span<double> payoffs)
        {
            for (int i = 0; i < joint.Length; i++) payoffs[i] = Payoff(joint, i);
        }

        public double Payoff(ReadOnlySpan<int> joint, int agent)
        {
            int mates = 0;
            for (int j = 0; j < joint.Length; j++) if (j != agent) mates += joint[j];
            return (joint[agent] * ((2 * mates) - 1)) + 5;
        }
    }

    /// <summary>Two agents, two actions: <c>M_i = a_i · (1 + 2·a_other) + i</c>; Δ₁ = 1 + 2·a_other (the agent term cancels).</summary>
    private sealed class PairPayoffs : IPayoffModel
    {
        public GameShape Shape { get; } = new(2, 2);

        public void Payoffs(ReadOnlySpan<int> joint, Span<double> payoffs)
        {
            for (int i = 0; i < joint.Length; i++) payoffs[i] = Payoff(joint, i);
        }

        public double Payoff(ReadOnlySpan<int> joint, int agent) => (joint[agent] * (1 + (2 * joint[1 - agent]))) + agent;
    }

    /// <summary>Any payoff function of the joint action and the agent.</summary>
    private sealed class FunctionPayoffs(GameShape shape, Func<int[], int, double> payoff) : IPayoffModel
    {
        public GameShape Shape { get; } = shape;

        public void Payoffs(ReadOnlySpan<int> joint, Span<double> payoffs)
        {
            for (int i = 0; i < joint.Length; i++) payoffs[i] = Payoff(joint, i);
        }

        public double Payoff(ReadOnlySpan<int> joint, int agent) => payoff(joint.ToArray(), agent);
    }

    private static Trajectories Episode(int actions, params int[][] steps) =>
        new(new GameShape(steps[0].Length, actions), 1, steps.Length, steps.SelectMany(s => s).ToArray());

    private static string Csv(PayoffDifferenceTable table)
    {
        var writer = new StringWriter { NewLine = "\n" };
        table.WriteCsv(writer);
        return writer.ToString();
    }

    [Fact]
    public void Anonymous_ListsEveryGroupMatesCount_WithVisitsBeforeTheLastStep_AndMarksTheUnvisited()
    {
        // Visits at t < 2: t = 0, 000: every agent sees mates (2, 0); t = 1, 100: agent 0 sees (2, 0), agents 1 and 2
        // see (1, 1). The last step 111 is never counted, so (0, 2) is unvisited.
        var data = Episode(2, [0, 0, 0], [1, 0, 0], [1, 1, 1]);
        var table = PayoffDifferences.Compute(new MatesPayoffs(3), PayoffForm.Anonymous, data);
        Assert.Equal(
            "group_size,mates_0,mates_1,mates_action_sum,visits,visited,own_action,difference_vs_action_0\n" +
            "3,2,0,0,4,true,1,-1\n" +
            "3,1,1,1,2,true,1,1\n" +
            "3,0,2,2,0,false,1,3\n", Csv(table));
        Assert.True(table.ListsEveryContext);
        Assert.Equal(1, table.UnvisitedListed);
        Assert.Equal(0, table.UnvisitedNotListed);
        Assert.All(table.Contexts, c => Assert.Equal(0, c.Differences[PayoffDifferenceTable.ReferenceAction]));
    }

    [Fact]
    public void Joint_ListsEveryAgentAndOthersAction_WithTheOwnSlotEmpty()
    {
        // Steps 01, 01, 11: visits at t < 2 are agent 0 facing a_1 = 1 twice and agent 1 facing a_0 = 0 twice.
        var data = Episode(2, [0, 1], [0, 1], [1, 1]);
        var table = PayoffDifferences.Compute(new PairPayoffs(), PayoffForm.Joint, data);
        Assert.Equal(
            "agent,a_0,a_1,visits,visited,own_action,difference_vs_action_0\n" +
            "0,,0,0,false,1,1\n" +
            "0,,1,2,true,1,3\n" +
            "1,0,,2,true,1,1\n" +
            "1,1,,0,false,1,3\n", Csv(table));
        Assert.Equal(4, table.PossibleContexts);
        Assert.Equal(2, table.UnvisitedListed);
    }

    [Fact]
    public void BeyondTheLimit_OnlyVisitedContextsAreListed_AndTheRestAreCounted()
    {
        var data = Episode(2, [0, 0, 0], [1, 0, 0], [1, 1, 1]);
        var table = PayoffDifferences.Compute(new MatesPayoffs(3), PayoffForm.Anonymous, data, maxContexts: 2);
        Assert.False(table.ListsEveryContext);
        Assert.Equal([4L, 2L], table.Contexts.Select(c => c.Visits));
        Assert.Equal(3, table.PossibleContexts);
        Assert.Equal(1, table.UnvisitedNotListed);
        Assert.Equal(0, table.VisitedNotListed);

        // A limit below the visited contexts keeps the most visited, and counts the rest.
        var top = PayoffDifferences.Compute(new MatesPayoffs(3), PayoffForm.Anonymous, data, maxContexts: 1);
        Assert.Equal([4L], top.Contexts.Select(c => c.Visits));
        Assert.Equal(2, top.VisitedContexts);
        Assert.Equal(1, top.VisitedNotListed);
        Assert.Equal(1, top.UnvisitedNotListed);
    }

    [Fact]
    public void ManyActions_CountsEveryComposition_AndComputesEachDifference()
    {
        // 4 agents, 3 actions: C(3 + 2, 2) = 10 group-mate count vectors.
        var payoffs = new FunctionPayoffs(new GameShape(4, 3), (joint, i) => joint[i] * (1.0 + joint.Sum() - joint[i]));
        var data = new Trajectories(new GameShape(4, 3), 1, 2, [0, 1, 2, 2, 0, 0, 0, 0]);
        var table = PayoffDifferences.Compute(payoffs, PayoffForm.Anonymous, data);
        Assert.Equal(10, table.Contexts.Count);
        Assert.Equal(10, table.PossibleContexts);
        Assert.Equal(4, table.Contexts.Sum(c => c.Visits));
        foreach (var context in table.Contexts)
            for (int k = 1; k < 3; k++) Assert.Equal(k * (1.0 + context.MatesActionSum), context.Differences[k], 12);
        // Ordered by the mates' total action.
        Assert.Equal(table.Contexts.Select(c => c.MatesActionSum).Order(), table.Contexts.Select(c => c.MatesActionSum));
    }

    [Fact]
    public void PayoffsOfAnotherGame_AreRefusedNamingBothShapes()
    {
        var data = Episode(2, [0, 0], [1, 0]);
        var e = Assert.Throws<ArgumentException>(() => PayoffDifferences.Compute(new MatesPayoffs(3), PayoffForm.Anonymous, data));
        Assert.Contains("expected payoffs of the data's game (2 agents x 2 actions), found 3 agents x 2 actions", e.Message);
    }
}
