using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Diml.Kernels;

/// <summary>
/// <c>C[i, 0..n) += Σ_k A(i, k)·B[k, 0..n)</c>: the one matrix product the batched dense layer needs, in three roles
/// (forward with Wᵀ, input adjoint with W, weight adjoint with the outputs' adjoints transposed). One driver, generic
/// over the vector tier (<see cref="IVectorTier{TVector}"/>), run at the widest width the hardware accelerates.
/// </summary>
/// <remarks>
/// <para>Each step broadcasts one element of A and multiplies a contiguous row of B, so no horizontal sums are needed;
/// a micro-tile of 4 rows of C × 4 registers (AVX-512) or × 2 registers (16-register ISAs) keeps its accumulators in
/// registers for the whole depth.</para>
/// <para>Every element of C is <c>C + A(i,0)·B[0,j] + A(i,1)·B[1,j] + …</c> accumulated in order of k with one
/// multiply-add per term — in vector lanes and in the scalar column tail alike, fused wherever the hardware has FMA —
/// so the result is bit-identical on every tier of one machine, and across machines with FMA: a fit gives the same
/// numbers with AVX-512, with AVX2 and on ARM64.</para>
/// <para>A(i, k) = <c>a[i·aRow + k·aColumn]</c>; row k of B starts at <c>b[k·bRow]</c>; row i of C at <c>c[i·cRow]</c>.</para>
/// </remarks>
internal static class MultiplyAccumulate
{
    private const int TileRows = 4;

    /// <summary>
    /// Runs at the widest accelerated width, and the columns left over (fewer than one register) at the next narrower
    /// widths: a 72-column product is 64 columns of AVX-512 and 8 of AVX2 rather than 8 columns of scalar code, which
    /// cost as much as the other 64. Columns are independent and every width computes each element the same way, so the
    /// split changes no bit.
    /// </summary>
    public static void Run(ref float a, int aRow, int aColumn, ref float b, int bRow, ref float c, int cRow, int rows, int depth, int n)
        => Run(ref a, aRow, aColumn, ref b, bRow, ref c, ref c, cRow, cRow, rows, depth, n);

    /// <summary>
    /// <c>C[i, 0..n) = Init[i, 0..n) + Σ_k A(i, k)·B[k, 0..n)</c>, where row i of Init starts at <c>init[i·initRow]</c>: with
    /// <paramref name="initRow"/> 0 every row starts from one row (a layer's bias), so the bias is never copied into C
    /// first. The same multiply-adds in the same order as copying Init into C and accumulating, so the same bits.
    /// </summary>
    public static void Run(ref float a, int aRow, int aColumn, ref float b, int bRow, ref float c, ref float init, int cRow, int initRow, int rows, int depth, int n)
    {
        int done = 0;
        if (Vector512.IsHardwareAccelerated)
            done += Columns<Vector512Tier, Vector512<float>>(ref a, aRow, aColumn, ref b, bRow, ref c, ref init, cRow, initRow, rows, depth, n, done);
        if (Vector256.IsHardwareAccelerated)
            done += Columns<Vector256Tier, Vector256<float>>(ref a, aRow, aColumn, ref b, bRow, ref c, ref init, cRow, initRow, rows, depth, n, done);
        if (Vector128.IsHardwareAccelerated)
            done += Columns<Vector128Tier, Vector128<float>>(ref a, aRow, aColumn, ref b, bRow, ref c, ref init, cRow, initRow, rows, depth, n, done);
        if (done < n)
            Run<ScalarTier, float>(ref a, aRow, aColumn, ref Unsafe.Add(ref b, done), bRow, ref Unsafe.Add(ref c, done), ref Unsafe.Add(ref init, done), cRow, initRow, rows, depth, n - done);
    }

