using Diml.Kernels;

namespace Diml.Runtime.Tests.Corpus;

/// <summary>
/// The gradient corpus: every function's generated self-check passes at several seeds (and span lengths),
/// leaves the adjoint tape empty, and the user's float method agrees with the generated double twin.
/// </summary>
public sealed class CorpusGradientTests
{
    private static readonly int[] Seeds = [1, 2, 3, 17];

    private static int[] SpanLengths(CorpusCases.Case c) => c.HasSpans ? [4, 5, 8] : [4];

    public static TheoryData<string> Names => CorpusCases.Names();

    [Theory]
    [MemberData(nameof(Names))]
    public void GradientSelfCheckPasses(string name)
    {
        var c = CorpusCases.Get(name);
        foreach (int n in SpanLengths(c))
            foreach (int seed in Seeds)
            {
                // Measured as a difference, so that a leak elsewhere on this thread does not fail this test.
                int depth = AdjointTape.Current.Depth;
                var report = c.Check(n, seed);
                Assert.True(report.Passed, $"n = {n}, seed = {seed}: {report}");
                Assert.True(report.Coordinates > 0, report.ToString());
                Assert.True(AdjointTape.Current.Depth == depth, $"n = {n}, seed = {seed}: the adjoints left {AdjointTape.Current.Depth - depth} values on the tape");
            }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void FloatMethodMatchesDoubleTwin(string name)
    {
        var c = CorpusCases.Get(name);
        foreach (int n in SpanLengths(c))
            foreach (int seed in Seeds)
            {
                var point = GradientSelfCheck.RandomPoint(c.InputLength(n), seed);
                var single = c.Float(point, n);
                var twin = c.Double(point, n);
                Assert.Equal(twin.Length, single.Length);
                for (int i = 0; i < twin.Length; i++)
                    Assert.True(Math.Abs(single[i] - twin[i]) <= 1e-4 * Math.Max(1, Math.Abs(twin[i])),
                        $"n = {n}, seed = {seed}, output {i}: float {single[i]:R}, double {twin[i]:R}");
            }
    }

    [Fact]
    public void CorpusIsLargeEnough() => Assert.True(CorpusCases.All.Length >= 45, $"{CorpusCases.All.Length} functions");
}
