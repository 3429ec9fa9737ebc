using Diml.Kernels;

namespace Diml.Runtime.Tests.Learning;

/// <summary>
/// Rules whose adjoints depend on which forward writes the reverse sweep reads: the generated adjoint skips the writes
/// to an output nothing reads (Logit-Q's <c>next</c>), and must keep — and tape — those a later statement reads.
/// </summary>
public sealed class ForwardLivenessRuleTests
{
    [Theory]
    [InlineData(2, 1)]
    [InlineData(5, 2)]
    public void OutputReadByALaterStatement_KeepsItsFirstWrite(int actions, int seed)
    {
        int depth = AdjointTape.Current.Depth;
        var report = new SquaredBlend().CheckGradients(actions, seed);
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(depth, AdjointTape.Current.Depth);
    }

    [Theory]
    [InlineData(3, 1)]
    [InlineData(6, 2)]
    public void ScratchOnlyDeadStoresRead_IsDroppedWithThem(int actions, int seed)
    {
        var report = new BlendWithUnreadScratch().CheckGradients(actions, seed);
        Assert.True(report.Passed, report.ToString());
    }
}

/// <summary><c>next = b + b²/2</c> with <c>b</c> the Logit-Q blend, written into <c>next</c> first: the square's reverse reads it.</summary>
[LearningRule]
public sealed partial class SquaredBlend
{
    public float Alpha { get; } = 0.4f;

    public int StateSize(int actions) => actions;
    public void InitialState(Span<float> state) => state.Clear();

    [Update]
    public void Update(ReadOnlySpan<float> q, ReadOnlySpan<float> u, int played, Span<float> next)
    {
        for (int k = 0; k < q.Length; k++)
        {
            next[k] = (1f - Alpha) * q[k] + Alpha * u[k];
            next[k] = next[k] + 0.5f * next[k] * next[k];
        }
    }

    [Response]
    public void Response(ReadOnlySpan<float> q, Span<float> logPolicy) => Nn.LogSoftmax(q, logPolicy);
}

/// <summary>A blend through a scratch buffer that feeds only the output: both are dead in the adjoint's forward sweep.</summary>
[LearningRule]
public sealed partial class BlendWithUnreadScratch
{
    public float Alpha { get; } = 0.3f;

    public int StateSize(int actions) => actions;
    public void InitialState(Span<float> state) => state.Clear();

    [Update]
    public void Update(ReadOnlySpan<float> q, ReadOnlySpan<float> u, int played, Span<float> next)
    {
        Span<float> kept = stackalloc float[q.Length];
        for (int k = 0; k < q.Length; k++) kept[k] = (1f - Alpha) * q[k];
        for (int k = 0; k < q.Length; k++) next[k] = kept[k] + Alpha * u[k];
    }

    [Response]
    public void Response(ReadOnlySpan<float> q, Span<float> logPolicy) => Nn.LogSoftmax(q, logPolicy);
}
