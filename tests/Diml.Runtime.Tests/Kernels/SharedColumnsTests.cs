using Diml.Kernels;

namespace Diml.Tests.Kernels;

/// <summary>
/// Groups of a batch (<see cref="BatchGroups"/>) and the dense layer whose shared blocks of input columns are computed once
/// per group (<see cref="SharedColumns"/>): equal to the plain layer up to rounding, and each query's result independent of
/// the batch and the groups it is in.
/// </summary>
public class SharedColumnsTests
{
    [Fact]
    public void Runs_StartWhereverARowDiffersFromTheOneBefore()
    {
        int[] rows = [1, 2, 1, 2, 0, 3, 0, 3, 0, 3, 1, 2];   // rows of 2: (1,2) (1,2) (0,3) (0,3) (0,3) (1,2)
        var (groupOf, leaders) = (new int[6], new int[6]);
        Assert.Equal(3, BatchGroups.Runs(rows, 2, 6, groupOf, leaders));
        Assert.Equal([0, 0, 1, 1, 1, 2], groupOf);
        Assert.Equal([0, 2, 5], leaders[..3]);
        Assert.Equal(0, BatchGroups.Runs([], 2, 0, groupOf, leaders));
    }

    [Fact]
    public void ByKey_GroupsEqualKeysWhereverTheyAre_InOrderOfTheirFirstQuery()
    {
        int[] keys = [7, -3, 7, 0, -3, 7, 1 << 30, 0];
        var (groupOf, leaders) = (new int[8], new int[8]);
        Assert.Equal(4, BatchGroups.ByKey(keys, 8, groupOf, leaders));
        Assert.Equal([0, 1, 0, 2, 1, 0, 3, 2], groupOf);
        Assert.Equal([0, 1, 3, 6], leaders[..4]);
        // Many distinct keys: as many groups, each led by itself.
        var many = Enumerable.Range(0, 300).Select(i => i * 40).ToArray();
        var (manyOf, manyLeaders) = (new int[300], new int[300]);
        Assert.Equal(300, BatchGroups.ByKey(many, 300, manyOf, manyLeaders));
        Assert.Equal(Enumerable.Range(0, 300), manyOf);
    }

    [Fact]
    public void Groups_BadShapes_AreArgumentErrors()
    {
        var (groupOf, leaders) = (new int[4], new int[4]);
        Assert.Contains("do not fit", Assert.Throws<ArgumentException>(() => BatchGroups.Runs(new int[5], 2, 3, groupOf, leaders)).Message);
        Assert.Contains("at least the count 5", Assert.Throws<ArgumentException>(() => BatchGroups.ByKey(new int[5], 5, groupOf, leaders)).Message);
    }

