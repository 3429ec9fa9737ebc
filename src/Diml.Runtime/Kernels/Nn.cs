using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Diml;

/// <summary>
/// Opaque neural-network primitives with hand-written adjoints, for use inside differentiable mechanism code:
/// dense layers, embeddings, activations, softmax and its relatives, dot products.
/// </summary>
/// <remarks>
/// <para>
/// Every primitive carries <see cref="CustomAdjointAttribute"/> and follows its convention to the letter: the
/// adjoint takes every parameter of the primitive (outputs hold the forward results), then <c>resultBar</c> if
/// the primitive returns a scalar, then one <c>outputBar</c> per output, then one bar per differentiable input,
/// into which it <b>adds</b>. Outputs are overwritten completely. Each method exists for <c>float</c> (the hot
/// path) and <c>double</c> (the gradient checks), with the same name.
/// </para>
/// <para>
/// Nothing here allocates: scratch lives in registers or on the stack. Lengths are validated up front; a
/// mismatch throws <see cref="ArgumentException"/> naming the argument and the expected and found values.
/// </para>
/// </remarks>
public static partial class Nn
{
    /// <summary>A row-major view of a 2-D array's storage, without copying.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ReadOnlySpan<T> Flat<T>(T[,] array) =>
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<byte, T>(ref MemoryMarshal.GetArrayDataReference(array)), array.Length);

    /// <summary><c>exp</c> of each lane. <c>Vector.Exp</c> exists only for float and double, so dispatch on <typeparamref name="T"/>; the JIT folds the branch away.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> VectorExp<T>(Vector<T> v) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) return Vector.Exp(v.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector.Exp(v.As<T, double>()).As<double, T>();
        throw new NotSupportedException();
    }

    /// <summary><c>log</c> of each lane (see <see cref="VectorExp{T}"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> VectorLog<T>(Vector<T> v) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) return Vector.Log(v.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector.Log(v.As<T, double>()).As<double, T>();
        throw new NotSupportedException();
    }

    /// <summary>Whether the fused loops below should take their vector path for <typeparamref name="T"/>.</summary>
    private static bool UseVectors<T>() => Vector.IsHardwareAccelerated && Vector<T>.IsSupported;

    /// <summary>Σ exp(xᵢ − <paramref name="shift"/>), fused so that no temporary is needed.</summary>
    private static T SumExpShifted<T>(ReadOnlySpan<T> x, T shift) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T xRef = ref MemoryMarshal.GetReference(x);
        int n = x.Length, i = 0;
        T sum = T.Zero;
        if (UseVectors<T>() && n >= Vector<T>.Count)
        {
            var shiftVector = new Vector<T>(shift);
            var accumulator = Vector<T>.Zero;
            // A scalar tail rather than an overlapping last vector: a reduction must not count an element twice.
            for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
                accumulator += VectorExp(Vector.LoadUnsafe(ref xRef, (nuint)i) - shiftVector);
            sum = Vector.Sum(accumulator);
        }
        for (; i < n; i++) sum += T.Exp(Unsafe.Add(ref xRef, i) - shift);
        return sum;
    }

    /// <summary>An elementwise map with a scalar body (tails) and a <see cref="Vector{T}"/> body (the bulk).</summary>
    private interface IElementwiseMap<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        T Invoke(T x);
        Vector<T> Invoke(Vector<T> x);
    }

    /// <summary>The contribution <c>xBarᵢ += f(xᵢ, yᵢ, yBarᵢ)</c> of an elementwise adjoint.</summary>
    private interface IElementwiseAdjoint<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        T Invoke(T x, T y, T yBar);
        Vector<T> Invoke(Vector<T> x, Vector<T> y, Vector<T> yBar);
    }

    /// <summary>
    /// <c>yᵢ = map(xᵢ)</c>. <typeparamref name="TMap"/> is a struct so the JIT specialises and inlines the loop
    /// body. Exactly in place (<c>y</c> = <c>x</c>) is fine: each element is read before it is written.
    /// </summary>
    private static void Map<T, TMap>(TMap map, ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> where TMap : struct, IElementwiseMap<T>
    {
        ref T xRef = ref MemoryMarshal.GetReference(x);
        ref T yRef = ref MemoryMarshal.GetReference(y);
        int n = x.Length, i = 0;
        if (UseVectors<T>())
            for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
                map.Invoke(Vector.LoadUnsafe(ref xRef, (nuint)i)).StoreUnsafe(ref yRef, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref yRef, i) = map.Invoke(Unsafe.Add(ref xRef, i));
    }

    /// <summary>
    /// <c>xBarᵢ += adjoint(xᵢ, yᵢ, yBarᵢ)</c>. The tail is scalar: an overlapping last vector would add twice.
    /// </summary>
    private static void Accumulate<T, TAdjoint>(TAdjoint adjoint, ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> yBar, Span<T> xBar)
        where T : unmanaged, IFloatingPointIeee754<T> where TAdjoint : struct, IElementwiseAdjoint<T>
    {
        ref T xRef = ref MemoryMarshal.GetReference(x);
        ref T yRef = ref MemoryMarshal.GetReference(y);
        ref T gRef = ref MemoryMarshal.GetReference(yBar);
        ref T bRef = ref MemoryMarshal.GetReference(xBar);
        int n = xBar.Length, i = 0;
        if (UseVectors<T>())
        {
            for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
            {
                var contribution = adjoint.Invoke(
                    Vector.LoadUnsafe(ref xRef, (nuint)i), Vector.LoadUnsafe(ref yRef, (nuint)i), Vector.LoadUnsafe(ref gRef, (nuint)i));
                (Vector.LoadUnsafe(ref bRef, (nuint)i) + contribution).StoreUnsafe(ref bRef, (nuint)i);
            }
        }
        for (; i < n; i++)
            Unsafe.Add(ref bRef, i) += adjoint.Invoke(Unsafe.Add(ref xRef, i), Unsafe.Add(ref yRef, i), Unsafe.Add(ref gRef, i));
    }
}
