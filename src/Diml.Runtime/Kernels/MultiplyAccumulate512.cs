using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Diml.Kernels;

/// <summary>
/// <c>C[i, 0..n) += Σ_k A(i, k)·B[k, 0..n)</c> with AVX-512 registers: the one matrix product the batched dense
/// layer needs, in three roles (forward with Wᵀ, input adjoint with W, weight adjoint with the outputs'
/// adjoints transposed). Each step broadcasts one element of A and multiplies a contiguous row of B, so no
/// horizontal sums are needed; a tile of 4 rows of C × 64 columns keeps 16 accumulators in registers.
/// </summary>
/// <remarks>A(i, k) = <c>a[i·aRow + k·aColumn]</c>; row k of B starts at <c>b[k·bRow]</c>; row i of C at <c>c[i·cRow]</c>.</remarks>
internal static class MultiplyAccumulate512
{
    private const int Lanes = 16;

    public static bool IsSupported => Vector512.IsHardwareAccelerated;

    public static void Run(ref float a, int aRow, int aColumn, ref float b, int bRow, ref float c, int cRow, int rows, int depth, int n)
    {
        int i = 0;
        for (; i + 4 <= rows; i += 4)
        {
            ref float c0 = ref Unsafe.Add(ref c, i * cRow);
            ref float a0 = ref Unsafe.Add(ref a, i * aRow);
            int j = 0;
            for (; j + 4 * Lanes <= n; j += 4 * Lanes) Tile4x4(ref a0, aRow, aColumn, ref Unsafe.Add(ref b, j), bRow, ref Unsafe.Add(ref c0, j), cRow, depth);
            for (; j + Lanes <= n; j += Lanes) Tile4x1(ref a0, aRow, aColumn, ref Unsafe.Add(ref b, j), bRow, ref Unsafe.Add(ref c0, j), cRow, depth);
            for (; j < n; j++)
                for (int r = 0; r < 4; r++)
                {
                    float s = Unsafe.Add(ref c0, r * cRow + j);
                    for (int k = 0; k < depth; k++) s += Unsafe.Add(ref a0, r * aRow + k * aColumn) * Unsafe.Add(ref b, k * bRow + j);
                    Unsafe.Add(ref c0, r * cRow + j) = s;
                }
        }
        for (; i < rows; i++)
        {
            ref float ci = ref Unsafe.Add(ref c, i * cRow);
            ref float ai = ref Unsafe.Add(ref a, i * aRow);
            int j = 0;
            for (; j + Lanes <= n; j += Lanes)
            {
                var s = Vector512.LoadUnsafe(ref ci, (nuint)j);
                for (int k = 0; k < depth; k++)
                    s = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref ai, k * aColumn)), Vector512.LoadUnsafe(ref b, (nuint)(k * bRow + j)), s);
                s.StoreUnsafe(ref ci, (nuint)j);
            }
            for (; j < n; j++)
            {
                float s = Unsafe.Add(ref ci, j);
                for (int k = 0; k < depth; k++) s += Unsafe.Add(ref ai, k * aColumn) * Unsafe.Add(ref b, k * bRow + j);
                Unsafe.Add(ref ci, j) = s;
            }
        }
    }

    private static void Tile4x4(ref float a, int aRow, int aColumn, ref float b, int bRow, ref float c, int cRow, int depth)
    {
        ref float c1 = ref Unsafe.Add(ref c, cRow);
        ref float c2 = ref Unsafe.Add(ref c1, cRow);
        ref float c3 = ref Unsafe.Add(ref c2, cRow);
        var s00 = Vector512.LoadUnsafe(ref c, 0); var s01 = Vector512.LoadUnsafe(ref c, 16); var s02 = Vector512.LoadUnsafe(ref c, 32); var s03 = Vector512.LoadUnsafe(ref c, 48);
        var s10 = Vector512.LoadUnsafe(ref c1, 0); var s11 = Vector512.LoadUnsafe(ref c1, 16); var s12 = Vector512.LoadUnsafe(ref c1, 32); var s13 = Vector512.LoadUnsafe(ref c1, 48);
        var s20 = Vector512.LoadUnsafe(ref c2, 0); var s21 = Vector512.LoadUnsafe(ref c2, 16); var s22 = Vector512.LoadUnsafe(ref c2, 32); var s23 = Vector512.LoadUnsafe(ref c2, 48);
        var s30 = Vector512.LoadUnsafe(ref c3, 0); var s31 = Vector512.LoadUnsafe(ref c3, 16); var s32 = Vector512.LoadUnsafe(ref c3, 32); var s33 = Vector512.LoadUnsafe(ref c3, 48);
        ref float a1 = ref Unsafe.Add(ref a, aRow);
        ref float a2 = ref Unsafe.Add(ref a1, aRow);
        ref float a3 = ref Unsafe.Add(ref a2, aRow);
        for (int k = 0; k < depth; k++)
        {
            ref float bk = ref Unsafe.Add(ref b, k * bRow);
            var b0 = Vector512.LoadUnsafe(ref bk, 0);
            var b1 = Vector512.LoadUnsafe(ref bk, 16);
            var b2 = Vector512.LoadUnsafe(ref bk, 32);
            var b3 = Vector512.LoadUnsafe(ref bk, 48);
            int ka = k * aColumn;
            var x = Vector512.Create(Unsafe.Add(ref a, ka));
            s00 = Vector512.FusedMultiplyAdd(x, b0, s00); s01 = Vector512.FusedMultiplyAdd(x, b1, s01); s02 = Vector512.FusedMultiplyAdd(x, b2, s02); s03 = Vector512.FusedMultiplyAdd(x, b3, s03);
            x = Vector512.Create(Unsafe.Add(ref a1, ka));
            s10 = Vector512.FusedMultiplyAdd(x, b0, s10); s11 = Vector512.FusedMultiplyAdd(x, b1, s11); s12 = Vector512.FusedMultiplyAdd(x, b2, s12); s13 = Vector512.FusedMultiplyAdd(x, b3, s13);
            x = Vector512.Create(Unsafe.Add(ref a2, ka));
            s20 = Vector512.FusedMultiplyAdd(x, b0, s20); s21 = Vector512.FusedMultiplyAdd(x, b1, s21); s22 = Vector512.FusedMultiplyAdd(x, b2, s22); s23 = Vector512.FusedMultiplyAdd(x, b3, s23);
            x = Vector512.Create(Unsafe.Add(ref a3, ka));
            s30 = Vector512.FusedMultiplyAdd(x, b0, s30); s31 = Vector512.FusedMultiplyAdd(x, b1, s31); s32 = Vector512.FusedMultiplyAdd(x, b2, s32); s33 = Vector512.FusedMultiplyAdd(x, b3, s33);
        }
        s00.StoreUnsafe(ref c, 0); s01.StoreUnsafe(ref c, 16); s02.StoreUnsafe(ref c, 32); s03.StoreUnsafe(ref c, 48);
        s10.StoreUnsafe(ref c1, 0); s11.StoreUnsafe(ref c1, 16); s12.StoreUnsafe(ref c1, 32); s13.StoreUnsafe(ref c1, 48);
        s20.StoreUnsafe(ref c2, 0); s21.StoreUnsafe(ref c2, 16); s22.StoreUnsafe(ref c2, 32); s23.StoreUnsafe(ref c2, 48);
        s30.StoreUnsafe(ref c3, 0); s31.StoreUnsafe(ref c3, 16); s32.StoreUnsafe(ref c3, 32); s33.StoreUnsafe(ref c3, 48);
    }

    private static void Tile4x1(ref float a, int aRow, int aColumn, ref float b, int bRow, ref float c, int cRow, int depth)
    {
        ref float c1 = ref Unsafe.Add(ref c, cRow);
        ref float c2 = ref Unsafe.Add(ref c1, cRow);
        ref float c3 = ref Unsafe.Add(ref c2, cRow);
        var s0 = Vector512.LoadUnsafe(ref c); var s1 = Vector512.LoadUnsafe(ref c1); var s2 = Vector512.LoadUnsafe(ref c2); var s3 = Vector512.LoadUnsafe(ref c3);
        for (int k = 0; k < depth; k++)
        {
            var bk = Vector512.LoadUnsafe(ref Unsafe.Add(ref b, k * bRow));
            int ka = k * aColumn;
            s0 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref a, ka)), bk, s0);
            s1 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref a, aRow + ka)), bk, s1);
            s2 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref a, 2 * aRow + ka)), bk, s2);
            s3 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref a, 3 * aRow + ka)), bk, s3);
        }
        s0.StoreUnsafe(ref c); s1.StoreUnsafe(ref c1); s2.StoreUnsafe(ref c2); s3.StoreUnsafe(ref c3);
    }
}
