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
    /// <see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, Span{float}, int, int, int, int)"/>
    /// where the input columns <c>[sharedStart, sharedStart + sharedCols)</c> are the same for every query of a run
    /// (<paramref name="runStarts"/>: the first query of each run, then <paramref name="count"/>; see <see cref="BatchRuns"/>):
    /// their part of the product is computed once per run, from the run's first query, and added to every query of the run.
    /// The generator calls this for a layer whose input holds a block that does not depend on the counterfactual own action.
    /// </summary>
    /// <remarks>
    /// Each output is <c>(bias + Σ over the other columns) + Σ over the shared columns</c>, each sum in order of the
    /// columns, so a query's result depends on the query alone — not on the batch or the run it is in — and is
    /// bit-identical on every vector width. It differs from the unsplit product only in rounding.
    /// </remarks>
    public static void Forward(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> input, int inputStride, int inputOffset, int cols,
        Span<float> output, int outputStride, int outputOffset, int rows, int count,
        ReadOnlySpan<int> runStarts, int sharedStart, int sharedCols)
    {
        if (sharedStart < 0 || sharedCols < 0 || sharedStart + sharedCols > cols)
            throw new ArgumentOutOfRangeException(nameof(sharedStart), sharedStart,
                $"sharedStart, sharedCols: expected a window within the {cols} input columns; found {sharedStart} + {sharedCols}.");
        CheckRuns(runStarts, count);
        if (rows < NarrowRows || sharedCols == 0)
        {
            // A narrow layer takes the dot-product form (a property of the layer, so again the same for every batch).
            Forward(weights, bias, input, inputStride, inputOffset, cols, output, outputStride, outputOffset, rows, count);
            return;
        }
        Check(weights, rows, cols, input, inputStride, inputOffset, output.Length, outputStride, outputOffset, count);
        if (!bias.IsEmpty && bias.Length != rows) ThrowBarLength(nameof(bias), bias.Length, rows);
        for (int q = 0; q < count; q++)
        {
            var row = output.Slice(q * outputStride + outputOffset, rows);
            if (bias.IsEmpty) row.Clear();
            else bias.CopyTo(row);
        }
        // Column c of W is row c of Wᵀ, so a window of columns is a contiguous block of the transposed weights.
        var transposed = TransposeCache.Current.Transposed(weights, rows, cols);
        ref float x = ref Unsafe.Add(ref MemoryMarshal.GetReference(input), inputOffset);
        ref float wt = ref MemoryMarshal.GetReference(transposed);
        ref float y = ref Unsafe.Add(ref MemoryMarshal.GetReference(output), outputOffset);
        int sharedEnd = sharedStart + sharedCols;
        if (sharedStart > 0)
            MultiplyAccumulate.Run(ref x, inputStride, 1, ref wt, rows, ref y, outputStride, count, sharedStart, rows);
        if (sharedEnd < cols)
            MultiplyAccumulate.Run(ref Unsafe.Add(ref x, sharedEnd), inputStride, 1, ref Unsafe.Add(ref wt, sharedEnd * rows), rows,
                ref y, outputStride, count, cols - sharedEnd, rows);

        // The shared columns of each run's first query, side by side, times their block of Wᵀ: one product over the runs.
        int runs = runStarts.Length - 1;
        var arena = BatchArena.Current;
        var mark = arena.Mark();
        var shared = arena.FloatsToOverwrite(runs * sharedCols);
        var sums = arena.Floats(runs * rows);
        for (int r = 0; r < runs; r++)
            input.Slice(runStarts[r] * inputStride + inputOffset + sharedStart, sharedCols).CopyTo(shared.Slice(r * sharedCols, sharedCols));
        MultiplyAccumulate.Run(ref MemoryMarshal.GetReference(shared), sharedCols, 1, ref Unsafe.Add(ref wt, sharedStart * rows), rows,
            ref MemoryMarshal.GetReference(sums), rows, runs, sharedCols, rows);
        for (int r = 0; r < runs; r++)
        {
            var sum = sums.Slice(r * rows, rows);
            for (int q = runStarts[r]; q < runStarts[r + 1]; q++)
            {
                var row = output.Slice(q * outputStride + outputOffset, rows);
                System.Numerics.Tensors.TensorPrimitives.Add(row, sum, row);
            }
        }
        arena.Release(mark);
    }

    /// <summary>
    /// <c>weightsBar[:, shared] += Σ_r (Σ_{q in r} g_q)·x_r[shared]ᵀ</c>: each run's output adjoints summed (in order of the
    /// queries), then one product over the runs with their first queries' shared columns.
    /// </summary>
    private static void SharedWeightsBar(ReadOnlySpan<float> input, int inputStride, int inputOffset,
        ReadOnlySpan<float> outputBar, int outputStride, int outputOffset, int rows,
        ReadOnlySpan<int> runStarts, int sharedStart, int sharedCols, ref float weightsBar, int weightsRow)
    {
        int runs = runStarts.Length - 1;
        var arena = BatchArena.Current;
        var mark = arena.Mark();
        var shared = arena.FloatsToOverwrite(runs * sharedCols);
        var sums = arena.Floats(runs * rows);
        for (int r = 0; r < runs; r++)
        {
            input.Slice(runStarts[r] * inputStride + inputOffset + sharedStart, sharedCols).CopyTo(shared.Slice(r * sharedCols, sharedCols));
            var sum = sums.Slice(r * rows, rows);
            for (int q = runStarts[r]; q < runStarts[r + 1]; q++)
                System.Numerics.Tensors.TensorPrimitives.Add(sum, outputBar.Slice(q * outputStride + outputOffset, rows), sum);
        }
        MultiplyAccumulate.Run(ref MemoryMarshal.GetReference(sums), 1, rows, ref MemoryMarshal.GetReference(shared), sharedCols,
            ref weightsBar, weightsRow, rows, runs, sharedCols);
        arena.Release(mark);
    }

    /// <summary>Runs must start at query 0, end at <paramref name="count"/> and be non-empty, in order.</summary>
    private static void CheckRuns(ReadOnlySpan<int> runStarts, int count)
    {
        if (runStarts.Length == 0 || runStarts[0] != 0 || runStarts[^1] != count)
            throw new ArgumentException($"runStarts: expected the first query of each run from 0, then the count {count}; found {runStarts.Length} entries.", nameof(runStarts));
        for (int r = 1; r < runStarts.Length; r++)
            if (runStarts[r] <= runStarts[r - 1])
                throw new ArgumentException($"runStarts: expected increasing starts; found {runStarts[r - 1]} then {runStarts[r]} at entry {r}.", nameof(runStarts));
    }

    /// <summary>
    /// Adjoint of <see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, Span{float}, int, int, int, int)"/>: <c>weightsBar += Σ_q outputBar_q·input_qᵀ</c>, <c>biasBar += Σ_q outputBar_q</c>,
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
        => Adjoint(weights, input, inputStride, inputOffset, cols, outputBar, outputStride, outputOffset, rows, count,
            weightsBar, biasBar, inputBar, inputBarStart, inputBarCols, default, 0, 0);

    /// <summary>
    /// The adjoint of the forward with runs (<see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, Span{float}, int, int, int, int, ReadOnlySpan{int}, int, int)"/>):
    /// the windowed adjoint above, with the weight gradient of the shared columns <c>[sharedStart, sharedStart + sharedCols)</c>
    /// accumulated once per run — <c>Σ_r (Σ_{q in r} outputBar_q)·x_rᵀ</c>, the run's summed output adjoint times its
    /// shared columns — instead of once per query. With <paramref name="sharedCols"/> 0 (and no runs) it is the windowed adjoint.
    /// </summary>
    public static void Adjoint(ReadOnlySpan<float> weights,
        ReadOnlySpan<float> input, int inputStride, int inputOffset, int cols,
        ReadOnlySpan<float> outputBar, int outputStride, int outputOffset, int rows, int count,
        Span<float> weightsBar, Span<float> biasBar, Span<float> inputBar, int inputBarStart, int inputBarCols,
        ReadOnlySpan<int> runStarts, int sharedStart, int sharedCols)
    {
        if (sharedStart < 0 || sharedCols < 0 || sharedStart + sharedCols > cols)
            throw new ArgumentOutOfRangeException(nameof(sharedStart), sharedStart,
                $"sharedStart, sharedCols: expected a window within the {cols} input columns; found {sharedStart} + {sharedCols}.");
        if (sharedCols > 0) CheckRuns(runStarts, count);
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
        {
            ref float x = ref Unsafe.Add(ref MemoryMarshal.GetReference(input), inputOffset);
            ref float wBar = ref MemoryMarshal.GetReference(weightsBar);
            if (sharedCols == 0)
                MultiplyAccumulate.Run(ref g, 1, outputStride, ref x, inputStride, ref wBar, cols, rows, count, cols);
            else
            {
                int sharedEnd = sharedStart + sharedCols;
                if (sharedStart > 0)
                    MultiplyAccumulate.Run(ref g, 1, outputStride, ref x, inputStride, ref wBar, cols, rows, count, sharedStart);
                if (sharedEnd < cols)
                    MultiplyAccumulate.Run(ref g, 1, outputStride, ref Unsafe.Add(ref x, sharedEnd), inputStride,
                        ref Unsafe.Add(ref wBar, sharedEnd), cols, rows, count, cols - sharedEnd);
                SharedWeightsBar(input, inputStride, inputOffset, outputBar, outputStride, outputOffset, rows, runStarts, sharedStart, sharedCols,
                    ref Unsafe.Add(ref wBar, sharedStart), cols);
            }
        }
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
