using System.Numerics.Tensors;

namespace Diml;

// The inner product.
public static partial class Nn
{
    /// <summary><c>Σᵢ aᵢ·bᵢ</c>; zero for empty inputs.</summary>
    [CustomAdjoint(nameof(DotAdjoint))]
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        KernelGuard.Length(b.Length, a.Length, nameof(b));
        return TensorPrimitives.Dot(a, b);
    }

    /// <inheritdoc cref="Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
    [CustomAdjoint(nameof(DotAdjoint))]
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        KernelGuard.Length(b.Length, a.Length, nameof(b));
        return TensorPrimitives.Dot(a, b);
    }

    /// <summary>
    /// Adjoint of <see cref="Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>: <c>aBar += resultBar·b</c>,
    /// <c>bBar += resultBar·a</c>. <paramref name="aBar"/> and <paramref name="bBar"/> may be the same span
    /// (for <c>Dot(v, v)</c>): the two contributions are added one after the other. An empty bar is skipped
    /// (the caller does not need that adjoint).
    /// </summary>
    public static void DotAdjoint(ReadOnlySpan<float> a, ReadOnlySpan<float> b, float resultBar, Span<float> aBar, Span<float> bBar)
    {
        CheckDotAdjoint(a, b, aBar, bBar);
        // An empty bar is one the caller does not need: skip that product.
        if (!aBar.IsEmpty) TensorPrimitives.MultiplyAdd(b, resultBar, aBar, aBar);
        if (!bBar.IsEmpty) TensorPrimitives.MultiplyAdd(a, resultBar, bBar, bBar);
    }

    /// <inheritdoc cref="DotAdjoint(ReadOnlySpan{float}, ReadOnlySpan{float}, float, Span{float}, Span{float})"/>
    public static void DotAdjoint(ReadOnlySpan<double> a, ReadOnlySpan<double> b, double resultBar, Span<double> aBar, Span<double> bBar)
    {
        CheckDotAdjoint(a, b, aBar, bBar);
        // An empty bar is one the caller does not need: skip that product.
        if (!aBar.IsEmpty) TensorPrimitives.MultiplyAdd(b, resultBar, aBar, aBar);
        if (!bBar.IsEmpty) TensorPrimitives.MultiplyAdd(a, resultBar, bBar, bBar);
    }

    private static void CheckDotAdjoint<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> aBar, Span<T> bBar)
    {
        KernelGuard.Length(b.Length, a.Length, nameof(b));
        KernelGuard.BarLength(aBar.Length, a.Length, nameof(aBar));
        KernelGuard.BarLength(bBar.Length, a.Length, nameof(bBar));
    }
}
