using Diml.Kernels;

namespace Diml.Runtime.Tests.Corpus;

/// <summary>
/// Corpus functions with int, bool or int-span parameters have no generated self-check: each is wrapped at
/// fixed constant arguments as an <see cref="IFlatFunction"/> and handed to <see cref="GradientCheck.Run"/>.
/// </summary>
public sealed class IntParameterTests
{
    private delegate void Evaluate<T>(ReadOnlySpan<T> input, Span<T> output);
    private delegate void Adjoint<T>(ReadOnlySpan<T> input, ReadOnlySpan<T> outputBar, Span<T> inputBar);

    /// <summary>A flat function from delegates, in float and in double.</summary>
    private sealed class Flat(string name, int inputLength, int outputLength,
        Evaluate<double> evaluateDouble, Adjoint<double> adjointDouble, Evaluate<float> evaluateFloat, Adjoint<float> adjointFloat) : IFlatFunction
    {
        public string Name => name;
        public int InputLength => inputLength;
        public int OutputLength => outputLength;
        public void Evaluate(ReadOnlySpan<double> input, Span<double> output) => evaluateDouble(input, output);
        public void Adjoint(ReadOnlySpan<double> input, ReadOnlySpan<double> outputBar, Span<double> inputBar) => adjointDouble(input, outputBar, inputBar);
        public void Evaluate(ReadOnlySpan<float> input, Span<float> output) => evaluateFloat(input, output);
        public void Adjoint(ReadOnlySpan<float> input, ReadOnlySpan<float> outputBar, Span<float> inputBar) => adjointFloat(input, outputBar, inputBar);
    }

    private static void AssertPasses(IFlatFunction function, int seed)
    {
        int depth = AdjointTape.Current.Depth;
        var report = GradientCheck.Run(function, GradientSelfCheck.RandomPoint(function.InputLength, seed), seed);
        Assert.True(report.Passed, $"seed = {seed}: {report}");
        Assert.Equal(depth, AdjointTape.Current.Depth);
    }

    [Theory]
    [InlineData(0, 1)] [InlineData(1, 2)] [InlineData(3, 3)] [InlineData(5, 4)]
    public void IntPower(int k, int seed)
    {
        var function = new Flat($"IntPower(x, {k})", 1, 1,
            (x, y) => y[0] = IntParameterCorpus.IntPowerDouble(x[0], k),
            (x, yBar, xBar) => IntParameterCorpus.IntPowerDoubleAdjoint(x[0], k, yBar[0], ref xBar[0]),
            (x, y) => y[0] = IntParameterCorpus.IntPower(x[0], k),
            (x, yBar, xBar) => IntParameterCorpus.IntPowerAdjoint(x[0], k, yBar[0], ref xBar[0]));
        AssertPasses(function, seed);
        float point = 0.7f;
        Assert.Equal(IntParameterCorpus.IntPowerDouble(point, k), IntParameterCorpus.IntPower(point, k), 5);
    }

    [Theory]
    [InlineData(0, 3, 1)] [InlineData(2, 4, 2)] [InlineData(-1, 3, 3)] [InlineData(5, 10, 4)]
    public void Window(int start, int length, int seed)
    {
        const int n = 8;
        var function = new Flat($"Window(x, {start}, {length})", n, 1,
            (x, y) => y[0] = IntParameterCorpus.WindowDouble(x, start, length),
            (x, yBar, xBar) => IntParameterCorpus.WindowDoubleAdjoint(x, start, length, yBar[0], xBar),
            (x, y) => y[0] = IntParameterCorpus.Window(x, start, length),
            (x, yBar, xBar) => IntParameterCorpus.WindowAdjoint(x, start, length, yBar[0], xBar));
        AssertPasses(function, seed);
    }

    [Theory]
    [InlineData(true, 1)] [InlineData(false, 2)] [InlineData(true, 3)] [InlineData(false, 4)]
    public void Gather(bool squared, int seed)
    {
        const int n = 6;
        int[] indices = [4, 0, 4, 2, 5];
        var function = new Flat($"Gather(x, indices, {squared})", n, 1,
            (x, y) => y[0] = IntParameterCorpus.GatherDouble(x, indices, squared),
            (x, yBar, xBar) => IntParameterCorpus.GatherDoubleAdjoint(x, indices, squared, yBar[0], xBar),
            (x, y) => y[0] = IntParameterCorpus.Gather(x, indices, squared),
            (x, yBar, xBar) => IntParameterCorpus.GatherAdjoint(x, indices, squared, yBar[0], xBar));
        AssertPasses(function, seed);
    }

    [Theory]
    [InlineData(0, 1)] [InlineData(1, 2)] [InlineData(2, 3)]
    public void EmbedScaled(int index, int seed)
    {
        const int width = 3, rows = 3;
        // Input: the table, then the scale. Output: the scaled row.
        var function = new Flat($"EmbedScaled(table, {index}, scale)", rows * width + 1, width,
            (x, y) => IntParameterCorpus.EmbedScaledDouble(x[..^1], index, x[^1], y),
            (x, yBar, xBar) => IntParameterCorpus.EmbedScaledDoubleAdjoint(x[..^1], index, x[^1], y: stackalloc double[width], yBar, xBar[..^1], ref xBar[^1]),
            (x, y) => IntParameterCorpus.EmbedScaled(x[..^1], index, x[^1], y),
            (x, yBar, xBar) => IntParameterCorpus.EmbedScaledAdjoint(x[..^1], index, x[^1], y: stackalloc float[width], yBar, xBar[..^1], ref xBar[^1]));
        AssertPasses(function, seed);
    }
}