    /// <summary>Columns <c>[done, done + k·Lanes)</c> at one tier, as many whole registers as fit; returns how many columns it did.</summary>
    private static int Columns<TTier, TVector>(ref float a, int aRow, int aColumn, ref float b, int bRow, ref float c, ref float init, int cRow, int initRow, int rows, int depth, int n, int done)
        where TTier : struct, IVectorTier<TVector>
        where TVector : struct
    {
        int width = (n - done) - (n - done) % TTier.Lanes;
        if (width > 0)
            Run<TTier, TVector>(ref a, aRow, aColumn, ref Unsafe.Add(ref b, done), bRow, ref Unsafe.Add(ref c, done), ref Unsafe.Add(ref init, done), cRow, initRow, rows, depth, width);
        return width;
    }

    /// <summary>The driver at one tier (tests call every tier directly, whatever the hardware).</summary>
    internal static void Run<TTier, TVector>(ref float a, int aRow, int aColumn, ref float b, int bRow, ref float c, int cRow, int rows, int depth, int n)
        where TTier : struct, IVectorTier<TVector>
        where TVector : struct
        => Run<TTier, TVector>(ref a, aRow, aColumn, ref b, bRow, ref c, ref c, cRow, cRow, rows, depth, n);

    /// <summary>The driver at one tier, each row of C starting from its row of Init.</summary>
    internal static void Run<TTier, TVector>(ref float a, int aRow, int aColumn, ref float b, int bRow, ref float c, ref float init, int cRow, int initRow, int rows, int depth, int n)
        where TTier : struct, IVectorTier<TVector>
        where TVector : struct
    {
        int lanes = TTier.Lanes;
        int i = 0;
        for (; i + TileRows <= rows; i += TileRows)
        {
            ref float ci = ref Unsafe.Add(ref c, i * cRow);
            ref float ii = ref Unsafe.Add(ref init, i * initRow);
            ref float ai = ref Unsafe.Add(ref a, i * aRow);
            int j = 0;
            if (TTier.WideTile)
                for (; j + 4 * lanes <= n; j += 4 * lanes)
                    Tile4x4<TTier, TVector>(ref ai, aRow, aColumn, ref Unsafe.Add(ref b, j), bRow, ref Unsafe.Add(ref ci, j), ref Unsafe.Add(ref ii, j), cRow, initRow, depth);
            for (; j + 2 * lanes <= n; j += 2 * lanes)
                Tile4x2<TTier, TVector>(ref ai, aRow, aColumn, ref Unsafe.Add(ref b, j), bRow, ref Unsafe.Add(ref ci, j), ref Unsafe.Add(ref ii, j), cRow, initRow, depth);
            for (; j + lanes <= n; j += lanes)
                Tile4x1<TTier, TVector>(ref ai, aRow, aColumn, ref Unsafe.Add(ref b, j), bRow, ref Unsafe.Add(ref ci, j), ref Unsafe.Add(ref ii, j), cRow, initRow, depth);
            for (; j < n; j++)
                Column4(ref ai, aRow, aColumn, ref Unsafe.Add(ref b, j), bRow, ref Unsafe.Add(ref ci, j), ref Unsafe.Add(ref ii, j), cRow, initRow, depth);
        }
        for (; i < rows; i++)
        {
            ref float ci = ref Unsafe.Add(ref c, i * cRow);
            ref float ii = ref Unsafe.Add(ref init, i * initRow);
            ref float ai = ref Unsafe.Add(ref a, i * aRow);
            int j = 0;
            for (; j + 4 * lanes <= n; j += 4 * lanes)
                Tile1x4<TTier, TVector>(ref ai, aColumn, ref Unsafe.Add(ref b, j), bRow, ref Unsafe.Add(ref ci, j), ref Unsafe.Add(ref ii, j), depth);
            for (; j + lanes <= n; j += lanes)
                Row<TTier, TVector>(ref ai, aColumn, ref Unsafe.Add(ref b, j), bRow, ref Unsafe.Add(ref ci, j), ref Unsafe.Add(ref ii, j), depth);
            for (; j < n; j++)
                Unsafe.Add(ref ci, j) = Element(ref ai, aColumn, ref Unsafe.Add(ref b, j), bRow, Unsafe.Add(ref ii, j), depth);
        }
    }

