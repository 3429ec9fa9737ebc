namespace Diml.Runtime.Tests.Kernels;

/// <summary>
/// The empty-bar rule of the adjoint convention (<see cref="CustomAdjointAttribute"/>): an empty input bar means
/// the caller does not need that adjoint, so the adjoint skips it without throwing and leaves every other bar
/// exactly (bit for bit) as the full call does.
/// </summary>
public class EmptyBarTests
{
    /// <summary>An adjoint with its primal arguments bound; <c>bars[k]</c> is input k's bar (<c>null</c> passes <c>default</c>).</summary>
    private delegate void BarsAdjoint<T>(T[]?[] bars);

    /// <param name="BarLengths">The full length of each input bar, in the adjoint's parameter order.</param>
    /// <param name="Double">The double adjoint.</param>
    /// <param name="Float">The float adjoint, on the same values rounded to float.</param>
    private sealed record Case(int[] BarLengths, BarsAdjoint<double> Double, BarsAdjoint<float> Float);

    /// <summary>Seeded values in both precisions (the float ones rounded from the double ones).</summary>
    private sealed class Values(int length, int seed)
    {
        public readonly double[] D = KernelTestData.Uniform(length, seed);
        public float[] F => KernelTestData.ToFloat(D);
    }

    private static T[,] ToMatrix<T>(T[] flat, int rows, int cols)
    {
        var matrix = new T[rows, cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                matrix[i, j] = flat[i * cols + j];
        return matrix;
    }

    /// <summary>Shapes cover empty sides, a single element, the four-row block with its remainder, and vector tails.</summary>
    private static readonly Dictionary<string, Func<Case>> Cases = new()
    {
        ["Dense 0×3"] = () => Dense(0, 3, matrix: false),
        ["Dense 2×0"] = () => Dense(2, 0, matrix: false),
        ["Dense 1×1"] = () => Dense(1, 1, matrix: false),
        ["Dense 4×8"] = () => Dense(4, 8, matrix: false),
        ["Dense 5×17"] = () => Dense(5, 17, matrix: false),
        ["Dense 9×33"] = () => Dense(9, 33, matrix: false),
        ["Dense[,] 7×17"] = () => Dense(7, 17, matrix: true),
        ["DenseNoBias 3×5"] = () => DenseNoBias(3, 5, matrix: false),
        ["DenseNoBias 9×33"] = () => DenseNoBias(9, 33, matrix: false),
        ["DenseNoBias[,] 6×64"] = () => DenseNoBias(6, 64, matrix: true),
        ["Embedding 5×17"] = () => Embedding(5, 17, matrix: false),
        ["Embedding[,] 4×9"] = () => Embedding(4, 9, matrix: true),
        ["Tanh"] = () => Elementwise(Nn.Tanh, Nn.TanhAdjoint, Nn.Tanh, Nn.TanhAdjoint),
        ["Relu"] = () => Elementwise(Nn.Relu, Nn.ReluAdjoint, Nn.Relu, Nn.ReluAdjoint),
        ["Sigmoid"] = () => Elementwise(Nn.Sigmoid, Nn.SigmoidAdjoint, Nn.Sigmoid, Nn.SigmoidAdjoint),
        ["Softplus"] = () => Elementwise(Nn.Softplus, Nn.SoftplusAdjoint, Nn.Softplus, Nn.SoftplusAdjoint),
        ["Softmax"] = () => Elementwise(Nn.Softmax, Nn.SoftmaxAdjoint, Nn.Softmax, Nn.SoftmaxAdjoint),
        ["LogSoftmax"] = () => Elementwise(Nn.LogSoftmax, Nn.LogSoftmaxAdjoint, Nn.LogSoftmax, Nn.LogSoftmaxAdjoint),
        ["LogSumExp"] = LogSumExp,
        ["Dot"] = Dot,
    };

    public static TheoryData<string> CaseNames() => new(Cases.Keys);

    private static Case Dense(int rows, int cols, bool matrix)
    {
        Values w = new(rows * cols, 1), b = new(rows, 2), x = new(cols, 3), g = new(rows, 4);
        var (wd, wf, bd, bf, xd, xf, gd, gf) = (w.D, w.F, b.D, b.F, x.D, x.F, g.D, g.F);
        double[] yd = new double[rows];
        float[] yf = new float[rows];
        Nn.Dense(wd, bd, xd, yd);
        Nn.Dense(wf, bf, xf, yf);
        int[] lengths = [rows * cols, rows, cols];
        if (!matrix)
            return new(lengths,
                bars => Nn.DenseAdjoint(wd, bd, xd, yd, gd, bars[0], bars[1], bars[2]),
                bars => Nn.DenseAdjoint(wf, bf, xf, yf, gf, bars[0], bars[1], bars[2]));
        double[,] md = ToMatrix(wd, rows, cols);
        float[,] mf = ToMatrix(wf, rows, cols);
        return new(lengths,
            bars => Nn.DenseAdjoint(md, bd, xd, yd, gd, bars[0], bars[1], bars[2]),
            bars => Nn.DenseAdjoint(mf, bf, xf, yf, gf, bars[0], bars[1], bars[2]));
    }

    private static Case DenseNoBias(int rows, int cols, bool matrix)
    {
        Values w = new(rows * cols, 5), x = new(cols, 6), g = new(rows, 7);
        var (wd, wf, xd, xf, gd, gf) = (w.D, w.F, x.D, x.F, g.D, g.F);
        double[] yd = new double[rows];
        float[] yf = new float[rows];
        Nn.DenseNoBias(wd, xd, yd);
        Nn.DenseNoBias(wf, xf, yf);
        int[] lengths = [rows * cols, cols];
        if (!matrix)
            return new(lengths,
                bars => Nn.DenseNoBiasAdjoint(wd, xd, yd, gd, bars[0], bars[1]),
                bars => Nn.DenseNoBiasAdjoint(wf, xf, yf, gf, bars[0], bars[1]));
        double[,] md = ToMatrix(wd, rows, cols);
        float[,] mf = ToMatrix(wf, rows, cols);
        return new(lengths,
            bars => Nn.DenseNoBiasAdjoint(md, xd, yd, gd, bars[0], bars[1]),
            bars => Nn.DenseNoBiasAdjoint(mf, xf, yf, gf, bars[0], bars[1]));
    }

    private static Case Embedding(int rows, int width, bool matrix)
    {
        const int index = 3;
        Values t = new(rows * width, 8), g = new(width, 9);
        var (td, tf, gd, gf) = (t.D, t.F, g.D, g.F);
        double[] yd = new double[width];
        float[] yf = new float[width];
        Nn.Embedding(td, index, yd);
        Nn.Embedding(tf, index, yf);
        int[] lengths = [rows * width];
        if (!matrix)
            return new(lengths,
                bars => Nn.EmbeddingAdjoint(td, index, yd, gd, bars[0]),
                bars => Nn.EmbeddingAdjoint(tf, index, yf, gf, bars[0]));
        double[,] md = ToMatrix(td, rows, width);
        float[,] mf = ToMatrix(tf, rows, width);
        return new(lengths,
            bars => Nn.EmbeddingAdjoint(md, index, yd, gd, bars[0]),
            bars => Nn.EmbeddingAdjoint(mf, index, yf, gf, bars[0]));
    }

    private delegate void SpanMap<T>(ReadOnlySpan<T> x, Span<T> y);
    private delegate void SpanAdjoint<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> yBar, Span<T> xBar);

