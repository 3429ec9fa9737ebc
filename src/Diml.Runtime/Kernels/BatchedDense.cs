using System.Numerics;
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
/// copying. Tiles of 4 queries × 4 rows keep 16 accumulators in registers.
/// </remarks>
public static class BatchedDense
{
    private const int Tile = 4;

    /// <summary><c>output_q = W·input_q + bias</c> for every query <c>q &lt; count</c>; <paramref name="bias"/> may be empty.</summary>
    public static void Forward(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> input, int inputStride, int inputOffset, int cols,
        Span<float> output, int outputStride, int outputOffset, int rows, int count)
    {
        Check(weights, rows, cols, input, inputStride, inputOffset, output.Length, outputStride, outputOffset, count);
        if (count == 0) return;
        if (MultiplyAccumulate512.IsSupported)
        {
            ForwardWide(weights, bias, input, inputStride, inputOffset, cols, output, outputStride, outputOffset, rows, count);
            return;
        }
        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float x = ref MemoryMarshal.GetReference(input);
        ref float y = ref MemoryMarshal.GetReference(output);
        int vectorEnd = cols - cols % Vector<float>.Count;
        Span<float> sums = stackalloc float[Tile * Tile];
        int q = 0;
        for (; q + Tile <= count; q += Tile)
        {
            ref float x0 = ref Unsafe.Add(ref x, q * inputStride + inputOffset);
            ref float x1 = ref Unsafe.Add(ref x0, inputStride);
            ref float x2 = ref Unsafe.Add(ref x1, inputStride);
            ref float x3 = ref Unsafe.Add(ref x2, inputStride);
            int r = 0;
            for (; r + Tile <= rows; r += Tile)
            {
                ref float w0 = ref Unsafe.Add(ref w, r * cols);
                ref float w1 = ref Unsafe.Add(ref w0, cols);
                ref float w2 = ref Unsafe.Add(ref w1, cols);
                ref float w3 = ref Unsafe.Add(ref w2, cols);
                Vector<float> a00 = default, a01 = default, a02 = default, a03 = default;
                Vector<float> a10 = default, a11 = default, a12 = default, a13 = default;
                Vector<float> a20 = default, a21 = default, a22 = default, a23 = default;
                Vector<float> a30 = default, a31 = default, a32 = default, a33 = default;
                int c = 0;
                for (; c < vectorEnd; c += Vector<float>.Count)
                {
                    var v0 = Vector.LoadUnsafe(ref w0, (nuint)c);
                    var v1 = Vector.LoadUnsafe(ref w1, (nuint)c);
                    var v2 = Vector.LoadUnsafe(ref w2, (nuint)c);
                    var v3 = Vector.LoadUnsafe(ref w3, (nuint)c);
                    var u = Vector.LoadUnsafe(ref x0, (nuint)c);
                    a00 = Vector.FusedMultiplyAdd(u, v0, a00); a01 = Vector.FusedMultiplyAdd(u, v1, a01);
                    a02 = Vector.FusedMultiplyAdd(u, v2, a02); a03 = Vector.FusedMultiplyAdd(u, v3, a03);
                    u = Vector.LoadUnsafe(ref x1, (nuint)c);
                    a10 = Vector.FusedMultiplyAdd(u, v0, a10); a11 = Vector.FusedMultiplyAdd(u, v1, a11);
                    a12 = Vector.FusedMultiplyAdd(u, v2, a12); a13 = Vector.FusedMultiplyAdd(u, v3, a13);
                    u = Vector.LoadUnsafe(ref x2, (nuint)c);
                    a20 = Vector.FusedMultiplyAdd(u, v0, a20); a21 = Vector.FusedMultiplyAdd(u, v1, a21);
                    a22 = Vector.FusedMultiplyAdd(u, v2, a22); a23 = Vector.FusedMultiplyAdd(u, v3, a23);
                    u = Vector.LoadUnsafe(ref x3, (nuint)c);
                    a30 = Vector.FusedMultiplyAdd(u, v0, a30); a31 = Vector.FusedMultiplyAdd(u, v1, a31);
                    a32 = Vector.FusedMultiplyAdd(u, v2, a32); a33 = Vector.FusedMultiplyAdd(u, v3, a33);
                }
                sums[0] = Vector.Sum(a00); sums[1] = Vector.Sum(a01); sums[2] = Vector.Sum(a02); sums[3] = Vector.Sum(a03);
                sums[4] = Vector.Sum(a10); sums[5] = Vector.Sum(a11); sums[6] = Vector.Sum(a12); sums[7] = Vector.Sum(a13);
                sums[8] = Vector.Sum(a20); sums[9] = Vector.Sum(a21); sums[10] = Vector.Sum(a22); sums[11] = Vector.Sum(a23);
                sums[12] = Vector.Sum(a30); sums[13] = Vector.Sum(a31); sums[14] = Vector.Sum(a32); sums[15] = Vector.Sum(a33);
                for (int i = 0; i < Tile; i++)
                {
                    ref float xi = ref Unsafe.Add(ref x0, i * inputStride);
                    for (int j = 0; j < Tile; j++)
                    {
                        float s = sums[i * Tile + j];
                        ref float wj = ref Unsafe.Add(ref w0, j * cols);
                        for (int t = c; t < cols; t++) s += Unsafe.Add(ref xi, t) * Unsafe.Add(ref wj, t);
                        if (!bias.IsEmpty) s += bias[r + j];
                        Unsafe.Add(ref y, (q + i) * outputStride + outputOffset + r + j) = s;
                    }
                }
            }
            for (; r < rows; r++)
                for (int i = 0; i < Tile; i++)
                    Unsafe.Add(ref y, (q + i) * outputStride + outputOffset + r) = RowDot(ref Unsafe.Add(ref w, r * cols), ref Unsafe.Add(ref x0, i * inputStride), cols, bias, r);
        }
        for (; q < count; q++)
        {
            ref float xq = ref Unsafe.Add(ref x, q * inputStride + inputOffset);
            for (int r = 0; r < rows; r++)
                Unsafe.Add(ref y, q * outputStride + outputOffset + r) = RowDot(ref Unsafe.Add(ref w, r * cols), ref xq, cols, bias, r);
        }
    }