    /// <summary>
    /// <c>C[i, j] += A_i · B_j</c> where row i of A and row j of B are both contiguous over the depth — the forward
    /// product of a layer with few outputs (<c>B = W</c>), where broadcasting A over a row of B would leave most lanes
    /// idle. At the widest accelerated width.
    /// </summary>
    /// <remarks>
    /// Each dot product keeps <see cref="DotPartials"/> partial sums whatever the width (partial p takes the terms with
    /// k ≡ p mod 16 in order of k), adds them in one fixed order and then the last <c>depth mod 16</c> terms in order, so
    /// this too is bit-identical on every tier.
    /// </remarks>
    public static void RunDots(ref float a, int aRow, ref float b, int bRow, ref float c, int cRow, int rows, int columns, int depth)
    {
        if (Vector512.IsHardwareAccelerated)
            RunDots<Vector512Tier, Vector512<float>>(ref a, aRow, ref b, bRow, ref c, cRow, rows, columns, depth);
        else if (Vector256.IsHardwareAccelerated)
            RunDots<Vector256Tier, Vector256<float>>(ref a, aRow, ref b, bRow, ref c, cRow, rows, columns, depth);
        else if (Vector128.IsHardwareAccelerated)
            RunDots<Vector128Tier, Vector128<float>>(ref a, aRow, ref b, bRow, ref c, cRow, rows, columns, depth);
        else
            RunDots<ScalarTier, float>(ref a, aRow, ref b, bRow, ref c, cRow, rows, columns, depth);
    }

    /// <summary>Partial sums of every dot product of <see cref="RunDots"/>: one AVX-512 register, two AVX2 ones, four SSE ones.</summary>
    internal const int DotPartials = 16;

    /// <summary>The dot-product driver at one tier.</summary>
    internal static void RunDots<TTier, TVector>(ref float a, int aRow, ref float b, int bRow, ref float c, int cRow, int rows, int columns, int depth)
        where TTier : struct, IVectorTier<TVector>
        where TVector : struct
    {
        Span<float> partials = stackalloc float[DotPartials];
        int blocked = depth - depth % DotPartials;
        for (int i = 0; i < rows; i++)
        {
            ref float ai = ref Unsafe.Add(ref a, i * aRow);
            for (int j = 0; j < columns; j++)
            {
                ref float bj = ref Unsafe.Add(ref b, j * bRow);
                Partials<TTier, TVector>(ref ai, ref bj, blocked, partials);
                // A fixed pairwise order over the 16 partials, then the remaining terms in order.
                float s = ((partials[0] + partials[1]) + (partials[2] + partials[3])) + ((partials[4] + partials[5]) + (partials[6] + partials[7]))
                    + (((partials[8] + partials[9]) + (partials[10] + partials[11])) + ((partials[12] + partials[13]) + (partials[14] + partials[15])));
                for (int k = blocked; k < depth; k++) s = float.MultiplyAddEstimate(Unsafe.Add(ref ai, k), Unsafe.Add(ref bj, k), s);
                Unsafe.Add(ref c, i * cRow + j) += s;
            }
        }
    }