    /// <summary>Length 33: four 8-wide float vectors plus a tail, so both the vector body and the tail would run.</summary>
    private static Case Elementwise(SpanMap<double> forward, SpanAdjoint<double> adjoint, SpanMap<float> forwardFloat, SpanAdjoint<float> adjointFloat)
    {
        const int n = 33;
        Values x = new(n, 10), g = new(n, 11);
        var (xd, xf, gd, gf) = (x.D, x.F, g.D, g.F);
        double[] yd = new double[n];
        float[] yf = new float[n];
        forward(xd, yd);
        forwardFloat(xf, yf);
        return new([n], bars => adjoint(xd, yd, gd, bars[0]), bars => adjointFloat(xf, yf, gf, bars[0]));
    }

    private static Case LogSumExp()
    {
        Values x = new(33, 12);
        var (xd, xf) = (x.D, x.F);
        return new([33], bars => Nn.LogSumExpAdjoint(xd, 0.75, bars[0]), bars => Nn.LogSumExpAdjoint(xf, 0.75f, bars[0]));
    }

    private static Case Dot()
    {
        Values a = new(33, 13), b = new(33, 14);
        var (ad, af, bd, bf) = (a.D, a.F, b.D, b.F);
        return new([33, 33], bars => Nn.DotAdjoint(ad, bd, -1.5, bars[0], bars[1]), bars => Nn.DotAdjoint(af, bf, -1.5f, bars[0], bars[1]));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void EmptyBar_SkipsOnlyThatInput_AndDoesNotThrow(string name)
    {
        var c = Cases[name]();
        AssertEmptyBarsAreSkipped(c.BarLengths, c.Double, v => v);
        AssertEmptyBarsAreSkipped(c.BarLengths, c.Float, v => (float)v);
    }

    /// <summary>
    /// For each input in turn, as <c>default</c> and as a zero-length array: the call does not throw and every
    /// other bar equals the full call's exactly. Bars start non-zero, as midway through a reverse sweep.
    /// </summary>
    private static void AssertEmptyBarsAreSkipped<T>(int[] lengths, BarsAdjoint<T> adjoint, Func<double, T> convert)
        where T : IEquatable<T>
    {
        var initial = new T[lengths.Length][];
        for (int k = 0; k < lengths.Length; k++)
            initial[k] = Array.ConvertAll(KernelTestData.Uniform(lengths[k], seed: 100 + k), v => convert(v));

        var full = Copy(initial);
        adjoint(full);

        for (int k = 0; k < lengths.Length; k++)
        {
            foreach (bool asDefault in new[] { true, false })
            {
                var partial = Copy(initial);
                partial[k] = asDefault ? null : Array.Empty<T>();
                adjoint(partial);
                for (int j = 0; j < lengths.Length; j++)
                {
                    if (j == k) continue;
                    Assert.True(full[j]!.AsSpan().SequenceEqual(partial[j]),
                        $"{typeof(T).Name}: bar {j} differs from the full call when bar {k} is {(asDefault ? "default" : "a zero-length array")}.");
                }
            }
        }

        // Nothing needed at all: still no throw.
        adjoint(new T[]?[lengths.Length]);
    }

    private static T[]?[] Copy<T>(T[][] bars) => Array.ConvertAll(bars, bar => (T[]?)bar.Clone());

    [Fact]
    public void EmptyOutputBar_StillThrows()
    {
        var outputBar = Assert.Throws<ArgumentException>(() =>
            Nn.DenseAdjoint(new float[12], new float[3], new float[4], new float[3], default, new float[12], new float[3], new float[4]));
        Assert.Equal("outputBar", outputBar.ParamName);
        var yBar = Assert.Throws<ArgumentException>(() => Nn.TanhAdjoint(new double[3], new double[3], default, default));
        Assert.Equal("yBar", yBar.ParamName);
        var embedding = Assert.Throws<ArgumentException>(() => Nn.EmbeddingAdjoint(new float[12], 1, new float[4], default, default));
        Assert.Equal("outputBar", embedding.ParamName);
    }

    [Fact]
    public void NonEmptyBarOfWrongLength_StillThrows_MentioningTheEmptyOption()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Nn.DenseAdjoint(new float[12], new float[3], new float[4], new float[3], new float[3], default, new float[2], default));
        Assert.Equal("biasBar", error.ParamName);
        Assert.Contains("length 2; expected 3 (or 0 if the adjoint is not needed)", error.Message);
        Assert.Equal("aBar", Assert.Throws<ArgumentException>(() => Nn.DotAdjoint(new double[3], new double[3], 1, new double[1], default)).ParamName);
        Assert.Equal("xBar", Assert.Throws<ArgumentException>(() => Nn.LogSumExpAdjoint(new float[3], 1, new float[4])).ParamName);
    }

    [Fact]
    public void SkippingPaths_DoNotAllocate()
    {
        const int rows = 9, cols = 33;
        var w = new float[rows * cols];
        var b = new float[rows];
        var x = new float[cols];
        var y = new float[rows];
        var wBar = new float[rows * cols];
        var bBar = new float[rows];
        var xBar = new float[cols];
        var wd = new double[rows * cols];
        var xd = new double[cols];
        var yd = new double[rows];
        var wdBar = new double[rows * cols];
        var xdBar = new double[cols];
        long bytes = KernelTestData.AllocatedBytes(() =>
        {
            Nn.DenseAdjoint(w, b, x, y, y, wBar, bBar, default);
            Nn.DenseAdjoint(w, b, x, y, y, default, default, xBar);
            Nn.DenseNoBiasAdjoint(wd, xd, yd, yd, wdBar, default);
            Nn.DenseNoBiasAdjoint(wd, xd, yd, yd, default, xdBar);
            Nn.DotAdjoint(x, x, 1f, xBar, default);
            Nn.SoftmaxAdjoint(x, x, x, default);
            Nn.LogSumExpAdjoint(xd, 1.0, default);
            Nn.EmbeddingAdjoint(w, 2, x, x, default);
        });
        Assert.Equal(0, bytes);
    }
}
