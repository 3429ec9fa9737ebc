using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Diml.Kernels;

/// <summary>
/// A dense layer applied to a batch of queries at once, which turns the per-query matrix–vector products into
/// matrix–matrix products: the weights are read once per block of queries instead of once per query, and the
/// weight gradient is accumulated once per block instead of once per query. Generated batched kernels call
/// these for every <c>Nn.Dense</c> whose input varies across queries.
/// </summary>
/// <remarks>
/// Query <c>q</c>'s input is <c>input[q·inputStride + inputOffset ..][..cols]</c> and its output
/// <c>output[q·outputStride + outputOffset ..][..rows]</c>, so a slice of a per-query buffer is passed without
/// copying. Every product is one call of <see cref="MultiplyAccumulate"/>, which runs at the widest vector width the
/// hardware accelerates and gives bit-identical results on every width (layers with fewer than 16 outputs take its
/// dot-product form in the forward pass); the bias is written (forward) or summed
/// (adjoint) outside the products.
/// </remarks>
public static class BatchedDense
{
    /// <summary>
    /// Layers with fewer outputs than this run their forward product as dot products along the inputs: a row of
    /// outputs would fill less than one AVX-512 register. Fixed, not per width, so that every width computes the same sums.
    /// </summary>
    private const int NarrowRows = 16;

    /// <summary><c>output_q = W·input_q + bias</c> for every query <c>q &lt; count</c>; <paramref name="bias"/> may be empty.</summary>
    public static void Forward(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> input, int inputStride, int inputOffset, int cols,
        Span<float> output, int outputStride, int outputOffset, int rows, int count)
    {
        Check(weights, rows, cols, input, inputStride, inputOffset, output.Length, outputStride, outputOffset, count);
        if (!bias.IsEmpty && bias.Length != rows) ThrowBarLength(nameof(bias), bias.Length, rows);
        if (count == 0) return;
        // Start every output row at the bias, then accumulate the product.
        for (int q = 0; q < count; q++)
        {
            var row = output.Slice(q * outputStride + outputOffset, rows);
            if (bias.IsEmpty) row.Clear();
            else bias.CopyTo(row);
        }
        if (rows < NarrowRows)
        {
            // Few outputs (the last layer of an MLP): y[q, r] += x_q · W_r, dot products along the inputs.
            MultiplyAccumulate.RunDots(
                ref Unsafe.Add(ref MemoryMarshal.GetReference(input), inputOffset), inputStride,
                ref MemoryMarshal.GetReference(weights), cols,
                ref Unsafe.Add(ref MemoryMarshal.GetReference(output), outputOffset), outputStride,
                count, rows, cols);
            return;
        }
        // y_q += Σ_c x[q, c]·Wᵀ[c, :] with the transposed weights (transposed once per weight update, see TransposeCache).
        var transposed = TransposeCache.Current.Transposed(weights, rows, cols);
        MultiplyAccumulate.Run(
            ref Unsafe.Add(ref MemoryMarshal.GetReference(input), inputOffset), inputStride, 1,
            ref MemoryMarshal.GetReference(transposed), rows,
            ref Unsafe.Add(ref MemoryMarshal.GetReference(output), outputOffset), outputStride,
            count, cols, rows);
    }

    /// <summary>
    /// Adjoint of <see cref="Forward"/>: <c>weightsBar += Σ_q outputBar_q·input_qᵀ</c>, <c>biasBar += Σ_q outputBar_q</c>,
    /// <c>inputBar_q += Wᵀ·outputBar_q</c> (<paramref name="inputBar"/> laid out like <paramref name="input"/>).
    /// An empty bar is one the caller does not need and is skipped.
    /// </summary>
    public static void Adjoint(ReadOnlySpan<float> weights,
        ReadOnlySpan<float> input, int inputStride, int inputOffset, int cols,
        ReadOnlySpan<float> outputBar, int outputStride, int outputOffset, int rows, int count,
        Span<float> weightsBar, Span<float> biasBar, Span<float> inputBar)
        => Adjoint(weights, input, inputStride, inputOffset, cols, outputBar, outputStride, outputOffset, rows, count,
            weightsBar, biasBar, inputBar, 0, cols);

