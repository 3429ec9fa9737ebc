using Diml.Learning;

namespace Diml.Runtime.Tests.Learning;

/// <summary>
/// Learning rules with [Param] fields: the generated θ-versions agree with the field-reading members, their
/// adjoints (with respect to the parameters too) pass the self-check, and a rule whose plain InitialState reads
/// a [Param] field fails it.
/// </summary>
public sealed class LearnableRuleTests
{
    [Theory]
    [InlineData(2, 1)]
    [InlineData(5, 2)]
    [InlineData(21, 3)]
    public void LogitQ_ThetaVersions_PassTheSelfCheck(int actions, int seed)
    {
        var rule = new LogitQ(0.3f, 2f, 0.1f);
        var report = rule.CheckGradients(actions, seed);
        Assert.True(report.Passed, report.ToString());
        // Update and response, then the three θ-versions: parameters + state + payoffs coordinates among them.
        Assert.Equal(0, report.FieldDependence);
        Assert.True(report.Coordinates > 3 * actions + 3, report.ToString());
    }

    [Fact]
    public void LogitQ_ThetaVersions_EqualTheFieldReadingMembers()
    {
        var rule = new LogitQ(0.3f, 2f, 0.1f);
        Assert.Equal(["Alpha", "Beta", "Epsilon", "Q0"], rule.Layout.Blocks.Select(b => b.Name));
        Assert.Equal([ParamRange.UnitInterval, ParamRange.Positive, ParamRange.UnitInterval, ParamRange.Real], rule.Layout.Blocks.Select(b => b.Range));
        Assert.Equal(3, rule.Layout.TotalLength); // no initial attractions given: Q0 is empty
        var theta = new float[3];
        rule.ReadParameters(theta);
        Assert.Equal([0.3f, 2f, 0.1f], theta);
        float[] q = [0.5f, -0.25f, 1f], u = [1f, 0f, -2f];
        float[] a = new float[3], b = new float[3];
        rule.Update(q, u, 1, a);
        rule.Update(theta, q, u, 1, b);
        Assert.Equal(a, b);
        rule.Response(q, a);
        rule.Response(theta, q, b);
        Assert.Equal(a, b);
        // The θ-version follows theta, not the fields.
        theta[0] = 1f;
        rule.Update(theta, q, u, 1, b);
        Assert.Equal(u, b);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LogitQ_WithInitialAttractions_StartsAtThem_AndPassesTheSelfCheck(bool inertia)
    {
        float[] q0 = [0f, 1.5f, -0.5f, 0.25f];
        ILearnableRule rule = inertia ? new LogitQWithInertia(0.3f, 2f, 0.1f, 0.7f, q0) : new LogitQ(0.3f, 2f, 0.1f, q0);
        var state = new float[rule.StateSize(4)];
        rule.InitialState(state);
        Assert.Equal(q0, state.AsSpan(0, 4).ToArray());
        Assert.All(state.AsSpan(4).ToArray(), v => Assert.Equal(0f, v)); // and no previous action
        var theta = new float[rule.Layout.TotalLength];
        rule.ReadParameters(theta);
        theta[^3] = 7f; // the θ-version reads Q0 from theta
        var fromTheta = new float[state.Length];
        rule.InitialState(theta, fromTheta);
        Assert.Equal(7f, fromTheta[1]);
        var report = rule.CheckGradients(4, seed: 2);
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(0, report.FieldDependence);
    }

    [Fact]
    public void LogitQ_WithoutInitialAttractions_StartsAtZero_AsBefore()
    {
        var rule = new LogitQ(0.3f, 2f, 0.1f);
        var state = new float[] { 1f, 2f, 3f };
        rule.InitialState(state);
        Assert.Equal([0f, 0f, 0f], state);
    }

    [Fact]
    public void InitialAttractions_ForAnotherNumberOfActions_AreAClearError()
    {
        var rule = new LogitQ(0.3f, 2f, 0.1f, [0f, 1f, 2f]);
        var e = Assert.Throws<ArgumentException>(() => rule.StateSize(5));
        Assert.Contains("LogitQ has 3 initial attractions Q0 but the game has 5 actions", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogitQWithInertia(0.3f, 2f, 0.1f, 0f, [0f, float.NaN]));
    }

    [Fact]
    public void RuleWhosePlainInitialStateReadsAParamField_FailsTheFieldIndependenceCheck()
    {
        var report = new FieldReadingStart().CheckGradients(3);
        Assert.False(report.Passed, report.ToString());
        Assert.True(report.FieldDependence > 0, report.ToString());
    }

    [Fact]
    public void RuleWithADifferentiatedInitialState_PassesTheSelfCheck()
    {
        var report = new LearnableStart(3).CheckGradients(3);
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(0, report.FieldDependence);
    }
}

/// <summary>A mistake on purpose: the plain InitialState reads the [Param] field, so its θ-version ignores theta.</summary>
[LearningRule]
public sealed partial class FieldReadingStart
{
    [Param] public float Start = 0.5f;