    /// <summary>Partial p = Σ over k ≡ p (mod 16), k &lt; <paramref name="blocked"/>, in order of k: 16 / Lanes registers side by side.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Partials<TTier, TVector>(ref float a, ref float b, int blocked, Span<float> partials)
        where TTier : struct, IVectorTier<TVector>
        where TVector : struct
    {
        ref float p = ref MemoryMarshal.GetReference(partials);
        if (TTier.Lanes == DotPartials)
        {
            TVector s0 = TTier.Broadcast(0);
            for (int k = 0; k < blocked; k += DotPartials)
                s0 = TTier.MultiplyAdd(TTier.Load(ref a, (nuint)k), TTier.Load(ref b, (nuint)k), s0);
            TTier.Store(s0, ref p, 0);
        }
        else if (TTier.Lanes * 2 == DotPartials)
        {
            nuint l = (nuint)TTier.Lanes;
            TVector s0 = TTier.Broadcast(0), s1 = s0;
            for (int k = 0; k < blocked; k += DotPartials)
            {
                s0 = TTier.MultiplyAdd(TTier.Load(ref a, (nuint)k), TTier.Load(ref b, (nuint)k), s0);
                s1 = TTier.MultiplyAdd(TTier.Load(ref a, (nuint)k + l), TTier.Load(ref b, (nuint)k + l), s1);
            }
            TTier.Store(s0, ref p, 0);
            TTier.Store(s1, ref p, l);
        }
        else if (TTier.Lanes * 4 == DotPartials)
        {
            nuint l = (nuint)TTier.Lanes;
            TVector s0 = TTier.Broadcast(0), s1 = s0, s2 = s0, s3 = s0;
            for (int k = 0; k < blocked; k += DotPartials)
            {
                s0 = TTier.MultiplyAdd(TTier.Load(ref a, (nuint)k), TTier.Load(ref b, (nuint)k), s0);
                s1 = TTier.MultiplyAdd(TTier.Load(ref a, (nuint)k + l), TTier.Load(ref b, (nuint)k + l), s1);
                s2 = TTier.MultiplyAdd(TTier.Load(ref a, (nuint)k + 2 * l), TTier.Load(ref b, (nuint)k + 2 * l), s2);
                s3 = TTier.MultiplyAdd(TTier.Load(ref a, (nuint)k + 3 * l), TTier.Load(ref b, (nuint)k + 3 * l), s3);
            }
            TTier.Store(s0, ref p, 0);
            TTier.Store(s1, ref p, l);
            TTier.Store(s2, ref p, 2 * l);
            TTier.Store(s3, ref p, 3 * l);
        }
        else
        {
            partials.Clear();
            for (int k = 0; k < blocked; k += DotPartials)
                for (int q = 0; q < DotPartials; q++)
                    Unsafe.Add(ref p, q) = float.MultiplyAddEstimate(Unsafe.Add(ref a, k + q), Unsafe.Add(ref b, k + q), Unsafe.Add(ref p, q));
        }
    }

