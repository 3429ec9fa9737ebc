namespace Diml.Runtime.Tests.Kernels;

/// <summary>Softmax, log-softmax and log-sum-exp: forward values, stability, adjoints.</summary>
public class SoftmaxTests
{
    public static TheoryData<int> Lengths() => KernelTestData.LengthData();

    // ---------------------------------------------------------------------------------------------------------
    // References (plain double loops, max-subtracted)
    // ---------------------------------------------------------------------------------------------------------

    private static double ReferenceLogSumExp(double[] x)
    {
        if (x.Length == 0) return double.NegativeInfinity;
        double max = x.Max(), sum = 0;
        foreach (double v in x) sum += Math.Exp(v - max);
        return max + Math.Log(sum);
    }

    private static double[] ReferenceLogSoftmax(double[] x)
    {
        double lse = ReferenceLogSumExp(x);
        return Array.ConvertAll(x, v => v - lse);
    }

    private static double[] ReferenceSoftmax(double[] x) => Array.ConvertAll(ReferenceLogSoftmax(x), Math.Exp);

    private static PrimitiveFunction SoftmaxFunction(int n) => new("Nn.Softmax", n, n,
        (x, y) => Nn.Softmax(x, y),
        (x, g, xBar) => { var y = new double[x.Length]; Nn.Softmax(x, y); Nn.SoftmaxAdjoint(x, y, g, xBar); },
        (x, y) => Nn.Softmax(x, y),
        (x, g, xBar) => { var y = new float[x.Length]; Nn.Softmax(x, y); Nn.SoftmaxAdjoint(x, y, g, xBar); });

    private static PrimitiveFunction LogSoftmaxFunction(int n) => new("Nn.LogSoftmax", n, n,
        (x, y) => Nn.LogSoftmax(x, y),
        (x, g, xBar) => { var y = new double[x.Length]; Nn.LogSoftmax(x, y); Nn.LogSoftmaxAdjoint(x, y, g, xBar); },
        (x, y) => Nn.LogSoftmax(x, y),
        (x, g, xBar) => { var y = new float[x.Length]; Nn.LogSoftmax(x, y); Nn.LogSoftmaxAdjoint(x, y, g, xBar); });

    private static PrimitiveFunction LogSumExpFunction(int n) => new("Nn.LogSumExp", n, 1,
        (x, y) => y[0] = Nn.LogSumExp(x),
        (x, g, xBar) => Nn.LogSumExpAdjoint(x, g[0], xBar),
        (x, y) => y[0] = Nn.LogSumExp(x),
        (x, g, xBar) => Nn.LogSumExpAdjoint(x, g[0], xBar));

    // ---------------------------------------------------------------------------------------------------------
    // Adjoints against finite differences
    // ---------------------------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(Lengths))]
    public void SoftmaxAdjoint_MatchesFiniteDifferences(int n) =>
        SoftmaxFunction(n).AssertGradientMatches(KernelTestData.Uniform(n, seed: 500 + n));

    [Theory]
    [MemberData(nameof(Lengths))]
    public void LogSoftmaxAdjoint_MatchesFiniteDifferences(int n) =>
        LogSoftmaxFunction(n).AssertGradientMatches(KernelTestData.Uniform(n, seed: 600 + n));

    [Theory]
    [MemberData(nameof(Lengths))]
    public void LogSumExpAdjoint_MatchesFiniteDifferences(int n) =>
        LogSumExpFunction(n).AssertGradientMatches(KernelTestData.Uniform(n, seed: 700 + n));