    public static TheoryData<int, int, int, int, int, int, int> Shapes => new()
    {
        // rows, cols, context block (start, columns), own block (start, columns; 0 columns: none), queries per run
        { 16, 7, 3, 4, 0, 3, 4 }, { 16, 7, 0, 4, 4, 3, 3 }, { 256, 72, 32, 40, 0, 32, 40 }, { 33, 22, 12, 10, 0, 12, 10 },
        { 20, 9, 2, 5, 0, 0, 1 }, { 24, 12, 2, 4, 8, 3, 5 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ForwardAndAdjointWithSharedBlocks_MatchThePlainLayer(int rows, int cols, int contextStart, int contextCols, int ownStart, int ownCols, int perRun)
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
        // The runtime's order: run r is one context, query k of it own action k; the context block is the run's, the own
        // block the own action's (the row of the first query with that own action).
        var own = new int[count];
        for (int q = 0; q < count; q++)
        {
            own[q] = q < runs * perRun ? q % perRun : 0;
            int runLeader = q < runs * perRun ? q - q % perRun : q;
            input.AsSpan(runLeader * inputStride + inputOffset + contextStart, contextCols).CopyTo(input.AsSpan(q * inputStride + inputOffset + contextStart));
            input.AsSpan(own[q] * inputStride + inputOffset + ownStart, ownCols).CopyTo(input.AsSpan(q * inputStride + inputOffset + ownStart));
        }
        var (runOf, runLeaders, groupOf, groupLeaders) = (new int[count], new int[count], new int[count], new int[count]);
        int runCount = 0;
        for (int q = 0; q < count; q++)
        {
            if (q % perRun == 0 || q == runs * perRun) runLeaders[runCount++] = q;
            runOf[q] = runCount - 1;
        }
        int groups = BatchGroups.ByKey(own, count, groupOf, groupLeaders);
        SharedColumns Context() => new(contextStart, contextCols, runOf, runLeaders.AsSpan(0, runCount));
        SharedColumns Own() => ownCols == 0 ? default : new(ownStart, ownCols, groupOf, groupLeaders.AsSpan(0, groups));

        var plain = new float[count * outputStride];
        BatchedDense.Forward(weights, bias, input, inputStride, inputOffset, cols, plain, outputStride, outputOffset, rows, count);
        var shared = new float[count * outputStride];
        BatchedDense.Forward(weights, bias, input, inputStride, inputOffset, cols, shared, outputStride, outputOffset, rows, count, Context(), Own());
        for (int i = 0; i < plain.Length; i++) Close(plain[i], shared[i]);

        // A query alone (a group of one in each block) gets exactly the result it got among the others.
        int lone = runLeaders[1] + perRun / 2;
        var alone = new float[outputStride];
        int[] zero = [0];
        BatchedDense.Forward(weights, bias, input.AsSpan(lone * inputStride, inputStride), inputStride, inputOffset, cols, alone, outputStride, outputOffset, rows, 1,
            new SharedColumns(contextStart, contextCols, zero, zero), ownCols == 0 ? default : new SharedColumns(ownStart, ownCols, zero, zero));
        Assert.Equal(shared.AsSpan(lone * outputStride, outputStride).ToArray(), alone);

        var (weightsBar, biasBar, inputBar) = (new float[weights.Length], new float[rows], new float[input.Length]);
        BatchedDense.Adjoint(weights, input, inputStride, inputOffset, cols, outputBar, outputStride, outputOffset, rows, count, weightsBar, biasBar, inputBar, 0, cols);
        var (weightsBarShared, biasBarShared, inputBarShared) = (new float[weights.Length], new float[rows], new float[input.Length]);
        BatchedDense.Adjoint(weights, input, inputStride, inputOffset, cols, outputBar, outputStride, outputOffset, rows, count,
            weightsBarShared, biasBarShared, inputBarShared, 0, cols, Context(), Own());
        for (int i = 0; i < weightsBar.Length; i++) Close(weightsBar[i], weightsBarShared[i]);
        Assert.Equal(biasBar, biasBarShared);
        Assert.Equal(inputBar, inputBarShared);
    }

    [Fact]
    public void BadBlocks_AreArgumentErrors()
    {
        var weights = new float[16 * 4];
        var input = new float[3 * 4];
        var output = new float[3 * 16];
        int[] groupOf = [0, 0, 1], leaders = [0, 2];
        Assert.Contains("within the 4 input columns", Assert.Throws<ArgumentOutOfRangeException>(() =>
            BatchedDense.Forward(weights, default, input, 4, 0, 4, output, 16, 0, 16, 3, new SharedColumns(3, 2, groupOf, leaders), default)).Message);
        Assert.Contains("disjoint", Assert.Throws<ArgumentException>(() =>
            BatchedDense.Forward(weights, default, input, 4, 0, 4, output, 16, 0, 16, 3, new SharedColumns(0, 2, groupOf, leaders), new SharedColumns(1, 2, groupOf, leaders))).Message);
        Assert.Contains("query 2 is in group 1", Assert.Throws<ArgumentException>(() =>
            BatchedDense.Forward(weights, default, input, 4, 0, 4, output, 16, 0, 16, 3, new SharedColumns(0, 2, groupOf, [0, 1]), default)).Message);
    }

    private static float[] Fill(float[] values, Func<float> next)
    {
        for (int i = 0; i < values.Length; i++) values[i] = next();
        return values;
    }

    /// <summary>Equal to float rounding: the shared blocks are summed apart from the other columns.</summary>
    private static void Close(float expected, float actual)
        => Assert.True(Math.Abs(expected - actual) <= 1e-5 * (1 + Math.Abs(expected)), $"expected {expected}, found {actual}");
}