    /// <summary>4 rows of C × 4 registers: 16 accumulators, 4 loads of B and 4 broadcasts of A per step of k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile4x4<TTier, TVector>(ref float a, int aRow, int aColumn, ref float b, int bRow, ref float c, ref float init, int cRow, int initRow, int depth)
        where TTier : struct, IVectorTier<TVector>
        where TVector : struct
    {
        nuint l1 = (nuint)TTier.Lanes, l2 = 2 * l1, l3 = 3 * l1;
        ref float c1 = ref Unsafe.Add(ref c, cRow);
        ref float c2 = ref Unsafe.Add(ref c1, cRow);
        ref float c3 = ref Unsafe.Add(ref c2, cRow);
        ref float i1 = ref Unsafe.Add(ref init, initRow);
        ref float i2 = ref Unsafe.Add(ref i1, initRow);
        ref float i3 = ref Unsafe.Add(ref i2, initRow);
        TVector s00 = TTier.Load(ref init, 0), s01 = TTier.Load(ref init, l1), s02 = TTier.Load(ref init, l2), s03 = TTier.Load(ref init, l3);
        TVector s10 = TTier.Load(ref i1, 0), s11 = TTier.Load(ref i1, l1), s12 = TTier.Load(ref i1, l2), s13 = TTier.Load(ref i1, l3);
        TVector s20 = TTier.Load(ref i2, 0), s21 = TTier.Load(ref i2, l1), s22 = TTier.Load(ref i2, l2), s23 = TTier.Load(ref i2, l3);
        TVector s30 = TTier.Load(ref i3, 0), s31 = TTier.Load(ref i3, l1), s32 = TTier.Load(ref i3, l2), s33 = TTier.Load(ref i3, l3);
        ref float a1 = ref Unsafe.Add(ref a, aRow);
        ref float a2 = ref Unsafe.Add(ref a1, aRow);
        ref float a3 = ref Unsafe.Add(ref a2, aRow);
        for (int k = 0; k < depth; k++)
        {
            ref float bk = ref Unsafe.Add(ref b, k * bRow);
            TVector b0 = TTier.Load(ref bk, 0), b1 = TTier.Load(ref bk, l1), b2 = TTier.Load(ref bk, l2), b3 = TTier.Load(ref bk, l3);
            int ka = k * aColumn;
            TVector x = TTier.Broadcast(Unsafe.Add(ref a, ka));
            s00 = TTier.MultiplyAdd(x, b0, s00); s01 = TTier.MultiplyAdd(x, b1, s01); s02 = TTier.MultiplyAdd(x, b2, s02); s03 = TTier.MultiplyAdd(x, b3, s03);
            x = TTier.Broadcast(Unsafe.Add(ref a1, ka));
            s10 = TTier.MultiplyAdd(x, b0, s10); s11 = TTier.MultiplyAdd(x, b1, s11); s12 = TTier.MultiplyAdd(x, b2, s12); s13 = TTier.MultiplyAdd(x, b3, s13);
            x = TTier.Broadcast(Unsafe.Add(ref a2, ka));
            s20 = TTier.MultiplyAdd(x, b0, s20); s21 = TTier.MultiplyAdd(x, b1, s21); s22 = TTier.MultiplyAdd(x, b2, s22); s23 = TTier.MultiplyAdd(x, b3, s23);
            x = TTier.Broadcast(Unsafe.Add(ref a3, ka));
            s30 = TTier.MultiplyAdd(x, b0, s30); s31 = TTier.MultiplyAdd(x, b1, s31); s32 = TTier.MultiplyAdd(x, b2, s32); s33 = TTier.MultiplyAdd(x, b3, s33);
        }
        TTier.Store(s00, ref c, 0); TTier.Store(s01, ref c, l1); TTier.Store(s02, ref c, l2); TTier.Store(s03, ref c, l3);
        TTier.Store(s10, ref c1, 0); TTier.Store(s11, ref c1, l1); TTier.Store(s12, ref c1, l2); TTier.Store(s13, ref c1, l3);
        TTier.Store(s20, ref c2, 0); TTier.Store(s21, ref c2, l1); TTier.Store(s22, ref c2, l2); TTier.Store(s23, ref c2, l3);
        TTier.Store(s30, ref c3, 0); TTier.Store(s31, ref c3, l1); TTier.Store(s32, ref c3, l2); TTier.Store(s33, ref c3, l3);
    }

