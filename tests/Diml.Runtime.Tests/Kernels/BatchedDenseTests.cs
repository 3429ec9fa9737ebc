using System.Runtime.Intrinsics;
using Diml.Kernels;

namespace Diml.Tests.Kernels;

/// <summary>The batched dense layer equals the per-query one, for every tail of rows, columns and queries, strided rows included.</summary>
public class BatchedDenseTests
{
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 }, { 3, 5, 2 }, { 4, 16, 4 }, { 7, 17, 5 }, { 13, 64, 9 }, { 33, 70, 31 }, { 128, 128, 8 }, { 1, 256, 13 }, { 65, 3, 40 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ForwardAndAdjoint_MatchThePerQueryDenseLayer(int rows, int cols, int count)
    {
        var random = new Random(rows * 1000 + cols * 10 + count);
        float Next() => (float)(random.NextDouble() * 2 - 1);
        int inputStride = cols + 3, inputOffset = 2, outputStride = rows + 5, outputOffset = 1;
        var weights = new float[rows * cols];
        var bias = new float[rows];
        var input = new float[count * inputStride];
        var outputBar = new float[count * outputStride];
        foreach (var array in new[] { weights, bias, input, outputBar })
            for (int i = 0; i < array.Length; i++) array[i] = Next();

        var output = new float[count * outputStride];
        BatchedDense.Forward(weights, bias, input, inputStride, inputOffset, cols, output, outputStride, outputOffset, rows, count);
        var weightsBar = new float[weights.Length];
        var biasBar = new float[rows];
        var inputBar = new float[input.Length];
        BatchedDense.Adjoint(weights, input, inputStride, inputOffset, cols, outputBar, outputStride, outputOffset, rows, count, weightsBar, biasBar, inputBar);

        var expectedWeightsBar = new float[weights.Length];
        var expectedBiasBar = new float[rows];
        var expectedInputBar = new float[input.Length];
        var y = new float[rows];
        for (int q = 0; q < count; q++)
        {
            var x = input.AsSpan(q * inputStride + inputOffset, cols);
            Nn.Dense(weights, bias, x, y);
            for (int r = 0; r < rows; r++)
                Close(y[r], output[q * outputStride + outputOffset + r]);
            Nn.DenseAdjoint(weights, bias, x, y, outputBar.AsSpan(q * outputStride + outputOffset, rows), expectedWeightsBar, expectedBiasBar,
                expectedInputBar.AsSpan(q * inputStride + inputOffset, cols));
        }
        for (int i = 0; i < weights.Length; i++) Close(expectedWeightsBar[i], weightsBar[i]);
        for (int i = 0; i < rows; i++) Close(expectedBiasBar[i], biasBar[i]);
        for (int i = 0; i < input.Length; i++) Close(expectedInputBar[i], inputBar[i]);
    }

    /// <summary>Equal to float rounding: the batched kernels add in another order than the per-query ones.</summary>
    private static void Close(float expected, float actual)
        => Assert.True(Math.Abs(expected - actual) <= 1e-5 * (1 + Math.Abs(expected)), $"expected {expected}, found {actual}");

    [Fact]
    public void Forward_WithChangedWeights_DoesNotReuseAStaleTranspose()
    {
        var weights = new float[] { 1, 2, 3, 4, 5, 6 };   // 2 × 3
        var input = new float[] { 1, 0, 0, 0, 1, 0 };     // 2 queries
        var output = new float[4];
        BatchedDense.Forward(weights, default, input, 3, 0, 3, output, 2, 0, 2, 2);
        Assert.Equal([1f, 4f, 2f, 5f], output);
        weights[0] = 10;
        BatchedDense.Forward(weights, default, input, 3, 0, 3, output, 2, 0, 2, 2);
        Assert.Equal([10f, 4f, 2f, 5f], output);
    }

    /// <summary>The input adjoint over a window of columns is the full one's window, and leaves the other columns alone.</summary>
    [Theory]
    [InlineData(256, 72, 128, 0, 32)]
    [InlineData(7, 17, 5, 9, 8)]
    [InlineData(33, 70, 31, 3, 0)]
    public void WindowedAdjoint_EqualsTheFullAdjointOverItsWindow(int rows, int cols, int count, int start, int length)
    {
        var random = new Random(rows + cols + count);
        float Next() => (float)(random.NextDouble() * 2 - 1);
        int inputStride = cols + 2, inputOffset = 1;
        var weights = new float[rows * cols];
        var input = new float[count * inputStride];
        var outputBar = new float[count * rows];
        foreach (var array in new[] { weights, input, outputBar })
            for (int i = 0; i < array.Length; i++) array[i] = Next();
        var fullWeightsBar = new float[weights.Length];
        var fullInputBar = new float[input.Length];
        BatchedDense.Adjoint(weights, input, inputStride, inputOffset, cols, outputBar, rows, 0, rows, count, fullWeightsBar, default, fullInputBar);
        var weightsBar = new float[weights.Length];
        var inputBar = new float[input.Length];
        BatchedDense.Adjoint(weights, input, inputStride, inputOffset, cols, outputBar, rows, 0, rows, count, weightsBar, default, inputBar, start, length);
        Assert.Equal(fullWeightsBar, weightsBar);
        for (int q = 0; q < count; q++)
            for (int c = 0; c < inputStride; c++)
            {
                int column = c - inputOffset;
                float expected = column >= start && column < start + length ? fullInputBar[q * inputStride + c] : 0f;
                Assert.Equal(expected, inputBar[q * inputStride + c]);
            }
    }

    [Fact]
    public void EmptyAdjoints_AreSkipped()
    {
        var weights = new float[] { 1, 2, 3, 4 };
        var input = new float[] { 1, 2 };
        var outputBar = new float[] { 1, 1 };
        var weightsBar = new float[4];
        BatchedDense.Adjoint(weights, input, 2, 0, 2, outputBar, 2, 0, 2, 1, weightsBar, default, default);
        Assert.Equal([1f, 2f, 1f, 2f], weightsBar);
    }

    /// <summary>
    /// The matrix driver gives bit-identical results at every vector width (each element is the same chain of fused
    /// multiply-adds in the order of k), so a fit does not depend on the machine's SIMD tier. Every tier runs here
    /// whatever the hardware (an unaccelerated width runs in software); CI also reruns these tests with AVX-512 and
    /// AVX2 disabled so that the dispatch itself picks each tier.
    /// </summary>
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(4, 16, 64)]
    [InlineData(5, 7, 33)]
    [InlineData(9, 70, 65)]
    [InlineData(128, 72, 256)]
    [InlineData(3, 256, 1)]
    [InlineData(6, 33, 79)]
    [InlineData(2, 128, 256)]
    public void EveryVectorTier_GivesBitIdenticalProducts(int rows, int depth, int n)
    {
        var random = new Random(rows * 7 + depth * 3 + n);
        var a = new float[rows * depth];
        var b = new float[depth * n];
        var start = new float[rows * n];
        foreach (var array in new[] { a, b, start })
            for (int i = 0; i < array.Length; i++) array[i] = (float)(random.NextDouble() * 2 - 1);
        float[] Product(Action<float[]> run)
        {
            var c = (float[])start.Clone();
            run(c);
            return c;
        }
        var scalar = Product(c => MultiplyAccumulate.Run<ScalarTier, float>(ref a[0], depth, 1, ref b[0], n, ref c[0], n, rows, depth, n));
        var v128 = Product(c => MultiplyAccumulate.Run<Vector128Tier, Vector128<float>>(ref a[0], depth, 1, ref b[0], n, ref c[0], n, rows, depth, n));
        var v256 = Product(c => MultiplyAccumulate.Run<Vector256Tier, Vector256<float>>(ref a[0], depth, 1, ref b[0], n, ref c[0], n, rows, depth, n));
        var v512 = Product(c => MultiplyAccumulate.Run<Vector512Tier, Vector512<float>>(ref a[0], depth, 1, ref b[0], n, ref c[0], n, rows, depth, n));
        var dispatched = Product(c => MultiplyAccumulate.Run(ref a[0], depth, 1, ref b[0], n, ref c[0], n, rows, depth, n));
        Assert.Equal(scalar, v128);
        Assert.Equal(scalar, v256);
        Assert.Equal(scalar, v512);
        Assert.Equal(scalar, dispatched);
        // And it is the product: C + A·B in double, to float rounding.
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < n; j++)
            {
                double expected = start[i * n + j];
                for (int k = 0; k < depth; k++) expected += (double)a[i * depth + k] * b[k * n + j];
                Assert.True(Math.Abs(expected - scalar[i * n + j]) <= 1e-5 * (1 + depth), $"C[{i}, {j}]: expected {expected}, found {scalar[i * n + j]}");
            }
    }

    /// <summary>
    /// Starting every row of C from one row (a layer's bias, <c>initRow</c> 0) gives, on every tier, the bits of copying
    /// that row into C and accumulating; and the batched forward with a bias is exactly that.
    /// </summary>
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(5, 7, 33)]
    [InlineData(9, 70, 65)]
    [InlineData(128, 256, 256)]
    [InlineData(6, 33, 79)]
    public void StartingFromTheBiasRow_IsCopyingItAndAccumulating(int rows, int depth, int n)
    {
        var random = new Random(rows * 5 + depth * 11 + n);
        var a = new float[rows * depth];
        var b = new float[depth * n];
        var bias = new float[n];
        foreach (var array in new[] { a, b, bias })
            for (int i = 0; i < array.Length; i++) array[i] = (float)(random.NextDouble() * 2 - 1);
        var copied = new float[rows * n];
        for (int i = 0; i < rows; i++) bias.CopyTo(copied, i * n);
        MultiplyAccumulate.Run<ScalarTier, float>(ref a[0], depth, 1, ref b[0], n, ref copied[0], n, rows, depth, n);
        float[] FromBias(Action<float[]> run)
        {
            var c = new float[rows * n];
            Array.Fill(c, float.NaN);   // never read
            run(c);
            return c;
        }
        Assert.Equal(copied, FromBias(c => MultiplyAccumulate.Run<ScalarTier, float>(ref a[0], depth, 1, ref b[0], n, ref c[0], ref bias[0], n, 0, rows, depth, n)));
        Assert.Equal(copied, FromBias(c => MultiplyAccumulate.Run<Vector128Tier, Vector128<float>>(ref a[0], depth, 1, ref b[0], n, ref c[0], ref bias[0], n, 0, rows, depth, n)));
        Assert.Equal(copied, FromBias(c => MultiplyAccumulate.Run<Vector256Tier, Vector256<float>>(ref a[0], depth, 1, ref b[0], n, ref c[0], ref bias[0], n, 0, rows, depth, n)));
        Assert.Equal(copied, FromBias(c => MultiplyAccumulate.Run<Vector512Tier, Vector512<float>>(ref a[0], depth, 1, ref b[0], n, ref c[0], ref bias[0], n, 0, rows, depth, n)));
        Assert.Equal(copied, FromBias(c => MultiplyAccumulate.Run(ref a[0], depth, 1, ref b[0], n, ref c[0], ref bias[0], n, 0, rows, depth, n)));
        if (n < 16) return;   // narrower layers take the dot-product form
        // The layer: W is n × depth, so Wᵀ = b; y_q = bias + x_q·Wᵀ.
        var weights = new float[n * depth];
        for (int r = 0; r < n; r++)
            for (int k = 0; k < depth; k++) weights[r * depth + k] = b[k * n + r];
        var layer = FromBias(y => BatchedDense.Forward(weights, bias, a, depth, 0, depth, y, n, 0, n, rows));
        Assert.Equal(copied, layer);
    }

    /// <summary>The dot-product form (forward of layers with few outputs) is bit-identical on every width too.</summary>
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(5, 3, 15)]
    [InlineData(128, 1, 256)]
    [InlineData(9, 3, 129)]
    [InlineData(4, 15, 72)]
    public void EveryVectorTier_GivesBitIdenticalDotProducts(int rows, int columns, int depth)
    {
        var random = new Random(rows * 5 + columns * 11 + depth);
        var a = new float[rows * depth];
        var b = new float[columns * depth];
        var start = new float[rows * columns];
        foreach (var array in new[] { a, b, start })
            for (int i = 0; i < array.Length; i++) array[i] = (float)(random.NextDouble() * 2 - 1);
        float[] Dots(Action<float[]> run)
        {
            var c = (float[])start.Clone();
            run(c);
            return c;
        }
        var scalar = Dots(c => MultiplyAccumulate.RunDots<ScalarTier, float>(ref a[0], depth, ref b[0], depth, ref c[0], columns, rows, columns, depth));
        Assert.Equal(scalar, Dots(c => MultiplyAccumulate.RunDots<Vector128Tier, Vector128<float>>(ref a[0], depth, ref b[0], depth, ref c[0], columns, rows, columns, depth)));
        Assert.Equal(scalar, Dots(c => MultiplyAccumulate.RunDots<Vector256Tier, Vector256<float>>(ref a[0], depth, ref b[0], depth, ref c[0], columns, rows, columns, depth)));
        Assert.Equal(scalar, Dots(c => MultiplyAccumulate.RunDots<Vector512Tier, Vector512<float>>(ref a[0], depth, ref b[0], depth, ref c[0], columns, rows, columns, depth)));
        Assert.Equal(scalar, Dots(c => MultiplyAccumulate.RunDots(ref a[0], depth, ref b[0], depth, ref c[0], columns, rows, columns, depth)));
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
            {
                double expected = start[i * columns + j];
                for (int k = 0; k < depth; k++) expected += (double)a[i * depth + k] * b[j * depth + k];
                Assert.True(Math.Abs(expected - scalar[i * columns + j]) <= 1e-5 * (1 + depth), $"C[{i}, {j}]: expected {expected}, found {scalar[i * columns + j]}");
            }
    }

    [Fact]
    public void BadShapes_AreLocatedArgumentErrors()
    {
        var weights = new float[6];
        var input = new float[6];
        var output = new float[4];
        var wrongWeights = Assert.Throws<ArgumentException>(() => BatchedDense.Forward(new float[5], default, input, 3, 0, 3, output, 2, 0, 2, 2));
        Assert.Equal("weights", wrongWeights.ParamName);
        Assert.StartsWith("weights has length 5; expected 6 (rows × cols = 2 × 3).", wrongWeights.Message);
        var shortBias = Assert.Throws<ArgumentException>(() => BatchedDense.Forward(weights, new float[1], input, 3, 0, 3, output, 2, 0, 2, 2));
        Assert.Equal("bias", shortBias.ParamName);
        var tooShort = Assert.Throws<ArgumentException>(() => BatchedDense.Forward(weights, default, input, 3, 0, 3, output, 2, 0, 2, 3));
        Assert.StartsWith("input has length 6; 3 queries of stride 3 with 3 columns at offset 0 do not fit.", tooShort.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchedDense.Adjoint(weights, input, 3, 0, 3, output, 2, 0, 2, -1, default, default, default));
        var bar = Assert.Throws<ArgumentException>(() => BatchedDense.Adjoint(weights, input, 3, 0, 3, output, 2, 0, 2, 2, new float[5], default, default));
        Assert.Equal("weightsBar", bar.ParamName);
    }

    /// <summary>
    /// <c>.ci/run</c> reruns the kernel tests with a runtime switch per vector width and sets
    /// <c>DIML_EXPECT_VECTOR_BITS</c> to the width the switch should leave, so a switch the runtime ignores fails CI
    /// instead of silently testing the widest width again (.NET 10 ignores <c>DOTNET_EnableAVX512F</c>, for one).
    /// Without the variable there is no expectation to check.
    /// </summary>
    [Fact]
    public void WidestAcceleratedWidth_IsTheOneCiAskedFor()
    {
        string? expected = Environment.GetEnvironmentVariable("DIML_EXPECT_VECTOR_BITS");
        if (expected is null) return;
        int widest = Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 0;
        Assert.Equal(expected, widest.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
