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
}