    public int StateSize(int actions) => actions;
    public void InitialState(Span<float> state) => state.Fill(Start);

    [Update]
    public void Update(ReadOnlySpan<float> q, ReadOnlySpan<float> u, int played, Span<float> next)
    {
        for (int k = 0; k < q.Length; k++) next[k] = 0.5f * q[k] + 0.5f * u[k] + Start;
    }

    [Response]
    public void Response(ReadOnlySpan<float> q, Span<float> logPolicy) => Nn.LogSoftmax(q, logPolicy);
}

/// <summary>An initial attraction per action, learnable through an [Initial] kernel.</summary>
[LearningRule]
public sealed partial class LearnableStart(int actions)
{
    [Param] public float[] Q0 = Enumerable.Range(0, actions).Select(k => 0.1f * k).ToArray();
    [Param(Range = ParamRange.UnitInterval)] public float Alpha = 0.4f;

    public int StateSize(int actions) => actions;

    [Initial]
    public void InitialState(Span<float> state)
    {
        for (int k = 0; k < state.Length; k++) state[k] = Q0[k];
    }

    [Update]
    public void Update(ReadOnlySpan<float> q, ReadOnlySpan<float> u, int played, Span<float> next)
    {
        for (int k = 0; k < q.Length; k++) next[k] = (1 - Alpha) * q[k] + Alpha * u[k];
    }

    [Response]
    public void Response(ReadOnlySpan<float> q, Span<float> logPolicy) => Nn.LogSoftmax(q, logPolicy);
}

/// <summary>Logit-Q with inertia: the bonus goes to the previous action only, and an absence keeps it.</summary>
public sealed class LogitQWithInertiaTests
{
    [Fact]
    public void Response_AddsTheInertiaBonusToThePreviousActionsLogit()
    {
        var rule = new LogitQWithInertia(0.5f, 2f, 0f, 1.5f);
        var state = new float[rule.StateSize(3)];
        rule.InitialState(state);
        var next = new float[state.Length];
        rule.Update(state, [1f, 0f, 0.5f], played: 2, next);
        Assert.Equal([0.5f, 0f, 0.25f, 0f, 0f, 1f], next);
        var logPolicy = new float[3];
        rule.Response(next, logPolicy);
        // Logits β·Q + κ·[k = 2] = (1, 0, 0.5 + 1.5).
        double z = Math.Exp(1) + 1 + Math.Exp(2);
        Assert.Equal(Math.Log(Math.Exp(2) / z), logPolicy[2], 5);
        Assert.Equal(Math.Log(1 / z), logPolicy[1], 5);
    }

    [Fact]
    public void WithoutInertia_ItIsLogitQ()
    {
        var inertia = new LogitQWithInertia(0.3f, 2f, 0.1f, 0f);
        var plain = new LogitQ(0.3f, 2f, 0.1f);
        float[] q = [0.2f, -0.4f, 1f];
        float[] state = [.. q, 0f, 1f, 0f];
        var a = new float[3];
        var b = new float[3];
        inertia.Response(state, a);
        plain.Response(q, b);
        for (int k = 0; k < 3; k++) Assert.Equal(b[k], a[k], 6);
    }
}