    /// <summary>4 rows of C × 2 registers: 8 accumulators, for ISAs with 16 vector registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile4x2<TTier, TVector>(ref float a, int aRow, int aColumn, ref float b, int bRow, ref float c, ref float init, int cRow, int initRow, int depth)
        where TTier : struct, IVectorTier<TVector>
        where TVector : struct
    {
        nuint l1 = (nuint)TTier.Lanes;
        ref float c1 = ref Unsafe.Add(ref c, cRow);
        ref float c2 = ref Unsafe.Add(ref c1, cRow);
        ref float c3 = ref Unsafe.Add(ref c2, cRow);
        ref float i1 = ref Unsafe.Add(ref init, initRow);
        ref float i2 = ref Unsafe.Add(ref i1, initRow);
        ref float i3 = ref Unsafe.Add(ref i2, initRow);
        TVector s00 = TTier.Load(ref init, 0), s01 = TTier.Load(ref init, l1);
        TVector s10 = TTier.Load(ref i1, 0), s11 = TTier.Load(ref i1, l1);
        TVector s20 = TTier.Load(ref i2, 0), s21 = TTier.Load(ref i2, l1);
        TVector s30 = TTier.Load(ref i3, 0), s31 = TTier.Load(ref i3, l1);
        ref float a1 = ref Unsafe.Add(ref a, aRow);
        ref float a2 = ref Unsafe.Add(ref a1, aRow);
        ref float a3 = ref Unsafe.Add(ref a2, aRow);
        for (int k = 0; k < depth; k++)
        {
            ref float bk = ref Unsafe.Add(ref b, k * bRow);
            TVector b0 = TTier.Load(ref bk, 0), b1 = TTier.Load(ref bk, l1);
            int ka = k * aColumn;
            TVector x = TTier.Broadcast(Unsafe.Add(ref a, ka));
            s00 = TTier.MultiplyAdd(x, b0, s00); s01 = TTier.MultiplyAdd(x, b1, s01);
            x = TTier.Broadcast(Unsafe.Add(ref a1, ka));
            s10 = TTier.MultiplyAdd(x, b0, s10); s11 = TTier.MultiplyAdd(x, b1, s11);
            x = TTier.Broadcast(Unsafe.Add(ref a2, ka));
            s20 = TTier.MultiplyAdd(x, b0, s20); s21 = TTier.MultiplyAdd(x, b1, s21);
            x = TTier.Broadcast(Unsafe.Add(ref a3, ka));
            s30 = TTier.MultiplyAdd(x, b0, s30); s31 = TTier.MultiplyAdd(x, b1, s31);
        }
        TTier.Store(s00, ref c, 0); TTier.Store(s01, ref c, l1);
        TTier.Store(s10, ref c1, 0); TTier.Store(s11, ref c1, l1);
        TTier.Store(s20, ref c2, 0); TTier.Store(s21, ref c2, l1);
        TTier.Store(s30, ref c3, 0); TTier.Store(s31, ref c3, l1);
    }

    /// <summary>
    /// 4 rows of C × 1 register: four independent chains, so that a last register of columns does not wait on one
    /// multiply-add chain per row (four times the latency).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Tile4x1<TTier, TVector>(ref float a, int aRow, int aColumn, ref float b, int bRow, ref float c, ref float init, int cRow, int initRow, int depth)
        where TTier : struct, IVectorTier<TVector>
        where TVector : struct
    {
        ref float c1 = ref Unsafe.Add(ref c, cRow);
        ref float c2 = ref Unsafe.Add(ref c1, cRow);
        ref float c3 = ref Unsafe.Add(ref c2, cRow);
        TVector s0 = TTier.Load(ref init, 0), s1 = TTier.Load(ref init, (nuint)initRow), s2 = TTier.Load(ref init, 2 * (nuint)initRow), s3 = TTier.Load(ref init, 3 * (nuint)initRow);
        ref float a1 = ref Unsafe.Add(ref a, aRow);
        ref float a2 = ref Unsafe.Add(ref a1, aRow);
        ref float a3 = ref Unsafe.Add(ref a2, aRow);
        for (int k = 0; k < depth; k++)
        {
            TVector bk = TTier.Load(ref Unsafe.Add(ref b, k * bRow), 0);
            int ka = k * aColumn;
            s0 = TTier.MultiplyAdd(TTier.Broadcast(Unsafe.Add(ref a, ka)), bk, s0);
            s1 = TTier.MultiplyAdd(TTier.Broadcast(Unsafe.Add(ref a1, ka)), bk, s1);
            s2 = TTier.MultiplyAdd(TTier.Broadcast(Unsafe.Add(ref a2, ka)), bk, s2);
            s3 = TTier.MultiplyAdd(TTier.Broadcast(Unsafe.Add(ref a3, ka)), bk, s3);
        }
        TTier.Store(s0, ref c, 0); TTier.Store(s1, ref c1, 0); TTier.Store(s2, ref c2, 0); TTier.Store(s3, ref c3, 0);
    }

