namespace Diml.Runtime.Tests.Kernels;

/// <summary>Embedding lookups and their adjoint.</summary>
public class EmbeddingTests
{
    public static TheoryData<int, int, int> Cases() => new()
    {
        // rows, width, index
        { 1, 1, 0 }, { 3, 4, 0 }, { 3, 4, 2 }, { 5, 17, 3 }, { 10, 33, 9 }, { 4, 70, 1 },
    };

    private static PrimitiveFunction EmbeddingFunction(int rows, int width, int index) => new("Nn.Embedding", rows * width, width,
        (table, y) => Nn.Embedding(table, index, y),
        (table, g, tableBar) => { var y = new double[width]; Nn.Embedding(table, index, y); Nn.EmbeddingAdjoint(table, index, y, g, tableBar); },
        (table, y) => Nn.Embedding(table, index, y),
        (table, g, tableBar) => { var y = new float[width]; Nn.Embedding(table, index, y); Nn.EmbeddingAdjoint(table, index, y, g, tableBar); });

    [Theory]
    [MemberData(nameof(Cases))]
    public void EmbeddingAdjoint_MatchesFiniteDifferences(int rows, int width, int index) =>
        EmbeddingFunction(rows, width, index).AssertGradientMatches(KernelTestData.Uniform(rows * width, seed: rows * 100 + width));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Embedding_CopiesTheRow_FromFlatAndTwoDimensionalTables(int rows, int width, int index)
    {
        var flat = KernelTestData.ToFloat(KernelTestData.Uniform(rows * width, seed: 3));
        var matrix = new float[rows, width];
        Buffer.BlockCopy(flat, 0, matrix, 0, flat.Length * sizeof(float));
        var output = new float[width];
        Nn.Embedding(flat, index, output);
        Assert.Equal(flat.AsSpan(index * width, width).ToArray(), output);
        var fromMatrix = new float[width];
        Nn.Embedding(matrix, index, fromMatrix);
        Assert.Equal(output, fromMatrix);

        var flatDouble = Array.ConvertAll(flat, v => (double)v);
        var outputDouble = new double[width];
        Nn.Embedding(flatDouble, index, outputDouble);
        KernelTestData.AssertClose(outputDouble, output, 0);
    }

    [Fact]
    public void EmbeddingAdjoint_AddsIntoThatRowOnly_AndAccumulates()
    {
        float[,] table = { { 1, 2 }, { 3, 4 }, { 5, 6 } };
        var output = new float[2];
        Nn.Embedding(table, 1, output);
        Assert.Equal([3f, 4f], output);

        float[] tableBar = [10, 10, 10, 10, 10, 10];
        Nn.EmbeddingAdjoint(table, 1, output, [0.5f, -2], tableBar);
        Assert.Equal([10, 10, 10.5f, 8, 10, 10], tableBar);
        Nn.EmbeddingAdjoint(table, 1, output, [0.5f, -2], tableBar);
        Assert.Equal([10, 10, 11, 6, 10, 10], tableBar);

        var tableBarDouble = new double[6];
        Nn.EmbeddingAdjoint(new double[6], 2, new double[2], [1.0, 2.0], tableBarDouble);
        Assert.Equal([0, 0, 0, 0, 1, 2], tableBarDouble);
    }

    [Fact]
    public void Embedding_ThrowsNamingTheArgument_WhenIndexOrShapeIsWrong()
    {
        var tooLarge = Assert.Throws<ArgumentOutOfRangeException>(() => Nn.Embedding(new float[12], 3, new float[4]));
        Assert.Equal("index", tooLarge.ParamName);
        Assert.Contains("index is 3; expected 0 ≤ index < 3", tooLarge.Message);

        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => Nn.Embedding(new double[3, 4], -1, new double[4]));
        Assert.Equal("index", negative.ParamName);

        var ragged = Assert.Throws<ArgumentException>(() => Nn.Embedding(new float[10], 0, new float[4]));
        Assert.Equal("table", ragged.ParamName);
        Assert.Contains("length 10; expected a multiple of the row width 4", ragged.Message);

        var columns = Assert.Throws<ArgumentException>(() => Nn.Embedding(new float[3, 5], 0, new float[4]));
        Assert.Equal("table", columns.ParamName);
        Assert.Contains("5 columns; expected 4 (output.Length)", columns.Message);

        var bar = Assert.Throws<ArgumentException>(() => Nn.EmbeddingAdjoint(new float[12], 0, new float[4], new float[4], new float[8]));
        Assert.Equal("tableBar", bar.ParamName);
        Assert.Contains("length 8; expected 12", bar.Message);

        var outputBar = Assert.Throws<ArgumentException>(() => Nn.EmbeddingAdjoint(new float[12], 0, new float[4], new float[3], new float[12]));
        Assert.Equal("outputBar", outputBar.ParamName);

        Assert.Throws<ArgumentNullException>(() => Nn.Embedding((float[,])null!, 0, new float[4]));
    }

    [Fact]
    public void Embedding_DoesNotAllocate()
    {
        var table = new float[8 * 19];
        var matrix = new float[8, 19];
        var output = new float[19];
        var tableBar = new float[8 * 19];
        var tableD = new double[8 * 19];
        var outputD = new double[19];
        var tableBarD = new double[8 * 19];
        long bytes = KernelTestData.AllocatedBytes(() =>
        {
            Nn.Embedding(table, 5, output);
            Nn.EmbeddingAdjoint(table, 5, output, output, tableBar);
            Nn.Embedding(matrix, 7, output);
            Nn.EmbeddingAdjoint(matrix, 7, output, output, tableBar);
            Nn.Embedding(tableD, 2, outputD);
            Nn.EmbeddingAdjoint(tableD, 2, outputD, outputD, tableBarD);
        });
        Assert.Equal(0, bytes);
    }
}
