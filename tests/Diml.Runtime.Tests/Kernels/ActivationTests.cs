namespace Diml.Runtime.Tests.Kernels;

/// <summary>Tanh, ReLU, sigmoid and softplus: span forms, scalar forms and their adjoints.</summary>
public class ActivationTests
{
    private delegate void SpanMap<T>(ReadOnlySpan<T> x, Span<T> y);
    private delegate void SpanAdjoint<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> yBar, Span<T> xBar);

    private sealed record Activation(
        SpanMap<double> Forward, SpanAdjoint<double> Adjoint, SpanMap<float> ForwardFloat, SpanAdjoint<float> AdjointFloat,
        Func<double, double> Reference);

    private static readonly Dictionary<string, Activation> Activations = new()
    {
        ["Tanh"] = new(Nn.Tanh, Nn.TanhAdjoint, Nn.Tanh, Nn.TanhAdjoint, Math.Tanh),
        ["Relu"] = new(Nn.Relu, Nn.ReluAdjoint, Nn.Relu, Nn.ReluAdjoint, x => Math.Max(x, 0)),
        ["Sigmoid"] = new(Nn.Sigmoid, Nn.SigmoidAdjoint, Nn.Sigmoid, Nn.SigmoidAdjoint, x => 1 / (1 + Math.Exp(-x))),
        ["Softplus"] = new(Nn.Softplus, Nn.SoftplusAdjoint, Nn.Softplus, Nn.SoftplusAdjoint, x => Math.Log(1 + Math.Exp(x))),
    };

    public static TheoryData<string, int> ActivationsAndLengths()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in Activations.Keys)
            foreach (int n in KernelTestData.Lengths)
                data.Add(name, n);
        return data;
    }

    public static TheoryData<string> ActivationNames() => new(Activations.Keys);

    private static PrimitiveFunction AsFunction(string name, int n)
    {
        var a = Activations[name];
        return new PrimitiveFunction("Nn." + name, n, n,
            (x, y) => a.Forward(x, y),
            (x, g, xBar) => { var y = new double[x.Length]; a.Forward(x, y); a.Adjoint(x, y, g, xBar); },
            (x, y) => a.ForwardFloat(x, y),
            (x, g, xBar) => { var y = new float[x.Length]; a.ForwardFloat(x, y); a.AdjointFloat(x, y, g, xBar); });
    }

    [Theory]
    [MemberData(nameof(ActivationsAndLengths))]
    public void SpanAdjoint_MatchesFiniteDifferences(string name, int n) =>
        AsFunction(name, n).AssertGradientMatches(KernelTestData.UniformAwayFromZero(n, seed: 100 + n));

    [Theory]
    [MemberData(nameof(ActivationNames))]
    public void SpanAdjoint_MatchesFiniteDifferences_InTheTails(string name)
    {
        double[] point = [-30, -12, -5, 5, 12, 30, -7.5, 7.5, -20, 20];
        AsFunction(name, point.Length).AssertGradientMatches(point);
    }

    [Theory]
    [MemberData(nameof(ActivationsAndLengths))]
    public void SpanForward_MatchesReference_InFloatAndDouble(string name, int n)
    {
        var a = Activations[name];
        var x = KernelTestData.Uniform(n, seed: 200 + n, scale: 6);
        var expected = Array.ConvertAll(x, v => a.Reference(v));
        var y = new double[n];
        a.Forward(x, y);
        KernelTestData.AssertClose(expected, y, 1e-14);
        var yFloat = new float[n];
        a.ForwardFloat(KernelTestData.ToFloat(x), yFloat);
        KernelTestData.AssertClose(expected, yFloat, 1e-6);
    }

    [Theory]
    [MemberData(nameof(ActivationsAndLengths))]
    public void SpanAdjoint_Accumulates_CallingTwiceDoublesTheBar(string name, int n)
    {
        var a = Activations[name];
        var x = KernelTestData.ToFloat(KernelTestData.UniformAwayFromZero(n, seed: 300 + n));
        var yBar = KernelTestData.ToFloat(KernelTestData.Uniform(n, seed: 400 + n));
        var y = new float[n];
        a.ForwardFloat(x, y);
        var once = new float[n];
        a.AdjointFloat(x, y, yBar, once);
        var twice = new float[n];
        a.AdjointFloat(x, y, yBar, twice);
        a.AdjointFloat(x, y, yBar, twice);
        for (int i = 0; i < n; i++) Assert.Equal(2 * once[i], twice[i]);
    }

    [Theory]
    [MemberData(nameof(ActivationNames))]
    public void SpanForward_InPlace_MatchesOutOfPlace(string name)
    {
        var a = Activations[name];
        var x = KernelTestData.ToFloat(KernelTestData.Uniform(37, seed: 5));
        var y = new float[x.Length];
        a.ForwardFloat(x, y);
        a.ForwardFloat(x, x);
        Assert.Equal(y, x);
    }

    [Theory]
    [MemberData(nameof(ActivationNames))]
    public void SpanForms_ThrowNamingTheArgument_WhenLengthsDisagree(string name)
    {
        var a = Activations[name];
        var forward = Assert.Throws<ArgumentException>(() => a.ForwardFloat(new float[5], new float[4]));
        Assert.Equal("y", forward.ParamName);
        Assert.Contains("length 4; expected 5", forward.Message);
        var adjoint = Assert.Throws<ArgumentException>(() => a.AdjointFloat(new float[5], new float[5], new float[5], new float[6]));
        Assert.Equal("xBar", adjoint.ParamName);
        Assert.Contains("length 6; expected 5", adjoint.Message);
        var yBar = Assert.Throws<ArgumentException>(() => a.Adjoint(new double[3], new double[3], new double[2], new double[3]));
        Assert.Equal("yBar", yBar.ParamName);
    }

    [Theory]
    [MemberData(nameof(ActivationNames))]
    public void SpanForward_Throws_WhenOutputPartiallyOverlapsInput(string name)
    {
        var a = Activations[name];
        var buffer = new float[10];
        var error = Assert.Throws<ArgumentException>(() => a.ForwardFloat(buffer.AsSpan(0, 8), buffer.AsSpan(1, 8)));
        Assert.Equal("y", error.ParamName);
    }

    [Fact]
    public void Sigmoid_IsFiniteAndCorrect_ForLargeInputsOfBothSigns()
    {
        double[] x = [-1000, -100, -30, 0, 30, 100, 1000];
        var y = new double[x.Length];
        Nn.Sigmoid(x, y);
        var yFloat = new float[x.Length];
        Nn.Sigmoid(KernelTestData.ToFloat(x), yFloat);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.InRange(y[i], 0, 1);
            Assert.InRange(yFloat[i], 0, 1);
            Assert.Equal(y[i], Nn.Sigmoid(x[i]), 1e-15);
        }
        Assert.Equal(0.5, y[3]);
        // Relative precision in the lower tail: σ(−30) = e^−30/(1 + e^−30).
        Assert.Equal(9.357622968840175e-14, Nn.Sigmoid(-30.0), 1e-26);
        Assert.Equal(9.357622968840175e-14, Nn.Sigmoid(-30f), 1e-19);
        Assert.Equal(1.0, Nn.Sigmoid(1000.0));
        Assert.Equal(0.0, Nn.Sigmoid(-1000.0));
    }

    [Fact]
    public void Softplus_IsFiniteAndCorrect_ForLargeInputsOfBothSigns()
    {
        double[] x = [-1000, -50, -1, 0, 1, 50, 100, 1000];
        var y = new double[x.Length];
        Nn.Softplus(x, y);
        var yFloat = new float[x.Length];
        Nn.Softplus(KernelTestData.ToFloat(x), yFloat);
        double[] expected = [0, 1.9287498479639178e-22, 0.31326168751822286, Math.Log(2), 1.3132616875182228, 50, 100, 1000];
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(double.IsFinite(yFloat[i]), FormattableString.Invariant($"softplus({x[i]}) in float is {yFloat[i]}"));
            Assert.Equal(expected[i], y[i], 1e-15 * Math.Max(1e-7, expected[i]));
            Assert.Equal(expected[i], yFloat[i], 1e-6 * Math.Max(1e-16, expected[i]));
            Assert.Equal(expected[i], Nn.Softplus(x[i]), 1e-15 * Math.Max(1e-7, expected[i]));
            Assert.Equal(expected[i], Nn.Softplus((float)x[i]), 1e-6 * Math.Max(1e-16, expected[i]));
        }
    }

    [Fact]
    public void SoftplusAdjoint_IsTheSigmoid_ForLargeInputs()
    {
        double[] x = [-1000, -50, 50, 1000];
        var y = new double[x.Length];
        Nn.Softplus(x, y);
        double[] yBar = [1, 1, 1, 1];
        var xBar = new double[x.Length];
        Nn.SoftplusAdjoint(x, y, yBar, xBar);
        Assert.Equal([0, 1.9287498479639178e-22, 1, 1], xBar);
    }

    [Fact]
    public void Tanh_SaturatesWithZeroGradient_ForLargeInputs()
    {
        float[] x = [-1000, -50, 50, 1000];
        var y = new float[x.Length];
        Nn.Tanh(x, y);
        Assert.Equal([-1, -1, 1, 1], y);
        var xBar = new float[x.Length];
        Nn.TanhAdjoint(x, y, [1, 1, 1, 1], xBar);
        Assert.Equal([0, 0, 0, 0], xBar);
    }

    [Fact]
    public void Relu_ZeroesNegatives_PropagatesNaN_AndTakesSubgradientZeroAtZero()
    {
        float[] x = [-2, -0f, 0, 3, float.NaN];
        var y = new float[x.Length];
        Nn.Relu(x, y);
        Assert.Equal([0, 0, 0, 3], y[..4]);
        Assert.True(float.IsNaN(y[4]));
        Assert.True(float.IsNaN(Nn.Relu(float.NaN)));
        Assert.Equal(3f, Nn.Relu(3f));
        Assert.Equal(0.0, Nn.Relu(-2.0));

        var xBar = new float[x.Length];
        Nn.ReluAdjoint(x, y, [5, 5, 5, 5, 5], xBar);
        Assert.Equal([0, 0, 0, 5, 0], xBar);
        float scalarBar = 0;
        Nn.ReluAdjoint(0f, 5f, ref scalarBar);
        Assert.Equal(0f, scalarBar);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Scalar forms
    // ---------------------------------------------------------------------------------------------------------

    private delegate void ScalarAdjoint<T>(T x, T resultBar, ref T xBar);

    private static PrimitiveFunction ScalarFunction(string name, Func<double, double> f, ScalarAdjoint<double> adjoint,
        Func<float, float> fFloat, ScalarAdjoint<float> adjointFloat) =>
        new("Nn." + name + "(scalar)", 1, 1,
            (x, y) => y[0] = f(x[0]),
            (x, g, xBar) => adjoint(x[0], g[0], ref xBar[0]),
            (x, y) => y[0] = fFloat(x[0]),
            (x, g, xBar) => adjointFloat(x[0], g[0], ref xBar[0]));

    private static PrimitiveFunction ScalarFunction(string name) => name switch
    {
        "Relu" => ScalarFunction(name, Nn.Relu, Nn.ReluAdjoint, Nn.Relu, Nn.ReluAdjoint),
        "Sigmoid" => ScalarFunction(name, Nn.Sigmoid, Nn.SigmoidAdjoint, Nn.Sigmoid, Nn.SigmoidAdjoint),
        "Softplus" => ScalarFunction(name, Nn.Softplus, Nn.SoftplusAdjoint, Nn.Softplus, Nn.SoftplusAdjoint),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no scalar form"),
    };

    [Theory]
    [InlineData("Relu")]
    [InlineData("Sigmoid")]
    [InlineData("Softplus")]
    public void ScalarAdjoint_MatchesFiniteDifferences(string name)
    {
        var function = ScalarFunction(name);
        foreach (double x in new[] { -30, -7.5, -2, -0.3, 0.05, 0.9, 3, 12, 30 })
            function.AssertGradientMatches([x]);
    }

    [Theory]
    [InlineData("Relu")]
    [InlineData("Sigmoid")]
    [InlineData("Softplus")]
    public void ScalarForm_AgreesWithSpanForm(string name)
    {
        var a = Activations[name];
        var function = ScalarFunction(name);
        var x = KernelTestData.Uniform(40, seed: 9, scale: 20);
        var y = new double[x.Length];
        a.Forward(x, y);
        var xBar = new double[x.Length];
        var yBar = KernelTestData.Uniform(40, seed: 10);
        a.Adjoint(x, y, yBar, xBar);
        for (int i = 0; i < x.Length; i++)
        {
            var scalar = new double[1];
            function.Evaluate([x[i]], scalar);
            Assert.Equal(y[i], scalar[0], 1e-15 * Math.Max(1, Math.Abs(y[i])));
            var scalarBar = new double[1];
            function.Adjoint([x[i]], [yBar[i]], scalarBar);
            Assert.Equal(xBar[i], scalarBar[0], 1e-14);
        }
    }

    [Fact]
    public void ScalarAdjoints_AddIntoTheBar()
    {
        double bar = 10;
        Nn.SigmoidAdjoint(0.0, 4.0, ref bar);
        Assert.Equal(11.0, bar);
        Nn.SoftplusAdjoint(0.0, 4.0, ref bar);
        Assert.Equal(13.0, bar);
        Nn.ReluAdjoint(1.0, 4.0, ref bar);
        Assert.Equal(17.0, bar);
    }

    [Fact]
    public void Activations_DoNotAllocate()
    {
        var x = KernelTestData.ToFloat(KernelTestData.Uniform(67, seed: 1));
        var y = new float[67];
        var bar = new float[67];
        var xd = KernelTestData.Uniform(67, seed: 1);
        var yd = new double[67];
        var bard = new double[67];
        long bytes = KernelTestData.AllocatedBytes(() =>
        {
            foreach (var a in Activations.Values)
            {
                a.ForwardFloat(x, y);
                a.AdjointFloat(x, y, x, bar);
                a.Forward(xd, yd);
                a.Adjoint(xd, yd, xd, bard);
            }
        });
        Assert.Equal(0, bytes);
    }
}