    /// <summary>
    /// 1 row of C × 4 registers, for the rows left over below a 4-row tile (all of a one-output layer's weight adjoint):
    /// four independent chains instead of one per register.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Tile1x4<TTier, TVector>(ref float a, int aColumn, ref float b, int bRow, ref float c, ref float init, int depth)
        where TTier : struct, IVectorTier<TVector>
        where TVector : struct
    {
        nuint l1 = (nuint)TTier.Lanes, l2 = 2 * l1, l3 = 3 * l1;
        TVector s0 = TTier.Load(ref init, 0), s1 = TTier.Load(ref init, l1), s2 = TTier.Load(ref init, l2), s3 = TTier.Load(ref init, l3);
        for (int k = 0; k < depth; k++)
        {
            ref float bk = ref Unsafe.Add(ref b, k * bRow);
            TVector x = TTier.Broadcast(Unsafe.Add(ref a, k * aColumn));
            s0 = TTier.MultiplyAdd(x, TTier.Load(ref bk, 0), s0);
            s1 = TTier.MultiplyAdd(x, TTier.Load(ref bk, l1), s1);
            s2 = TTier.MultiplyAdd(x, TTier.Load(ref bk, l2), s2);
            s3 = TTier.MultiplyAdd(x, TTier.Load(ref bk, l3), s3);
        }
        TTier.Store(s0, ref c, 0); TTier.Store(s1, ref c, l1); TTier.Store(s2, ref c, l2); TTier.Store(s3, ref c, l3);
    }

    /// <summary>One register of one row of C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row<TTier, TVector>(ref float a, int aColumn, ref float b, int bRow, ref float c, ref float init, int depth)
        where TTier : struct, IVectorTier<TVector>
        where TVector : struct
    {
        TVector s = TTier.Load(ref init, 0);
        for (int k = 0; k < depth; k++)
            s = TTier.MultiplyAdd(TTier.Broadcast(Unsafe.Add(ref a, k * aColumn)), TTier.Load(ref Unsafe.Add(ref b, k * bRow), 0), s);
        TTier.Store(s, ref c, 0);
    }

    /// <summary>
    /// One column of a 4-row tile of C in scalars — the column tail, and all of a layer with one output such as the
    /// last layer of an MLP: four independent chains, so the multiply-adds overlap instead of waiting on each other.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Column4(ref float a, int aRow, int aColumn, ref float b, int bRow, ref float c, ref float init, int cRow, int initRow, int depth)
    {
        ref float a1 = ref Unsafe.Add(ref a, aRow);
        ref float a2 = ref Unsafe.Add(ref a1, aRow);
        ref float a3 = ref Unsafe.Add(ref a2, aRow);
        float s0 = init, s1 = Unsafe.Add(ref init, initRow), s2 = Unsafe.Add(ref init, 2 * initRow), s3 = Unsafe.Add(ref init, 3 * initRow);
        for (int k = 0; k < depth; k++)
        {
            float bk = Unsafe.Add(ref b, k * bRow);
            int ka = k * aColumn;
            s0 = float.MultiplyAddEstimate(Unsafe.Add(ref a, ka), bk, s0);
            s1 = float.MultiplyAddEstimate(Unsafe.Add(ref a1, ka), bk, s1);
            s2 = float.MultiplyAddEstimate(Unsafe.Add(ref a2, ka), bk, s2);
            s3 = float.MultiplyAddEstimate(Unsafe.Add(ref a3, ka), bk, s3);
        }
        c = s0;
        Unsafe.Add(ref c, cRow) = s1;
        Unsafe.Add(ref c, 2 * cRow) = s2;
        Unsafe.Add(ref c, 3 * cRow) = s3;
    }

    /// <summary>One element of C, with the same multiply-add steps in the same order as a vector lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Element(ref float a, int aColumn, ref float b, int bRow, float c, int depth)
    {
        for (int k = 0; k < depth; k++) c = float.MultiplyAddEstimate(Unsafe.Add(ref a, k * aColumn), Unsafe.Add(ref b, k * bRow), c);
        return c;
    }
}
