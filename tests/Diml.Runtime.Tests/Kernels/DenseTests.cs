namespace Diml.Runtime.Tests.Kernels;

/// <summary>Dense layers (with and without bias, flat and 2-D weights) and their adjoints.</summary>
public class DenseTests
{
    /// <summary>
    /// (rows, columns): empty on either side; single rows and columns; row counts below, at and above the
    /// four-row block; column counts around every vector width.
    /// </summary>
    public static TheoryData<int, int> Shapes() => new()
    {
        { 0, 3 }, { 2, 0 }, { 1, 1 }, { 1, 7 }, { 3, 5 }, { 4, 8 }, { 5, 9 }, { 7, 17 }, { 8, 16 }, { 9, 31 }, { 13, 33 }, { 16, 70 }, { 6, 64 },
    };

    /// <summary>y[i] = Σⱼ W[i, j]·x[j] + b[i] by plain loops.</summary>
    private static double[] ReferenceDense(double[] weights, double[]? bias, double[] input, int rows)
    {
        int cols = input.Length;
        var output = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            double sum = bias is null ? 0 : bias[i];
            for (int j = 0; j < cols; j++) sum += weights[i * cols + j] * input[j];
            output[i] = sum;
        }
        return output;
    }

    /// <summary>The flat input is [W (rows·cols), b (rows), x (cols)].</summary>
    private static PrimitiveFunction DenseFunction(int rows, int cols)
    {
        int w = rows * cols;
        return new PrimitiveFunction("Nn.Dense", w + rows + cols, rows,
            (p, y) => Nn.Dense(p[..w], p.Slice(w, rows), p[(w + rows)..], y),
            (p, g, bar) =>
            {
                var y = new double[rows];
                Nn.Dense(p[..w], p.Slice(w, rows), p[(w + rows)..], y);
                Nn.DenseAdjoint(p[..w], p.Slice(w, rows), p[(w + rows)..], y, g, bar[..w], bar.Slice(w, rows), bar[(w + rows)..]);
            },
            (p, y) => Nn.Dense(p[..w], p.Slice(w, rows), p[(w + rows)..], y),
            (p, g, bar) =>
            {
                var y = new float[rows];
                Nn.Dense(p[..w], p.Slice(w, rows), p[(w + rows)..], y);
                Nn.DenseAdjoint(p[..w], p.Slice(w, rows), p[(w + rows)..], y, g, bar[..w], bar.Slice(w, rows), bar[(w + rows)..]);
            });
    }

    /// <summary>The flat input is [W (rows·cols), x (cols)].</summary>
    private static PrimitiveFunction DenseNoBiasFunction(int rows, int cols)
    {
        int w = rows * cols;
        return new PrimitiveFunction("Nn.DenseNoBias", w + cols, rows,
            (p, y) => Nn.DenseNoBias(p[..w], p[w..], y),
            (p, g, bar) =>
            {
                var y = new double[rows];
                Nn.DenseNoBias(p[..w], p[w..], y);
                Nn.DenseNoBiasAdjoint(p[..w], p[w..], y, g, bar[..w], bar[w..]);
            },
            (p, y) => Nn.DenseNoBias(p[..w], p[w..], y),
            (p, g, bar) =>
            {
                var y = new float[rows];
                Nn.DenseNoBias(p[..w], p[w..], y);
                Nn.DenseNoBiasAdjoint(p[..w], p[w..], y, g, bar[..w], bar[w..]);
            });
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void DenseAdjoint_MatchesFiniteDifferences(int rows, int cols) =>
        DenseFunction(rows, cols).AssertGradientMatches(KernelTestData.Uniform(rows * cols + rows + cols, seed: 31 * rows + cols));

    [Theory]
    [MemberData(nameof(Shapes))]
    public void DenseNoBiasAdjoint_MatchesFiniteDifferences(int rows, int cols) =>
        DenseNoBiasFunction(rows, cols).AssertGradientMatches(KernelTestData.Uniform(rows * cols + cols, seed: 37 * rows + cols));

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Dense_MatchesReference_InFloatAndDouble(int rows, int cols)
    {
        var weights = KernelTestData.Uniform(rows * cols, seed: 1);
        var bias = KernelTestData.Uniform(rows, seed: 2);
        var input = KernelTestData.Uniform(cols, seed: 3);
        var expected = ReferenceDense(weights, bias, input, rows);

        var output = new double[rows];
        Nn.Dense(weights, bias, input, output);
        KernelTestData.AssertClose(expected, output, 1e-14);

        var outputFloat = new float[rows];
        Nn.Dense(KernelTestData.ToFloat(weights), KernelTestData.ToFloat(bias), KernelTestData.ToFloat(input), outputFloat);
        KernelTestData.AssertClose(expected, outputFloat, 1e-5);

        Nn.DenseNoBias(weights, input, output);
        KernelTestData.AssertClose(ReferenceDense(weights, null, input, rows), output, 1e-14);
    }

    [Fact]
    public void Dense_ComputesWeightsTimesInputPlusBias()
    {
        float[,] weights = { { 1, 2 }, { 3, 4 }, { -1, 0.5f } };
        var output = new float[3];
        Nn.Dense(weights, [0.5f, -1, 0], [1, -1], output);
        Assert.Equal([-0.5f, -2, -1.5f], output);

        Nn.DenseNoBias(weights, [2, 1], output);
        Assert.Equal([4, 10, -1.5f], output);
    }

    [Fact]
    public void DenseAdjoint_ComputesOuterProductBiasAndTransposedProduct()
    {
        double[] weights = [1, 2, 3, 4, 5, 6]; // 2 × 3
        double[] input = [1, -1, 2];
        double[] outputBar = [2, -1];
        var weightsBar = new double[6];
        var biasBar = new double[2];
        var inputBar = new double[3];
        var output = new double[2];
        Nn.Dense(weights, [0, 0], input, output);
        Nn.DenseAdjoint(weights, [0, 0], input, output, outputBar, weightsBar, biasBar, inputBar);
        Assert.Equal([2, -2, 4, -1, 1, -2], weightsBar);
        Assert.Equal([2, -1], biasBar);
        Assert.Equal([2 - 4, 4 - 5, 6 - 6], inputBar);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void TwoDimensionalOverloads_MatchFlatSpans(int rows, int cols)
    {
        var flat = KernelTestData.ToFloat(KernelTestData.Uniform(rows * cols, seed: 4));
        var matrix = new float[rows, cols];
        Buffer.BlockCopy(flat, 0, matrix, 0, flat.Length * sizeof(float));
        var bias = KernelTestData.ToFloat(KernelTestData.Uniform(rows, seed: 5));
        var input = KernelTestData.ToFloat(KernelTestData.Uniform(cols, seed: 6));
        var outputBar = KernelTestData.ToFloat(KernelTestData.Uniform(rows, seed: 7));

        var expected = new float[rows];
        var actual = new float[rows];
        Nn.Dense(flat, bias, input, expected);
        Nn.Dense(matrix, bias, input, actual);
        Assert.Equal(expected, actual);

        float[] expectedW = new float[rows * cols], expectedB = new float[rows], expectedX = new float[cols];
        float[] actualW = new float[rows * cols], actualB = new float[rows], actualX = new float[cols];
        Nn.DenseAdjoint(flat, bias, input, expected, outputBar, expectedW, expectedB, expectedX);
        Nn.DenseAdjoint(matrix, bias, input, actual, outputBar, actualW, actualB, actualX);
        Assert.Equal(expectedW, actualW);
        Assert.Equal(expectedB, actualB);
        Assert.Equal(expectedX, actualX);

        Nn.DenseNoBias(flat, input, expected);
        Nn.DenseNoBias(matrix, input, actual);
        Assert.Equal(expected, actual);
        Nn.DenseNoBiasAdjoint(flat, input, expected, outputBar, expectedW, expectedX);
        Nn.DenseNoBiasAdjoint(matrix, input, actual, outputBar, actualW, actualX);
        Assert.Equal(expectedW, actualW);
        Assert.Equal(expectedX, actualX);

        var matrixDouble = new double[rows, cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                matrixDouble[i, j] = flat[i * cols + j];
        var biasDouble = Array.ConvertAll(bias, v => (double)v);
        var inputDouble = Array.ConvertAll(input, v => (double)v);
        var expectedDouble = new double[rows];
        var actualDouble = new double[rows];
        Nn.Dense(Array.ConvertAll(flat, v => (double)v), biasDouble, inputDouble, expectedDouble);
        Nn.Dense(matrixDouble, biasDouble, inputDouble, actualDouble);
        Assert.Equal(expectedDouble, actualDouble);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void DenseAdjoint_Accumulates_CallingTwiceDoublesTheBars(int rows, int cols)
    {
        var weights = KernelTestData.Uniform(rows * cols, seed: 11);
        var bias = KernelTestData.Uniform(rows, seed: 12);
        var input = KernelTestData.Uniform(cols, seed: 13);
        var outputBar = KernelTestData.Uniform(rows, seed: 14);
        var output = new double[rows];
        Nn.Dense(weights, bias, input, output);

        double[] onceW = new double[rows * cols], onceB = new double[rows], onceX = new double[cols];
        double[] twiceW = new double[rows * cols], twiceB = new double[rows], twiceX = new double[cols];
        Nn.DenseAdjoint(weights, bias, input, output, outputBar, onceW, onceB, onceX);
        Nn.DenseAdjoint(weights, bias, input, output, outputBar, twiceW, twiceB, twiceX);
        Nn.DenseAdjoint(weights, bias, input, output, outputBar, twiceW, twiceB, twiceX);
        KernelTestData.AssertClose(Array.ConvertAll(onceW, v => 2 * v), twiceW, 1e-15);
        KernelTestData.AssertClose(Array.ConvertAll(onceB, v => 2 * v), twiceB, 1e-15);
        KernelTestData.AssertClose(Array.ConvertAll(onceX, v => 2 * v), twiceX, 1e-14);
    }

    [Fact]
    public void Dense_ThrowsNamingTheArgument_WhenShapesDisagree()
    {
        var weightsError = Assert.Throws<ArgumentException>(() => Nn.Dense(new float[11], new float[3], new float[4], new float[3]));
        Assert.Equal("weights", weightsError.ParamName);
        Assert.Contains("length 11; expected 12 (output.Length × input.Length)", weightsError.Message);

        var biasError = Assert.Throws<ArgumentException>(() => Nn.Dense(new double[12], new double[4], new double[4], new double[3]));
        Assert.Equal("bias", biasError.ParamName);
        Assert.Contains("length 4; expected 3", biasError.Message);

        var rowsError = Assert.Throws<ArgumentException>(() => Nn.Dense(new float[2, 4], new float[3], new float[4], new float[3]));
        Assert.Equal("weights", rowsError.ParamName);
        Assert.Contains("2 rows; expected 3 (output.Length)", rowsError.Message);

        var columnsError = Assert.Throws<ArgumentException>(() => Nn.DenseNoBias(new float[3, 5], new float[4], new float[3]));
        Assert.Equal("weights", columnsError.ParamName);
        Assert.Contains("5 columns; expected 4 (input.Length)", columnsError.Message);

        Assert.Throws<ArgumentNullException>(() => Nn.Dense((float[,])null!, new float[3], new float[4], new float[3]));

        var barError = Assert.Throws<ArgumentException>(() =>
            Nn.DenseAdjoint(new float[12], new float[3], new float[4], new float[3], new float[3], new float[12], new float[3], new float[5]));
        Assert.Equal("inputBar", barError.ParamName);
        Assert.Contains("length 5; expected 4", barError.Message);

        var weightsBarError = Assert.Throws<ArgumentException>(() =>
            Nn.DenseNoBiasAdjoint(new double[12], new double[4], new double[3], new double[3], new double[11], new double[4]));
        Assert.Equal("weightsBar", weightsBarError.ParamName);
    }

    [Fact]
    public void Dense_Throws_WhenOutputOverlapsAnInput()
    {
        var buffer = new float[20];
        var error = Assert.Throws<ArgumentException>(() =>
            Nn.Dense(buffer.AsSpan(0, 6), buffer.AsSpan(6, 2), buffer.AsSpan(8, 3), buffer.AsSpan(10, 2)));
        Assert.Equal("output", error.ParamName);
        Assert.Throws<ArgumentException>(() => Nn.Dense(buffer.AsSpan(0, 6), new float[2], buffer.AsSpan(8, 3), buffer.AsSpan(9, 2)));
        Assert.Throws<ArgumentException>(() => Nn.DenseNoBias(buffer.AsSpan(0, 6), new float[3], buffer.AsSpan(5, 2)));
    }

    [Fact]
    public void Dense_DoesNotAllocate()
    {
        const int rows = 13, cols = 37;
        var weights = KernelTestData.ToFloat(KernelTestData.Uniform(rows * cols, seed: 1));
        var matrix = new float[rows, cols];
        var bias = new float[rows];
        var input = KernelTestData.ToFloat(KernelTestData.Uniform(cols, seed: 2));
        var output = new float[rows];
        var weightsBar = new float[rows * cols];
        var biasBar = new float[rows];
        var inputBar = new float[cols];
        var weightsD = KernelTestData.Uniform(rows * cols, seed: 1);
        var biasD = new double[rows];
        var inputD = KernelTestData.Uniform(cols, seed: 2);
        var outputD = new double[rows];
        var weightsBarD = new double[rows * cols];
        var biasBarD = new double[rows];
        var inputBarD = new double[cols];
        long bytes = KernelTestData.AllocatedBytes(() =>
        {
            Nn.Dense(weights, bias, input, output);
            Nn.DenseAdjoint(weights, bias, input, output, output, weightsBar, biasBar, inputBar);
            Nn.Dense(matrix, bias, input, output);
            Nn.DenseAdjoint(matrix, bias, input, output, output, weightsBar, biasBar, inputBar);
            Nn.DenseNoBias(weights, input, output);
            Nn.DenseNoBiasAdjoint(weights, input, output, output, weightsBar, inputBar);
            Nn.Dense(weightsD, biasD, inputD, outputD);
            Nn.DenseAdjoint(weightsD, biasD, inputD, outputD, outputD, weightsBarD, biasBarD, inputBarD);
        });
        Assert.Equal(0, bytes);
    }

    /// <summary>
    /// The windowed adjoint gives the same weight and bias adjoints as the full one and, bit for bit, the same input
    /// adjoint over the window, whatever the window's position against the vector width; with about half the output
    /// adjoints zero (as behind a ReLU), the rows it skips change nothing either.
    /// </summary>
    [Theory]
    [InlineData(9, 31, 0, 31)]
    [InlineData(9, 31, 0, 12)]
    [InlineData(13, 72, 40, 32)]
    [InlineData(16, 70, 3, 17)]
    [InlineData(300, 72, 0, 32)]
    [InlineData(5, 9, 9, 0)]
    public void WindowedDenseAdjoint_EqualsTheFullAdjointOverItsWindow(int rows, int cols, int start, int length)
    {
        var weights = KernelTestData.ToFloat(KernelTestData.Uniform(rows * cols, seed: 14));
        var bias = KernelTestData.ToFloat(KernelTestData.Uniform(rows, seed: 15));
        var input = KernelTestData.ToFloat(KernelTestData.Uniform(cols, seed: 16));
        var outputBar = KernelTestData.ToFloat(KernelTestData.Uniform(rows, seed: 17));
        for (int i = 0; i < rows; i += 2) outputBar[i] = 0f;
        var output = new float[rows];
        Nn.Dense(weights, bias, input, output);

        var fullWeightsBar = new float[weights.Length];
        var fullBiasBar = new float[rows];
        var fullInputBar = new float[cols];
        Nn.DenseAdjoint(weights, bias, input, output, outputBar, fullWeightsBar, fullBiasBar, fullInputBar);
        var weightsBar = new float[weights.Length];
        var biasBar = new float[rows];
        var window = new float[length];
        Nn.DenseAdjoint(weights, bias, input, output, outputBar, weightsBar, biasBar, window, start);
        Assert.Equal(fullWeightsBar, weightsBar);
        Assert.Equal(fullBiasBar, biasBar);
        Assert.Equal(fullInputBar.AsSpan(start, length).ToArray(), window);
        var noBiasWindow = new float[length];
        Nn.DenseNoBiasAdjoint(weights, input, output, outputBar, new float[weights.Length], noBiasWindow, start);
        Assert.Equal(window, noBiasWindow);

        // And the full adjoint is the product, zero rows skipped or not: against plain loops in double.
        for (int j = 0; j < cols; j++)
        {
            double expected = 0;
            for (int i = 0; i < rows; i++) expected += (double)weights[i * cols + j] * outputBar[i];
            Assert.True(Math.Abs(expected - fullInputBar[j]) <= 1e-5 * (1 + rows), $"inputBar[{j}]: expected {expected}, found {fullInputBar[j]}");
        }
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                Assert.Equal((double)outputBar[i] * input[j], fullWeightsBar[i * cols + j], 1e-6);
    }

    [Fact]
    public void WindowedDenseAdjoint_OutsideTheInput_Throws()
    {
        var weights = new float[6];
        var output = new float[2];
        var error = Assert.Throws<ArgumentException>(() =>
            Nn.DenseAdjoint(weights, new float[2], new float[3], output, new float[2], new float[6], new float[2], new float[2], 2));
        Assert.Contains("inputBar", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Nn.DenseAdjoint(weights, new float[2], new float[3], output, new float[2], new float[6], new float[2], new float[1], -1));
    }
}
