using System.Numerics.Tensors;

namespace Diml;

// Embedding lookup: one row of a row-major table.
public static partial class Nn
{
    /// <summary>
    /// Copies row <paramref name="index"/> of <paramref name="table"/>, a row-major table whose rows are
    /// <c>output.Length</c> wide, into <paramref name="output"/>. The index is a constant (not differentiated).
    /// </summary>
    [CustomAdjoint(nameof(EmbeddingAdjoint), ReadsOutputs = false)]
    public static void Embedding(ReadOnlySpan<float> table, int index, Span<float> output)
    {
        CheckEmbedding(table, index, output.Length);
        table.Slice(index * output.Length, output.Length).CopyTo(output);
    }

    /// <inheritdoc cref="Embedding(ReadOnlySpan{float}, int, Span{float})"/>
    [CustomAdjoint(nameof(EmbeddingAdjoint), ReadsOutputs = false)]
    public static void Embedding(ReadOnlySpan<double> table, int index, Span<double> output)
    {
        CheckEmbedding(table, index, output.Length);
        table.Slice(index * output.Length, output.Length).CopyTo(output);
    }

    /// <summary>
    /// Row <paramref name="index"/> of a <c>[rows, output.Length]</c> array, so that a <c>[Param] float[,]</c>
    /// field can be passed as is.
    /// </summary>
    [CustomAdjoint(nameof(EmbeddingAdjoint), ReadsOutputs = false)]
    public static void Embedding(float[,] table, int index, Span<float> output)
    {
        CheckTable(table, index, output.Length);
        Embedding(Flat(table), index, output);
    }

    /// <inheritdoc cref="Embedding(float[,], int, Span{float})"/>
    [CustomAdjoint(nameof(EmbeddingAdjoint), ReadsOutputs = false)]
    public static void Embedding(double[,] table, int index, Span<double> output)
    {
        CheckTable(table, index, output.Length);
        Embedding(Flat(table), index, output);
    }

    /// <summary>
    /// Adjoint of <see cref="Embedding(ReadOnlySpan{float}, int, Span{float})"/>: adds
    /// <paramref name="outputBar"/> into row <paramref name="index"/> of <paramref name="tableBar"/>; other rows
    /// are untouched. An empty <paramref name="tableBar"/> (not needed) is skipped.
    /// </summary>
    public static void EmbeddingAdjoint(ReadOnlySpan<float> table, int index, ReadOnlySpan<float> output, ReadOnlySpan<float> outputBar, Span<float> tableBar)
    {
        CheckEmbeddingAdjoint(table, index, output, outputBar, tableBar);
        // An empty tableBar means the caller does not need the table's adjoint.
        if (tableBar.IsEmpty) return;
        var row = tableBar.Slice(index * output.Length, output.Length);
        TensorPrimitives.Add(row, outputBar, row);
    }

    /// <inheritdoc cref="EmbeddingAdjoint(ReadOnlySpan{float}, int, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
    public static void EmbeddingAdjoint(ReadOnlySpan<double> table, int index, ReadOnlySpan<double> output, ReadOnlySpan<double> outputBar, Span<double> tableBar)
    {
        CheckEmbeddingAdjoint(table, index, output, outputBar, tableBar);
        // An empty tableBar means the caller does not need the table's adjoint.
        if (tableBar.IsEmpty) return;
        var row = tableBar.Slice(index * output.Length, output.Length);
        TensorPrimitives.Add(row, outputBar, row);
    }

    /// <summary>
    /// Adjoint of <see cref="Embedding(float[,], int, Span{float})"/>; <paramref name="tableBar"/> is row-major
    /// like the array (a slice of the flat gradient vector).
    /// </summary>
    public static void EmbeddingAdjoint(float[,] table, int index, ReadOnlySpan<float> output, ReadOnlySpan<float> outputBar, Span<float> tableBar)
    {
        CheckTable(table, index, output.Length);
        EmbeddingAdjoint(Flat(table), index, output, outputBar, tableBar);
    }

    /// <inheritdoc cref="EmbeddingAdjoint(float[,], int, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
    public static void EmbeddingAdjoint(double[,] table, int index, ReadOnlySpan<double> output, ReadOnlySpan<double> outputBar, Span<double> tableBar)
    {
        CheckTable(table, index, output.Length);
        EmbeddingAdjoint(Flat(table), index, output, outputBar, tableBar);
    }

    private static void CheckTable(Array table, int index, int width)
    {
        ArgumentNullException.ThrowIfNull(table);
        KernelGuard.Dimension(table, 1, width, nameof(table), "output.Length");
        KernelGuard.Index(index, table.GetLength(0), nameof(index));
    }

    private static void CheckEmbedding<T>(ReadOnlySpan<T> table, int index, int width)
    {
        KernelGuard.WholeRows(table.Length, width, nameof(table), "output.Length");
        // With zero-width rows the row count is unknowable; any non-negative index names an empty row.
        KernelGuard.Index(index, width == 0 ? int.MaxValue : table.Length / width, nameof(index));
    }

    private static void CheckEmbeddingAdjoint<T>(ReadOnlySpan<T> table, int index, ReadOnlySpan<T> output, ReadOnlySpan<T> outputBar, Span<T> tableBar)
    {
        CheckEmbedding(table, index, output.Length);
        KernelGuard.Length(outputBar.Length, output.Length, nameof(outputBar));
        KernelGuard.BarLength(tableBar.Length, table.Length, nameof(tableBar));
    }
}
