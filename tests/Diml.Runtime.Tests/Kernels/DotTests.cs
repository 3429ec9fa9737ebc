namespace Diml.Runtime.Tests.Kernels;

/// <summary>The inner product and its adjoint.</summary>
public class DotTests
{
    public static TheoryData<int> Lengths() => KernelTestData.LengthData();

    /// <summary>The flat input is [a, b].</summary>
    private static PrimitiveFunction DotFunction(int n) => new("Nn.Dot", 2 * n, 1,
        (p, y) => y[0] = Nn.Dot(p[..n], p[n..]),
        (p, g, bar) => Nn.DotAdjoint(p[..n], p[n..], g[0], bar[..n], bar[n..]),
        (p, y) => y[0] = Nn.Dot(p[..n], p[n..]),
        (p, g, bar) => Nn.DotAdjoint(p[..n], p[n..], g[0], bar[..n], bar[n..]));

    [Theory]
    [MemberData(nameof(Lengths))]
    public void DotAdjoint_MatchesFiniteDifferences(int n) =>
        DotFunction(n).AssertGradientMatches(KernelTestData.Uniform(2 * n, seed: 1200 + n));

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Dot_MatchesReference_InFloatAndDouble(int n)
    {
        var a = KernelTestData.Uniform(n, seed: 1300 + n);
        var b = KernelTestData.Uniform(n, seed: 1400 + n);
        double expected = 0;
        for (int i = 0; i < n; i++) expected += a[i] * b[i];
        Assert.Equal(expected, Nn.Dot(a, b), 1e-13);
        Assert.Equal(expected, Nn.Dot(KernelTestData.ToFloat(a), KernelTestData.ToFloat(b)), 1e-5);
    }

    [Fact]
    public void DotAdjoint_AddsScaledOtherOperand_AndSupportsOneBarForBothOperands()
    {
        Assert.Equal(-1f, Nn.Dot([1f, 2, 3], [2f, -3, 1]));
        float[] aBar = [1, 1, 1], bBar = [0, 0, 0];
        Nn.DotAdjoint([1f, 2, 3], [2f, -3, 1], 2f, aBar, bBar);
        Assert.Equal([5f, -5, 3], aBar);
        Assert.Equal([2f, 4, 6], bBar);

        // d(v·v)/dv = 2v: the generator passes the same bar for both operands.
        double[] v = [1, -2, 0.5];
        var vBar = new double[3];
        Nn.DotAdjoint(v, v, 3.0, vBar, vBar);
        Assert.Equal([6, -12, 3], vBar);
    }

    [Fact]
    public void Dot_ThrowsNamingTheArgument_WhenLengthsDisagree()
    {
        var error = Assert.Throws<ArgumentException>(() => Nn.Dot(new float[3], new float[4]));
        Assert.Equal("b", error.ParamName);
        Assert.Contains("length 4; expected 3", error.Message);
        var bar = Assert.Throws<ArgumentException>(() => Nn.DotAdjoint(new double[3], new double[3], 1, new double[3], new double[2]));
        Assert.Equal("bBar", bar.ParamName);
    }

    [Fact]
    public void Dot_DoesNotAllocate()
    {
        var a = KernelTestData.ToFloat(KernelTestData.Uniform(45, seed: 1));
        var aBar = new float[45];
        var ad = KernelTestData.Uniform(45, seed: 1);
        var adBar = new double[45];
        double sink = 0;
        long bytes = KernelTestData.AllocatedBytes(() =>
        {
            sink += Nn.Dot(a, a);
            Nn.DotAdjoint(a, a, 1f, aBar, aBar);
            sink += Nn.Dot(ad, ad);
            Nn.DotAdjoint(ad, ad, 1.0, adBar, adBar);
        });
        Assert.Equal(0, bytes);
        Assert.True(sink > 0);
    }
}