    /// <summary>
    /// The forward pass as <c>y_q = bias + Σ_c x[q, c]·Wᵀ[c, :]</c>: each step broadcasts one input element and
    /// multiplies a contiguous row of Wᵀ (transposed once per weight update, see TransposeCache), so no horizontal sums.
    /// </summary>
    private static void ForwardWide(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ReadOnlySpan<float> input, int inputStride, int inputOffset, int cols,
        Span<float> output, int outputStride, int outputOffset, int rows, int count)
    {
        var transposed = TransposeCache.Current.Transposed(weights, rows, cols);
        for (int q = 0; q < count; q++)
        {
            var row = output.Slice(q * outputStride + outputOffset, rows);
            if (bias.IsEmpty) row.Clear();
            else bias.CopyTo(row);
        }
        MultiplyAccumulate512.Run(
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
    {
        Check(weights, rows, cols, input, inputStride, inputOffset, outputBar.Length, outputStride, outputOffset, count);
        if (!weightsBar.IsEmpty && weightsBar.Length != rows * cols) throw new ArgumentException($"{nameof(weightsBar)} has length {weightsBar.Length}; expected {rows * cols} or 0.", nameof(weightsBar));
        if (!biasBar.IsEmpty && biasBar.Length != rows) throw new ArgumentException($"{nameof(biasBar)} has length {biasBar.Length}; expected {rows} or 0.", nameof(biasBar));
        if (!inputBar.IsEmpty && inputBar.Length < input.Length) throw new ArgumentException($"{nameof(inputBar)} has length {inputBar.Length}; expected at least {input.Length} or 0.", nameof(inputBar));

        ref float g = ref MemoryMarshal.GetReference(outputBar);
        if (!biasBar.IsEmpty)
            for (int q = 0; q < count; q++)
                for (int r = 0; r < rows; r++)
                    biasBar[r] += Unsafe.Add(ref g, q * outputStride + outputOffset + r);
        if (MultiplyAccumulate512.IsSupported)
        {
            // weightsBar[r, :] += Σ_q g[q, r]·x_q  (A = gᵀ), inputBar_q += Σ_r g[q, r]·W[r, :]  (A = g).
            if (!weightsBar.IsEmpty)
                MultiplyAccumulate512.Run(ref Unsafe.Add(ref g, outputOffset), 1, outputStride,
                    ref Unsafe.Add(ref MemoryMarshal.GetReference(input), inputOffset), inputStride,
                    ref MemoryMarshal.GetReference(weightsBar), cols, rows, count, cols);
            if (!inputBar.IsEmpty)
                MultiplyAccumulate512.Run(ref Unsafe.Add(ref g, outputOffset), outputStride, 1,
                    ref MemoryMarshal.GetReference(weights), cols,
                    ref Unsafe.Add(ref MemoryMarshal.GetReference(inputBar), inputOffset), inputStride, count, rows, cols);
            return;
        }
        if (!weightsBar.IsEmpty) WeightsBar(ref g, outputStride, outputOffset, rows, ref MemoryMarshal.GetReference(input), inputStride, inputOffset, cols, count, weightsBar);
        if (!inputBar.IsEmpty) InputBar(ref g, outputStride, outputOffset, rows, ref MemoryMarshal.GetReference(weights), cols, count, ref MemoryMarshal.GetReference(inputBar), inputStride, inputOffset);
    }

    /// <summary><c>weightsBar[r, :] += Σ_q g[q, r]·x_q</c>, four rows at a time so each input vector is loaded once per four rows.</summary>
    private static void WeightsBar(ref float g, int gStride, int gOffset, int rows, ref float x, int xStride, int xOffset, int cols, int count, Span<float> weightsBar)
    {
        ref float d = ref MemoryMarshal.GetReference(weightsBar);
        int vectorEnd = cols - cols % Vector<float>.Count;
        int r = 0;
        for (; r + Tile <= rows; r += Tile)
        {
            ref float d0 = ref Unsafe.Add(ref d, r * cols);
            ref float d1 = ref Unsafe.Add(ref d0, cols);
            ref float d2 = ref Unsafe.Add(ref d1, cols);
            ref float d3 = ref Unsafe.Add(ref d2, cols);
            for (int c = 0; c < vectorEnd; c += Vector<float>.Count)
            {
                var s0 = Vector.LoadUnsafe(ref d0, (nuint)c);
                var s1 = Vector.LoadUnsafe(ref d1, (nuint)c);
                var s2 = Vector.LoadUnsafe(ref d2, (nuint)c);
                var s3 = Vector.LoadUnsafe(ref d3, (nuint)c);
                for (int q = 0; q < count; q++)
                {
                    var u = Vector.LoadUnsafe(ref Unsafe.Add(ref x, q * xStride + xOffset), (nuint)c);
                    ref float gq = ref Unsafe.Add(ref g, q * gStride + gOffset + r);
                    s0 = Vector.FusedMultiplyAdd(new Vector<float>(gq), u, s0);
                    s1 = Vector.FusedMultiplyAdd(new Vector<float>(Unsafe.Add(ref gq, 1)), u, s1);
                    s2 = Vector.FusedMultiplyAdd(new Vector<float>(Unsafe.Add(ref gq, 2)), u, s2);
                    s3 = Vector.FusedMultiplyAdd(new Vector<float>(Unsafe.Add(ref gq, 3)), u, s3);
                }
                s0.StoreUnsafe(ref d0, (nuint)c);
                s1.StoreUnsafe(ref d1, (nuint)c);
                s2.StoreUnsafe(ref d2, (nuint)c);
                s3.StoreUnsafe(ref d3, (nuint)c);
            }
            for (int c = vectorEnd; c < cols; c++)
                for (int j = 0; j < Tile; j++)
                {
                    float s = Unsafe.Add(ref d, (r + j) * cols + c);
                    for (int q = 0; q < count; q++)
                        s += Unsafe.Add(ref g, q * gStride + gOffset + r + j) * Unsafe.Add(ref x, q * xStride + xOffset + c);
                    Unsafe.Add(ref d, (r + j) * cols + c) = s;
                }
        }
        for (; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                float s = Unsafe.Add(ref d, r * cols + c);
                for (int q = 0; q < count; q++)
                    s += Unsafe.Add(ref g, q * gStride + gOffset + r) * Unsafe.Add(ref x, q * xStride + xOffset + c);
                Unsafe.Add(ref d, r * cols + c) = s;
            }
    }

    /// <summary><c>inputBar_q += Σ_r g[q, r]·W[r, :]</c>, four queries at a time so each weight vector is loaded once per four queries.</summary>
    private static void InputBar(ref float g, int gStride, int gOffset, int rows, ref float w, int cols, int count, ref float p, int pStride, int pOffset)
    {
        int vectorEnd = cols - cols % Vector<float>.Count;
        int q = 0;
        for (; q + Tile <= count; q += Tile)
        {
            ref float p0 = ref Unsafe.Add(ref p, q * pStride + pOffset);
            ref float p1 = ref Unsafe.Add(ref p0, pStride);
            ref float p2 = ref Unsafe.Add(ref p1, pStride);
            ref float p3 = ref Unsafe.Add(ref p2, pStride);
            ref float g0 = ref Unsafe.Add(ref g, q * gStride + gOffset);
            ref float g1 = ref Unsafe.Add(ref g0, gStride);
            ref float g2 = ref Unsafe.Add(ref g1, gStride);
            ref float g3 = ref Unsafe.Add(ref g2, gStride);
            for (int c = 0; c < vectorEnd; c += Vector<float>.Count)
            {
                var s0 = Vector.LoadUnsafe(ref p0, (nuint)c);
                var s1 = Vector.LoadUnsafe(ref p1, (nuint)c);
                var s2 = Vector.LoadUnsafe(ref p2, (nuint)c);
                var s3 = Vector.LoadUnsafe(ref p3, (nuint)c);
                for (int r = 0; r < rows; r++)
                {
                    var v = Vector.LoadUnsafe(ref Unsafe.Add(ref w, r * cols), (nuint)c);
                    s0 = Vector.FusedMultiplyAdd(new Vector<float>(Unsafe.Add(ref g0, r)), v, s0);
                    s1 = Vector.FusedMultiplyAdd(new Vector<float>(Unsafe.Add(ref g1, r)), v, s1);
                    s2 = Vector.FusedMultiplyAdd(new Vector<float>(Unsafe.Add(ref g2, r)), v, s2);
                    s3 = Vector.FusedMultiplyAdd(new Vector<float>(Unsafe.Add(ref g3, r)), v, s3);
                }
                s0.StoreUnsafe(ref p0, (nuint)c);
                s1.StoreUnsafe(ref p1, (nuint)c);
                s2.StoreUnsafe(ref p2, (nuint)c);
                s3.StoreUnsafe(ref p3, (nuint)c);
            }
            for (int c = vectorEnd; c < cols; c++)
                for (int i = 0; i < Tile; i++)
                {
                    ref float gi = ref Unsafe.Add(ref g0, i * gStride);
                    float s = Unsafe.Add(ref p0, i * pStride + c);
                    for (int r = 0; r < rows; r++) s += Unsafe.Add(ref gi, r) * Unsafe.Add(ref w, r * cols + c);
                    Unsafe.Add(ref p0, i * pStride + c) = s;
                }
        }
        for (; q < count; q++)
        {
            ref float gq = ref Unsafe.Add(ref g, q * gStride + gOffset);
            ref float pq = ref Unsafe.Add(ref p, q * pStride + pOffset);
            for (int c = 0; c < cols; c++)
            {
                float s = Unsafe.Add(ref pq, c);
                for (int r = 0; r < rows; r++) s += Unsafe.Add(ref gq, r) * Unsafe.Add(ref w, r * cols + c);
                Unsafe.Add(ref pq, c) = s;
            }
        }
    }

    private static float RowDot(ref float w, ref float x, int cols, ReadOnlySpan<float> bias, int row)
    {
        int vectorEnd = cols - cols % Vector<float>.Count;
        var acc = Vector<float>.Zero;
        int c = 0;
        for (; c < vectorEnd; c += Vector<float>.Count)
            acc = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref w, (nuint)c), Vector.LoadUnsafe(ref x, (nuint)c), acc);
        float s = Vector.Sum(acc);
        for (; c < cols; c++) s += Unsafe.Add(ref w, c) * Unsafe.Add(ref x, c);
        return bias.IsEmpty ? s : s + bias[row];
    }

    private static void Check(ReadOnlySpan<float> weights, int rows, int cols, ReadOnlySpan<float> input, int inputStride, int inputOffset,
        int outputLength, int outputStride, int outputOffset, int count)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "The query count must not be negative.");
        if (weights.Length != rows * cols) throw new ArgumentException($"weights has length {weights.Length}; expected {rows * cols} (rows × cols).", nameof(weights));
        if (count == 0) return;
        if (inputOffset < 0 || inputOffset + cols > inputStride || (long)(count - 1) * inputStride + inputOffset + cols > input.Length)
            throw new ArgumentException($"input has length {input.Length}; {count} queries of stride {inputStride} with {cols} columns at offset {inputOffset} do not fit.", nameof(input));
        if (outputOffset < 0 || outputOffset + rows > outputStride || (long)(count - 1) * outputStride + outputOffset + rows > outputLength)
            throw new ArgumentException($"output has length {outputLength}; {count} queries of stride {outputStride} with {rows} rows at offset {outputOffset} do not fit.", "output");
    }
}