    /// <summary>
    /// <see cref="Adjoint(ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, ReadOnlySpan{float}, int, int, int, int, Span{float}, Span{float}, Span{float})"/>
    /// with each query's input adjoint over the window of columns <c>[inputBarStart, inputBarStart + inputBarCols)</c> only
    /// (still laid out like <paramref name="input"/>): the generator asks for this when the reverse sweep reads only part
    /// of the input's adjoint, such as a first layer's active columns beside its data columns, so the product into the
    /// rest is not computed at all.
    /// </summary>
    public static void Adjoint(ReadOnlySpan<float> weights,
        ReadOnlySpan<float> input, int inputStride, int inputOffset, int cols,
        ReadOnlySpan<float> outputBar, int outputStride, int outputOffset, int rows, int count,
        Span<float> weightsBar, Span<float> biasBar, Span<float> inputBar, int inputBarStart, int inputBarCols)
    {
        if (inputBarStart < 0 || inputBarCols < 0 || inputBarStart + inputBarCols > cols)
            throw new ArgumentOutOfRangeException(nameof(inputBarStart), inputBarStart,
                $"inputBarStart, inputBarCols: expected a window within the {cols} input columns; found {inputBarStart} + {inputBarCols}.");
        Check(weights, rows, cols, input, inputStride, inputOffset, outputBar.Length, outputStride, outputOffset, count);
        if (!weightsBar.IsEmpty && weightsBar.Length != rows * cols) ThrowBarLength(nameof(weightsBar), weightsBar.Length, rows * cols);
        if (!biasBar.IsEmpty && biasBar.Length != rows) ThrowBarLength(nameof(biasBar), biasBar.Length, rows);
        if (!inputBar.IsEmpty && inputBar.Length < input.Length) ThrowInputBarLength(inputBar.Length, input.Length);
        if (count == 0) return;

        ref float g = ref Unsafe.Add(ref MemoryMarshal.GetReference(outputBar), outputOffset);
        if (!biasBar.IsEmpty)
            for (int q = 0; q < count; q++)
                System.Numerics.Tensors.TensorPrimitives.Add(biasBar, outputBar.Slice(q * outputStride + outputOffset, rows), biasBar);
        // weightsBar[r, :] += Σ_q g[q, r]·x_q  (A = gᵀ), inputBar_q += Σ_r g[q, r]·W[r, :]  (A = g).
        if (!weightsBar.IsEmpty)
            MultiplyAccumulate.Run(ref g, 1, outputStride,
                ref Unsafe.Add(ref MemoryMarshal.GetReference(input), inputOffset), inputStride,
                ref MemoryMarshal.GetReference(weightsBar), cols, rows, count, cols);
        if (!inputBar.IsEmpty && inputBarCols > 0)
            MultiplyAccumulate.Run(ref g, outputStride, 1,
                ref Unsafe.Add(ref MemoryMarshal.GetReference(weights), inputBarStart), cols,
                ref Unsafe.Add(ref MemoryMarshal.GetReference(inputBar), inputOffset + inputBarStart), inputStride, count, rows, inputBarCols);
    }

    /// <summary>The shapes every entry point checks before touching memory through unchecked references.</summary>
    private static void Check(ReadOnlySpan<float> weights, int rows, int cols, ReadOnlySpan<float> input, int inputStride, int inputOffset,
        int outputLength, int outputStride, int outputOffset, int count)
    {
        if (count < 0) ThrowNegativeCount(count);
        if (rows < 0 || cols < 0 || weights.Length != (long)rows * cols) ThrowWeightsLength(weights.Length, rows, cols);
        if (count == 0) return;
        if (inputOffset < 0 || inputOffset + cols > inputStride || (long)(count - 1) * inputStride + inputOffset + cols > input.Length)
            ThrowDoesNotFit("input", input.Length, count, inputStride, cols, "columns", inputOffset);
        if (outputOffset < 0 || outputOffset + rows > outputStride || (long)(count - 1) * outputStride + outputOffset + rows > outputLength)
            ThrowDoesNotFit("output", outputLength, count, outputStride, rows, "rows", outputOffset);
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNegativeCount(int count) =>
        throw new ArgumentOutOfRangeException(nameof(count), count, $"count: expected a query count ≥ 0; found {count}.");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowWeightsLength(int length, int rows, int cols) =>
        throw new ArgumentException($"weights has length {length}; expected {(long)rows * cols} (rows × cols = {rows} × {cols}).", "weights");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowBarLength(string name, int length, int expected) =>
        throw new ArgumentException($"{name} has length {length}; expected {expected} or 0.", name);

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowInputBarLength(int length, int inputLength) =>
        throw new ArgumentException($"inputBar has length {length}; expected at least {inputLength} (the input's length) or 0.", "inputBar");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowDoesNotFit(string name, int length, int count, int stride, int width, string what, int offset) =>
        throw new ArgumentException($"{name} has length {length}; {count} queries of stride {stride} with {width} {what} at offset {offset} do not fit.", name);
}
