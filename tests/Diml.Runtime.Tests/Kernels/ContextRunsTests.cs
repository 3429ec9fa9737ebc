using Diml.Kernels;

namespace Diml.Tests.Kernels;

/// <summary>
/// Runs of a batch (<see cref="BatchRuns"/>) and the dense layer whose shared input columns are computed once per run: equal
/// to the plain layer up to rounding, and each query's result independent of the batch and the run it is in.
/// </summary>
public class ContextRunsTests
{
    [Fact]
    public void Find_StartsARunWhereverARowDiffersFromTheOneBefore()
    {
        int[] rows = [1, 2, 1, 2, 0, 3, 0, 3, 0, 3, 1, 2];   // rows of 2: (1,2) (1,2) (0,3) (0,3) (0,3) (1,2)
        var starts = new int[7];
        int runs = BatchRuns.Find(rows, 2, 6, starts);
        Assert.Equal(3, runs);
        Assert.Equal([0, 2, 5, 6], starts[..4]);
        Assert.Equal(0, BatchRuns.Find([], 2, 0, starts));
        Assert.Equal(0, starts[0]);
    }

    [Fact]
    public void Find_BadShapes_AreArgumentErrors()
    {
        var starts = new int[4];
        Assert.Contains("do not fit", Assert.Throws<ArgumentException>(() => BatchRuns.Find(new int[5], 2, 3, starts)).Message);
        Assert.Contains("count + 1", Assert.Throws<ArgumentException>(() => BatchRuns.Find(new int[8], 2, 4, starts)).Message);
    }

    public static TheoryData<int, int, int, int, int> Shapes => new()
    {
        // rows, cols, shared start, shared cols, queries per run
        { 16, 7, 3, 4, 4 }, { 16, 7, 0, 4, 3 }, { 256, 72, 32, 40, 40 }, { 33, 22, 12, 10, 10 }, { 20, 9, 2, 5, 1 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ForwardAndAdjointWithRuns_MatchThePlainLayer(int rows, int cols, int sharedStart, int sharedCols, int perRun)
    {
        var random = new Random(rows + 7 * cols + perRun);
        float Next() => (float)(random.NextDouble() * 2 - 1);
        const int runs = 3;
        int count = runs * perRun + 1;   // a last run of one
        int inputStride = cols + 2, inputOffset = 1, outputStride = rows + 3, outputOffset = 2;
        var weights = Fill(new float[rows * cols], Next);
        var bias = Fill(new float[rows], Next);
        var outputBar = Fill(new float[count * outputStride], Next);
        var input = Fill(new float[count * inputStride], Next);
        var runStarts = new int[runs + 2];
        for (int r = 0; r <= runs; r++) runStarts[r] = r * perRun;
        runStarts[runs + 1] = count;
        // Within a run the shared columns are equal; the others differ.
        for (int r = 0; r <= runs; r++)
            for (int q = runStarts[r] + 1; q < runStarts[r + 1]; q++)
                input.AsSpan(runStarts[r] * inputStride + inputOffset + sharedStart, sharedCols).CopyTo(input.AsSpan(q * inputStride + inputOffset + sharedStart));

        var plain = new float[count * outputStride];
        BatchedDense.Forward(weights, bias, input, inputStride, inputOffset, cols, plain, outputStride, outputOffset, rows, count);
        var withRuns = new float[count * outputStride];
        BatchedDense.Forward(weights, bias, input, inputStride, inputOffset, cols, withRuns, outputStride, outputOffset, rows, count, runStarts, sharedStart, sharedCols);
        for (int i = 0; i < plain.Length; i++) Close(plain[i], withRuns[i]);

        // A query alone (a run of one) gets exactly the result it got inside its run.
        int lone = runStarts[1] + perRun / 2;
        var alone = new float[outputStride];
        BatchedDense.Forward(weights, bias, input.AsSpan(lone * inputStride, inputStride), inputStride, inputOffset, cols, alone, outputStride, outputOffset, rows, 1,
            [0, 1], sharedStart, sharedCols);
        Assert.Equal(withRuns.AsSpan(lone * outputStride, outputStride).ToArray(), alone);

        var (weightsBar, biasBar, inputBar) = (new float[weights.Length], new float[rows], new float[input.Length]);
        BatchedDense.Adjoint(weights, input, inputStride, inputOffset, cols, outputBar, outputStride, outputOffset, rows, count, weightsBar, biasBar, inputBar, 0, cols);
        var (weightsBarRuns, biasBarRuns, inputBarRuns) = (new float[weights.Length], new float[rows], new float[input.Length]);
        BatchedDense.Adjoint(weights, input, inputStride, inputOffset, cols, outputBar, outputStride, outputOffset, rows, count,
            weightsBarRuns, biasBarRuns, inputBarRuns, 0, cols, runStarts, sharedStart, sharedCols);
        for (int i = 0; i < weightsBar.Length; i++) Close(weightsBar[i], weightsBarRuns[i]);
        Assert.Equal(biasBar, biasBarRuns);
        Assert.Equal(inputBar, inputBarRuns);
    }

    [Fact]
    public void BadRuns_AreArgumentErrors()
    {
        var weights = new float[16 * 4];
        var input = new float[3 * 4];
        var output = new float[3 * 16];
        void Forward(int[] starts, int start, int cols) => BatchedDense.Forward(weights, default, input, 4, 0, 4, output, 16, 0, 16, 3, starts, start, cols);
        Assert.Contains("then the count 3", Assert.Throws<ArgumentException>(() => Forward([0, 2], 1, 2)).Message);
        Assert.Contains("increasing", Assert.Throws<ArgumentException>(() => Forward([0, 2, 2, 3], 1, 2)).Message);
        Assert.Contains("within the 4 input columns", Assert.Throws<ArgumentOutOfRangeException>(() => Forward([0, 3], 3, 2)).Message);
    }

    private static float[] Fill(float[] values, Func<float> next)
    {
        for (int i = 0; i < values.Length; i++) values[i] = next();
        return values;
    }

    /// <summary>Equal to float rounding: the shared columns are summed apart from the others.</summary>
    private static void Close(float expected, float actual)
        => Assert.True(Math.Abs(expected - actual) <= 1e-5 * (1 + Math.Abs(expected)), $"expected {expected}, found {actual}");
}
