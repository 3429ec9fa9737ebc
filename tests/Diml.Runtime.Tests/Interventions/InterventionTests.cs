using Diml.Data;
using Diml.Interventions;
using Diml.Simulation;
using Diml.Tests.Fitting;
using Diml.Tests.Fitting.Models;

namespace Diml.Tests.Interventions;

public sealed class InterventionTests
{
    public static TheoryData<PayoffForm> Forms => [PayoffForm.Joint, PayoffForm.PerAgent, PayoffForm.Anonymous];

    private static float[] Shifts(int actions, int seed)
    {
        var random = new Random(seed);
        var shifts = new float[actions];
        for (int k = 0; k < actions; k++) shifts[k] = (float)(random.NextDouble() - 0.5);
        return shifts;
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void ComposedPayoffs_AreTheFittedPayoffsPlusTheShiftOfTheOwnAction(PayoffForm form)
    {
        var shape = new GameShape(3, 4);
        var fitted = TestGames.Mechanism(form, shape);
        var shifts = Shifts(4, 2);
        var composed = Intervention.WithPayoffShift(fitted, shifts);
        var plain = new MechanismPayoffs(fitted, fitted.Parameters(), shape);
        var changed = new MechanismPayoffs(composed, composed.Parameters(fitted.Parameters()), shape);

        Assert.Equal(form, composed.Form);
        var random = new Random(4);
        int[] joint = new int[3];
        for (int draw = 0; draw < 20; draw++)
        {
            for (int i = 0; i < 3; i++) joint[i] = random.Next(4);
            for (int i = 0; i < 3; i++)
                Assert.Equal((float)plain.Payoff(joint, i) + shifts[joint[i]], (float)changed.Payoff(joint, i));
        }
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void ComposedGradient_PassesTheSelfCheck(PayoffForm form)
    {
        var shape = new GameShape(3, 4);
        var composed = Intervention.WithPayoffShift(TestGames.Mechanism(form, shape), Shifts(4, 3));

        var report = composed.CheckGradients(3, 4, seed: 5);

        Assert.True(report.Passed, report.ToString());
        Assert.Equal(composed.Layout.TotalLength, report.Coordinates);
    }

    [Fact]
    public void PayoffShift_GeneratedGradient_PassesTheSelfCheck()
    {
        var report = new PayoffShift(Shifts(5, 1)).CheckGradients(4, 5, seed: 2);
        Assert.True(report.Passed, report.ToString());
    }

    [Theory]
    [InlineData(PayoffForm.Anonymous, PayoffForm.PerAgent, PayoffForm.PerAgent)]
    [InlineData(PayoffForm.Anonymous, PayoffForm.Joint, PayoffForm.Joint)]
    [InlineData(PayoffForm.PerAgent, PayoffForm.Joint, PayoffForm.Joint)]
    public void AMoreGeneralIntervention_PromotesTheComposition_AndItsGradientChecks(PayoffForm fittedForm, PayoffForm interventionForm, PayoffForm expected)
    {
        var shape = new GameShape(3, 4);
        var fitted = TestGames.Mechanism(fittedForm, shape, seed: 7);
        var intervention = TestGames.Mechanism(interventionForm, shape, seed: 8);
        var composed = Intervention.Compose(fitted, intervention, 4);
        var theta = composed.Parameters(fitted.Parameters());
        var sum = new MechanismPayoffs(composed, theta, shape);
        var first = new MechanismPayoffs(fitted, fitted.Parameters(), shape);
        var second = new MechanismPayoffs(intervention, intervention.Parameters(), shape);

        Assert.Equal(expected, composed.Form);
        int[] joint = [1, 3, 1];
        for (int i = 0; i < 3; i++)
            Assert.Equal(first.Payoff(joint, i) + second.Payoff(joint, i), sum.Payoff(joint, i), 5);
        var report = composed.CheckGradients(3, 4, seed: 9);
        Assert.True(report.Passed, report.ToString());
    }

    [Theory]
    [InlineData(PayoffForm.Joint, 3)]
    [InlineData(PayoffForm.PerAgent, 3)]
    [InlineData(PayoffForm.Anonymous, 3)]
    [InlineData(PayoffForm.PerAgent, 9)]
    [InlineData(PayoffForm.Anonymous, 9)]
    public void ZeroShift_ReproducesThePlainSimulation_BitForBit(PayoffForm form, int agents)
    {
        // 4^9 joint actions are past the payoff table: the kernels are then called step by step.
        var shape = new GameShape(agents, 4);
        var fitted = TestGames.Mechanism(form, shape);
        var composed = Intervention.WithPayoffShift(fitted, new float[4]);

        var plain = Simulator.Simulate(fitted, fitted.Parameters(), TestGames.SmallGameLearner(), shape, 6, 25, seed: 3);
        var zero = Simulator.Simulate(composed, composed.Parameters(fitted.Parameters()), TestGames.SmallGameLearner(), shape, 6, 25, seed: 3);
        var shifted = Simulator.Simulate(Intervention.WithPayoffShift(fitted, [2f, 0f, 0f, 0f]),
            [.. fitted.Parameters(), 2f, 0f, 0f, 0f], TestGames.SmallGameLearner(), shape, 6, 25, seed: 3);

        Assert.Equal(plain.AsSpan().ToArray(), zero.AsSpan().ToArray());
        Assert.NotEqual(plain.AsSpan().ToArray(), shifted.AsSpan().ToArray());
    }

    [Theory]
    [InlineData(PayoffForm.PerAgent)]
    [InlineData(PayoffForm.Anonymous)]
    public void ZeroShift_ReproducesTheGroupedSimulation_BitForBit(PayoffForm form)
    {
        var fitted = TestGames.Mechanism(form, new GameShape(4, 3));
        var composed = Intervention.WithPayoffShift(fitted, new float[3]);
        var matching = GroupMatching.OfSizes(9, [2, 3, 4]);

        var plain = GroupedSimulator.Simulate(fitted, fitted.Parameters(), TestGames.SmallGameLearner(), 3, matching, 4, 12, seed: 8);
        var zero = GroupedSimulator.Simulate(composed, composed.Parameters(fitted.Parameters()), TestGames.SmallGameLearner(), 3, matching, 4, 12, seed: 8);

        Assert.Equal(plain.AsSpan().ToArray(), zero.AsSpan().ToArray());
        Assert.Equal(plain.GroupLabels.ToArray(), zero.GroupLabels.ToArray());
    }

    [Fact]
    public void MoneyTermScaling_ByOne_IsBitIdentical_AndScalesOnlyItsBlock()
    {
        var fitted = TestGames.Mechanism(PayoffForm.PerAgent, new GameShape(3, 4));
        var theta = fitted.Parameters();
        var term = new MoneyTerm(fitted.Layout.Blocks[^1].Name, "test term");
        var block = fitted.Layout.Blocks[^1];

        Assert.Equal(TestGames.Bits(theta), TestGames.Bits(term.Scale(fitted.Layout, theta, 1.0)));
        var doubled = term.Scale(fitted.Layout, theta, 2.0);
        for (int j = 0; j < theta.Length; j++)
            Assert.Equal(j >= block.Offset && j < block.Offset + block.Length ? 2 * theta[j] : theta[j], doubled[j]);
        Assert.Throws<ArgumentException>(() => new MoneyTerm("NoSuchBlock", "x").Scale(fitted.Layout, theta, 2.0));
    }
}
