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
/// dot-product form in the forward pass). In the forward the products start from the bias row itself (the first product
/// writing a row reads its initial value from the bias, not from a copy of it in every row); the adjoint sums the bias's
/// gradient outside the products.
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
        if (rows < NarrowRows || bias.IsEmpty) StartAtBias(bias, output, outputStride, outputOffset, rows, count);
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
        // y_q = bias + Σ_c x[q, c]·Wᵀ[c, :] with the transposed weights (transposed once per weight update, see TransposeCache);
        // the products start from the bias row itself rather than from a copy of it in every query's row.
        var transposed = TransposeCache.Current.Transposed(weights, rows, cols);
        ref float y = ref Unsafe.Add(ref MemoryMarshal.GetReference(output), outputOffset);
        bool fromBias = !bias.IsEmpty;
        MultiplyAccumulate.Run(
            ref Unsafe.Add(ref MemoryMarshal.GetReference(input), inputOffset), inputStride, 1,
            ref MemoryMarshal.GetReference(transposed), rows,
            ref y, ref fromBias ? ref MemoryMarshal.GetReference(bias) : ref y, outputStride, fromBias ? 0 : outputStride,
            count, cols, rows);
    }

    /// <summary>
    /// <see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, Span{float}, int, int, int, int)"/>
    /// where up to two disjoint blocks of input columns are each equal for every query of a group (<see cref="SharedColumns"/>;
    /// <c>default</c> for none): a block's part of the product is computed once per group, from the group's first query, and
    /// added to every query of the group. The generator calls this for a layer whose input holds a block that does not
    /// depend on the counterfactual own action (grouped by runs of equal counts) or depends on it alone (grouped by own action).
    /// </summary>
    /// <remarks>
    /// Each output is <c>((bias + Σ over the other columns) + Σ over the first block) + Σ over the second block</c>, each sum
    /// in order of the columns, so a query's result depends on the query alone — not on the batch or the group it is in —
    /// and is bit-identical on every vector width. It differs from the unsplit product only in rounding.
    /// </remarks>
    public static void Forward(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> input, int inputStride, int inputOffset, int cols,
        Span<float> output, int outputStride, int outputOffset, int rows, int count,
        SharedColumns first, SharedColumns second)
    {
        CheckBlocks(first, second, cols, count);
        if (rows < NarrowRows || first.Columns + second.Columns == 0)
        {
            // A narrow layer takes the dot-product form (a property of the layer, so again the same for every batch).
            Forward(weights, bias, input, inputStride, inputOffset, cols, output, outputStride, outputOffset, rows, count);
            return;
        }
        Check(weights, rows, cols, input, inputStride, inputOffset, output.Length, outputStride, outputOffset, count);
        if (!bias.IsEmpty && bias.Length != rows) ThrowBarLength(nameof(bias), bias.Length, rows);
        if (count == 0) return;
        // Without a bias the rows start at zero; with one, the first product writing a row starts from the bias row itself.
        bool started = bias.IsEmpty;
        if (started) StartAtBias(bias, output, outputStride, outputOffset, rows, count);
        // Column c of W is row c of Wᵀ, so a window of columns is a contiguous block of the transposed weights.
        var transposed = TransposeCache.Current.Transposed(weights, rows, cols);
        ref float x = ref Unsafe.Add(ref MemoryMarshal.GetReference(input), inputOffset);
        ref float wt = ref MemoryMarshal.GetReference(transposed);
        ref float y = ref Unsafe.Add(ref MemoryMarshal.GetReference(output), outputOffset);
        // The columns in neither block, per query.
        Span<int> other = stackalloc int[6];
        OtherColumns(cols, first, second, other);
        for (int w = 0; w < 6; w += 2)
            if (other[w + 1] > other[w])
            {
                MultiplyAccumulate.Run(ref Unsafe.Add(ref x, other[w]), inputStride, 1, ref Unsafe.Add(ref wt, other[w] * rows), rows,
                    ref y, ref started ? ref y : ref MemoryMarshal.GetReference(bias), outputStride, started ? outputStride : 0,
                    count, other[w + 1] - other[w], rows);
                started = true;
            }
        AddBlock(input, inputStride, inputOffset, transposed, output, outputStride, outputOffset, rows, count, first, started ? default : bias);
        started |= first.Columns > 0;
        AddBlock(input, inputStride, inputOffset, transposed, output, outputStride, outputOffset, rows, count, second, started ? default : bias);
    }

    /// <summary>Starts every query's output row at the bias (at zero without one); the products then accumulate into it.</summary>
    private static void StartAtBias(ReadOnlySpan<float> bias, Span<float> output, int outputStride, int outputOffset, int rows, int count)
    {
        for (int q = 0; q < count; q++)
        {
            var row = output.Slice(q * outputStride + outputOffset, rows);
            if (bias.IsEmpty) row.Clear();
            else bias.CopyTo(row);
        }
    }

    /// <summary>The block's columns of each group's first query, side by side (one row of <c>block.Columns</c> per group), in <paramref name="arena"/>.</summary>
    private static Span<float> GatherLeaders(BatchArena arena, ReadOnlySpan<float> input, int inputStride, int inputOffset, SharedColumns block)
    {
        var shared = arena.FloatsToOverwrite(block.Leaders.Length * block.Columns);
        for (int g = 0; g < block.Leaders.Length; g++)
            input.Slice(block.Leaders[g] * inputStride + inputOffset + block.Start, block.Columns).CopyTo(shared.Slice(g * block.Columns, block.Columns));
        return shared;
    }

    /// <summary>The three windows of columns around two disjoint blocks, <c>[start, end)</c> pairs in order (some empty).</summary>
    private static void OtherColumns(int cols, SharedColumns first, SharedColumns second, Span<int> windows)
    {
        int aStart = first.Columns == 0 ? cols : first.Start, aEnd = first.Columns == 0 ? cols : first.End;
        int bStart = second.Columns == 0 ? cols : second.Start, bEnd = second.Columns == 0 ? cols : second.End;
        if (bStart < aStart) (aStart, aEnd, bStart, bEnd) = (bStart, bEnd, aStart, aEnd);
        windows[0] = 0; windows[1] = aStart;
        windows[2] = aEnd; windows[3] = bStart;
        windows[4] = bEnd; windows[5] = cols;
    }

    /// <summary>
    /// A block's columns of each group's first query, side by side, times their rows of Wᵀ: one product over the groups,
    /// added to every member — or, with <paramref name="bias"/>, written as <c>bias + product</c> into rows nothing has
    /// written yet.
    /// </summary>
    private static void AddBlock(ReadOnlySpan<float> input, int inputStride, int inputOffset, ReadOnlySpan<float> transposed,
        Span<float> output, int outputStride, int outputOffset, int rows, int count, SharedColumns block, ReadOnlySpan<float> bias)
    {
        if (block.Columns == 0) return;
        int groups = block.Leaders.Length;
        var arena = BatchArena.Current;
        var mark = arena.Mark();
        var shared = GatherLeaders(arena, input, inputStride, inputOffset, block);
        // Every group's sums start from one row of zeros instead of a cleared copy per group.
        var zeros = arena.Floats(rows);
        var sums = arena.FloatsToOverwrite(groups * rows);
        MultiplyAccumulate.Run(ref MemoryMarshal.GetReference(shared), block.Columns, 1,
            ref Unsafe.Add(ref MemoryMarshal.GetReference(transposed), block.Start * rows), rows,
            ref MemoryMarshal.GetReference(sums), ref MemoryMarshal.GetReference(zeros), rows, 0, groups, block.Columns, rows);
        for (int q = 0; q < count; q++)
        {
            var row = output.Slice(q * outputStride + outputOffset, rows);
            System.Numerics.Tensors.TensorPrimitives.Add(bias.IsEmpty ? row : bias, sums.Slice(block.GroupOf[q] * rows, rows), row);
        }
        arena.Release(mark);
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
            weightsBar, biasBar, inputBar, inputBarStart, inputBarCols, default, default);

    /// <summary>
    /// The adjoint of the forward with shared blocks (<see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, Span{float}, int, int, int, int, SharedColumns, SharedColumns)"/>):
    /// the windowed adjoint above, with the weight gradient of each block accumulated once per group —
    /// <c>Σ_g (Σ_{q in g} outputBar_q)·x_gᵀ</c>, the group's summed output adjoint times its block of columns — instead of
    /// once per query. The input adjoint stays per query. With two <c>default</c> blocks it is the windowed adjoint.
    /// </summary>
    public static void Adjoint(ReadOnlySpan<float> weights,
        ReadOnlySpan<float> input, int inputStride, int inputOffset, int cols,
        ReadOnlySpan<float> outputBar, int outputStride, int outputOffset, int rows, int count,
        Span<float> weightsBar, Span<float> biasBar, Span<float> inputBar, int inputBarStart, int inputBarCols,
        SharedColumns first, SharedColumns second)
    {
        CheckBlocks(first, second, cols, count);
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
            // The columns in neither block, per query; each block once per group.
            Span<int> other = stackalloc int[6];
            OtherColumns(cols, first, second, other);
            for (int w = 0; w < 6; w += 2)
                if (other[w + 1] > other[w])
                    MultiplyAccumulate.Run(ref g, 1, outputStride, ref Unsafe.Add(ref x, other[w]), inputStride,
                        ref Unsafe.Add(ref wBar, other[w]), cols, rows, count, other[w + 1] - other[w]);
            if (first.Columns > 0) BlockWeightsBar(input, inputStride, inputOffset, outputBar, outputStride, outputOffset, rows, count, first, ref wBar, cols);
            if (second.Columns > 0) BlockWeightsBar(input, inputStride, inputOffset, outputBar, outputStride, outputOffset, rows, count, second, ref wBar, cols);
        }
        if (!inputBar.IsEmpty && inputBarCols > 0)
            MultiplyAccumulate.Run(ref g, outputStride, 1,
                ref Unsafe.Add(ref MemoryMarshal.GetReference(weights), inputBarStart), cols,
                ref Unsafe.Add(ref MemoryMarshal.GetReference(inputBar), inputOffset + inputBarStart), inputStride, count, rows, inputBarCols);
    }

    /// <summary>
    /// <c>weightsBar[:, block] += Σ_g (Σ_{q in g} g_q)·x_g[block]ᵀ</c>: each group's output adjoints summed (in order of the
    /// queries), then one product over the groups with their first queries' block of columns.
    /// </summary>
    private static void BlockWeightsBar(ReadOnlySpan<float> input, int inputStride, int inputOffset,
        ReadOnlySpan<float> outputBar, int outputStride, int outputOffset, int rows, int count, SharedColumns block, ref float weightsBar, int weightsRow)
    {
        int groups = block.Leaders.Length;
        var arena = BatchArena.Current;
        var mark = arena.Mark();
        var shared = GatherLeaders(arena, input, inputStride, inputOffset, block);
        var sums = arena.Floats(groups * rows);
        for (int q = 0; q < count; q++)
        {
            var sum = sums.Slice(block.GroupOf[q] * rows, rows);
            System.Numerics.Tensors.TensorPrimitives.Add(sum, outputBar.Slice(q * outputStride + outputOffset, rows), sum);
        }
        MultiplyAccumulate.Run(ref MemoryMarshal.GetReference(sums), 1, rows, ref MemoryMarshal.GetReference(shared), block.Columns,
            ref Unsafe.Add(ref weightsBar, block.Start), weightsRow, rows, groups, block.Columns);
        arena.Release(mark);
    }

    /// <summary>Each block within the columns, the two disjoint, every query in a group, every group led by one of its queries.</summary>
    private static void CheckBlocks(SharedColumns first, SharedColumns second, int cols, int count)
    {
        CheckWithin(first, cols, nameof(first));
        CheckWithin(second, cols, nameof(second));
        if (first.Columns > 0 && second.Columns > 0 && first.Start < second.End && second.Start < first.End)
            throw new ArgumentException($"first, second: expected disjoint blocks; found [{first.Start}, {first.End}) and [{second.Start}, {second.End}).", nameof(second));
        CheckGroups(first, count, "first");
        CheckGroups(second, count, "second");
    }

    private static void CheckWithin(SharedColumns block, int cols, string name)
    {
        if (block.Start < 0 || block.Columns < 0 || block.Start + block.Columns > cols)
            throw new ArgumentOutOfRangeException(name, block.Start,
                $"{name}: expected a block of columns within the {cols} input columns; found {block.Start} + {block.Columns}.");
    }

    private static void CheckGroups(SharedColumns block, int count, string name)
    {
        if (block.Columns == 0) return;
        if (block.GroupOf.Length < count)
            throw new ArgumentException($"{name}: expected the group of each of the {count} queries; found {block.GroupOf.Length}.", name);
        int groups = block.Leaders.Length;
        for (int q = 0; q < count; q++)
            if ((uint)block.GroupOf[q] >= (uint)groups || block.GroupOf[block.Leaders[block.GroupOf[q]]] != block.GroupOf[q])
                throw new ArgumentException($"{name}: query {q} is in group {block.GroupOf[q]}, which is not one of the {groups} groups led by one of their queries.", name);
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