    /// <summary>
    /// For inputs near ±1000 a finite-difference step relative to the input is too coarse, so the adjoints are
    /// pinned by shift invariance instead: every one of these functions has the same Jacobian at x and x + c.
    /// </summary>
    [Theory]
    [InlineData(1000)]
    [InlineData(-1000)]
    [InlineData(1e6)]
    public void Adjoints_AreShiftInvariant_ForLargeInputs(double shift)
    {
        var x = KernelTestData.Uniform(19, seed: 8);
        var shifted = Array.ConvertAll(x, v => v + shift);
        var g = KernelTestData.Uniform(19, seed: 9);
        foreach (var function in new[] { SoftmaxFunction(19), LogSoftmaxFunction(19) })
        {
            var expected = new double[19];
            function.Adjoint(x, g, expected);
            var actual = new double[19];
            function.Adjoint(shifted, g, actual);
            KernelTestData.AssertClose(expected, actual, 1e-9);
        }
        var lseExpected = new double[19];
        Nn.LogSumExpAdjoint(x, 2.5, lseExpected);
        var lseActual = new double[19];
        Nn.LogSumExpAdjoint(shifted, 2.5, lseActual);
        KernelTestData.AssertClose(lseExpected, lseActual, 1e-9);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Forward values
    // ---------------------------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Forward_MatchesReference_InFloatAndDouble(int n)
    {
        var x = KernelTestData.Uniform(n, seed: 800 + n, scale: 10);
        var xFloat = KernelTestData.ToFloat(x);

        var y = new double[n];
        var yFloat = new float[n];
        Nn.Softmax(x, y);
        Nn.Softmax(xFloat, yFloat);
        KernelTestData.AssertClose(ReferenceSoftmax(x), y, 1e-14);
        KernelTestData.AssertClose(ReferenceSoftmax(x), yFloat, 1e-6);

        Nn.LogSoftmax(x, y);
        Nn.LogSoftmax(xFloat, yFloat);
        KernelTestData.AssertClose(ReferenceLogSoftmax(x), y, 1e-14);
        KernelTestData.AssertClose(ReferenceLogSoftmax(x), yFloat, 1e-6);

        double lse = ReferenceLogSumExp(x);
        if (n == 0)
        {
            Assert.Equal(double.NegativeInfinity, Nn.LogSumExp(x));
            Assert.Equal(float.NegativeInfinity, Nn.LogSumExp(xFloat));
        }
        else
        {
            Assert.Equal(lse, Nn.LogSumExp(x), 1e-14 * Math.Max(1, Math.Abs(lse)));
            Assert.Equal(lse, Nn.LogSumExp(xFloat), 1e-6 * Math.Max(1, Math.Abs(lse)));
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Softmax_SumsToOne_AndLogSoftmaxIsItsLog(int n)
    {
        if (n == 0) return;
        var x = KernelTestData.ToFloat(KernelTestData.Uniform(n, seed: 900 + n, scale: 20));
        var p = new float[n];
        var logP = new float[n];
        Nn.Softmax(x, p);
        Nn.LogSoftmax(x, logP);
        Assert.Equal(1.0, p.Sum(v => (double)v), 1e-6);
        for (int i = 0; i < n; i++) Assert.Equal(p[i], MathF.Exp(logP[i]), 1e-6);
    }

    [Fact]
    public void Softmax_IsFiniteAndCorrect_ForLargeInputs()
    {
        float[] x = [1000, 0, -1000];
        var y = new float[3];
        Nn.Softmax(x, y);
        Assert.Equal([1, 0, 0], y);

        Nn.Softmax([1000f, 1000f], y.AsSpan(0, 2));
        Assert.Equal([0.5f, 0.5f], y[..2]);

        // Both exponentials would overflow float without the shift; the answer is σ(1) and σ(−1).
        Nn.Softmax([100f, 99f], y.AsSpan(0, 2));
        Assert.Equal(0.7310585786300049, y[0], 1e-7);
        Assert.Equal(0.2689414213699951, y[1], 1e-7);

        var yd = new double[2];
        Nn.Softmax([-1e6, -1e6 - 1], yd);
        Assert.Equal(0.7310585786300049, yd[0], 1e-15);
        Assert.Equal(0.2689414213699951, yd[1], 1e-15);
    }

    [Fact]
    public void LogSoftmax_IsFiniteAndCorrect_ForLargeInputs()
    {
        var y = new double[3];
        Nn.LogSoftmax([1000.0, 0, -1000], y);
        Assert.Equal([0, -1000, -2000], y);

        var yFloat = new float[2];
        Nn.LogSoftmax([0f, 0f], yFloat);
        Assert.Equal(-0.6931471805599453, yFloat[0], 1e-7);
        Nn.LogSoftmax([-100f, 100f], yFloat);
        Assert.Equal([-200f, 0f], yFloat);
    }

    [Fact]
    public void LogSumExp_IsFiniteAndCorrect_ForLargeAndInfiniteInputs()
    {
        Assert.Equal(1000 + Math.Log(2), Nn.LogSumExp([1000.0, 1000.0]), 1e-12);
        Assert.Equal(-1000 + Math.Log(2), Nn.LogSumExp([-1000.0, -1000.0]), 1e-12);
        Assert.Equal(100 + MathF.Log(2), Nn.LogSumExp([100f, 100f]), 1e-5);
        Assert.Equal(1000f, Nn.LogSumExp([1000f, -1000f]));
        Assert.Equal(0.0, Nn.LogSumExp([double.NegativeInfinity, 0.0]));
        Assert.Equal(double.PositiveInfinity, Nn.LogSumExp([double.PositiveInfinity, 0.0]));
        Assert.Equal(float.NegativeInfinity, Nn.LogSumExp([float.NegativeInfinity, float.NegativeInfinity]));
        Assert.True(double.IsNaN(Nn.LogSumExp([double.NaN, 0.0])));
    }

    [Fact]
    public void LogSumExpAdjoint_IsTheSoftmaxScaledByResultBar()
    {
        double[] x = [0, Math.Log(3)];
        var xBar = new double[2];
        Nn.LogSumExpAdjoint(x, 2.0, xBar);
        Assert.Equal(0.5, xBar[0], 1e-15);
        Assert.Equal(1.5, xBar[1], 1e-15);
    }

    [Fact]
    public void Forward_InPlace_MatchesOutOfPlace()
    {
        var x = KernelTestData.ToFloat(KernelTestData.Uniform(21, seed: 3));
        var expected = new float[21];
        Nn.Softmax(x, expected);
        var buffer = (float[])x.Clone();
        Nn.Softmax(buffer, buffer);
        Assert.Equal(expected, buffer);

        Nn.LogSoftmax(x, expected);
        buffer = (float[])x.Clone();
        Nn.LogSoftmax(buffer, buffer);
        Assert.Equal(expected, buffer);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Accumulation, arguments, allocation
    // ---------------------------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Adjoints_Accumulate_CallingTwiceDoublesTheBar(int n)
    {
        var x = KernelTestData.ToFloat(KernelTestData.Uniform(n, seed: 1000 + n));
        var g = KernelTestData.ToFloat(KernelTestData.Uniform(n, seed: 1100 + n));
        var y = new float[n];
        var once = new float[n];
        var twice = new float[n];

        Nn.Softmax(x, y);
        Nn.SoftmaxAdjoint(x, y, g, once);
        Nn.SoftmaxAdjoint(x, y, g, twice);
        Nn.SoftmaxAdjoint(x, y, g, twice);
        for (int i = 0; i < n; i++) Assert.Equal(2 * once[i], twice[i]);

        Array.Clear(once);
        Array.Clear(twice);
        Nn.LogSoftmax(x, y);
        Nn.LogSoftmaxAdjoint(x, y, g, once);
        Nn.LogSoftmaxAdjoint(x, y, g, twice);
        Nn.LogSoftmaxAdjoint(x, y, g, twice);
        for (int i = 0; i < n; i++) Assert.Equal(2 * once[i], twice[i]);

        Array.Clear(once);
        Array.Clear(twice);
        Nn.LogSumExpAdjoint(x, 0.75f, once);
        Nn.LogSumExpAdjoint(x, 0.75f, twice);
        Nn.LogSumExpAdjoint(x, 0.75f, twice);
        for (int i = 0; i < n; i++) Assert.Equal(2 * once[i], twice[i]);
    }

    [Fact]
    public void Primitives_ThrowNamingTheArgument_WhenLengthsDisagree()
    {
        var softmax = Assert.Throws<ArgumentException>(() => Nn.Softmax(new float[4], new float[3]));
        Assert.Equal("y", softmax.ParamName);
        Assert.Contains("length 3; expected 4", softmax.Message);

        var logSoftmax = Assert.Throws<ArgumentException>(() => Nn.LogSoftmax(new double[4], new double[5]));
        Assert.Equal("y", logSoftmax.ParamName);

        var softmaxBar = Assert.Throws<ArgumentException>(() => Nn.SoftmaxAdjoint(new float[4], new float[4], new float[3], new float[4]));
        Assert.Equal("yBar", softmaxBar.ParamName);

        var logSoftmaxBar = Assert.Throws<ArgumentException>(() => Nn.LogSoftmaxAdjoint(new double[4], new double[4], new double[4], new double[2]));
        Assert.Equal("xBar", logSoftmaxBar.ParamName);

        var lseBar = Assert.Throws<ArgumentException>(() => Nn.LogSumExpAdjoint(new float[4], 1f, new float[5]));
        Assert.Equal("xBar", lseBar.ParamName);
        Assert.Contains("length 5; expected 4", lseBar.Message);
    }

    [Fact]
    public void Primitives_DoNotAllocate()
    {
        var x = KernelTestData.ToFloat(KernelTestData.Uniform(67, seed: 2));
        var y = new float[67];
        var bar = new float[67];
        var xd = KernelTestData.Uniform(67, seed: 2);
        var yd = new double[67];
        var bard = new double[67];
        float sink = 0;
        long bytes = KernelTestData.AllocatedBytes(() =>
        {
            Nn.Softmax(x, y);
            Nn.SoftmaxAdjoint(x, y, x, bar);
            Nn.LogSoftmax(x, y);
            Nn.LogSoftmaxAdjoint(x, y, x, bar);
            sink += Nn.LogSumExp(x);
            Nn.LogSumExpAdjoint(x, 1f, bar);
            Nn.Softmax(xd, yd);
            Nn.SoftmaxAdjoint(xd, yd, xd, bard);
            Nn.LogSoftmax(xd, yd);
            Nn.LogSoftmaxAdjoint(xd, yd, xd, bard);
            sink += (float)Nn.LogSumExp(xd);
            Nn.LogSumExpAdjoint(xd, 1.0, bard);
        });
        Assert.Equal(0, bytes);
        Assert.True(float.IsFinite(sink));
    }
}
