using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Diml;

/// <summary>
/// Argument checks for the primitives in <see cref="Nn"/>. The checks are tiny and inlined; the throws live in
/// separate non-inlined methods so that the hot paths stay small.
/// </summary>
internal static class KernelGuard
{
    /// <summary>Throws unless <paramref name="found"/> equals <paramref name="expected"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Length(int found, int expected, string name)
    {
        if (found != expected) ThrowLength(name, expected, found);
    }

    /// <summary>Throws unless <paramref name="found"/> equals <paramref name="expected"/>; the expectation is a product that could overflow <c>int</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Length(int found, long expected, string name, string shape)
    {
        if (found != expected) ThrowLength(name, expected, found, shape);
    }

    /// <summary>
    /// Throws unless the input adjoint <paramref name="found"/> is <paramref name="expected"/> long or empty. An
    /// empty bar is legal: it means the caller does not need that adjoint (see <see cref="CustomAdjointAttribute"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void BarLength(int found, int expected, string name)
    {
        if (found != expected && found != 0) ThrowBarLength(name, expected, found);
    }

    /// <summary>Throws unless dimension <paramref name="dimension"/> of <paramref name="array"/> has <paramref name="expected"/> entries.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Dimension(Array array, int dimension, int expected, string name, string expectedFrom)
    {
        int found = array.GetLength(dimension);
        if (found != expected) ThrowDimension(name, dimension, expected, found, expectedFrom);
    }

    /// <summary>Throws unless <paramref name="length"/> is a multiple of <paramref name="width"/> (a whole number of rows).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WholeRows(int length, int width, string name, string widthFrom)
    {
        if (width == 0 ? length != 0 : length % width != 0) ThrowWholeRows(name, length, width, widthFrom);
    }

    /// <summary>Throws unless 0 ≤ <paramref name="index"/> &lt; <paramref name="count"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Index(int index, int count, string name)
    {
        if ((uint)index >= (uint)count) ThrowIndex(name, index, count);
    }

    /// <summary>Throws if <paramref name="output"/> shares any memory with <paramref name="input"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void NoOverlap<T>(ReadOnlySpan<T> input, ReadOnlySpan<T> output, string inputName, string outputName)
    {
        if (input.Overlaps(output)) ThrowOverlap(inputName, outputName, exactAllowed: false);
    }

    /// <summary>
    /// Throws if <paramref name="output"/> overlaps <paramref name="input"/> other than exactly (same start):
    /// elementwise kernels may run in place, but a shifted overlap would read values already overwritten.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void NoPartialOverlap<T>(ReadOnlySpan<T> input, ReadOnlySpan<T> output, string inputName, string outputName)
    {
        if (input.Overlaps(output, out int offset) && offset != 0) ThrowOverlap(inputName, outputName, exactAllowed: true);
    }

    /// <summary>Throws unless <paramref name="bound"/> is finite and non-negative.</summary>
    public static void NonNegativeFinite(float bound, string name)
    {
        if (!(bound >= 0) || float.IsPositiveInfinity(bound))
            throw new ArgumentOutOfRangeException(name, bound, FormattableString.Invariant($"{name} must be finite and non-negative; found {bound}."));
    }

    /// <summary>Throws unless <paramref name="value"/> is positive.</summary>
    public static void Positive(int value, string name)
    {
        if (value <= 0)
            throw new ArgumentOutOfRangeException(name, value, FormattableString.Invariant($"{name} must be positive; found {value}."));
    }

    [DoesNotReturn]
    private static void ThrowLength(string name, long expected, int found) =>
        throw new ArgumentException(FormattableString.Invariant($"{name} has length {found}; expected {expected}."), name);

    [DoesNotReturn]
    private static void ThrowLength(string name, long expected, int found, string shape) =>
        throw new ArgumentException(FormattableString.Invariant($"{name} has length {found}; expected {expected} ({shape})."), name);

    [DoesNotReturn]
    private static void ThrowBarLength(string name, int expected, int found) =>
        throw new ArgumentException(FormattableString.Invariant($"{name} has length {found}; expected {expected} (or 0 if the adjoint is not needed)."), name);

    [DoesNotReturn]
    private static void ThrowDimension(string name, int dimension, int expected, int found, string expectedFrom) =>
        throw new ArgumentException(FormattableString.Invariant(
            $"{name} has {found} {(dimension == 0 ? "rows" : "columns")}; expected {expected} ({expectedFrom})."), name);

    [DoesNotReturn]
    private static void ThrowWholeRows(string name, int length, int width, string widthFrom) =>
        throw new ArgumentException(FormattableString.Invariant(
            $"{name} has length {length}; expected a multiple of the row width {width} ({widthFrom})."), name);

    [DoesNotReturn]
    private static void ThrowIndex(string name, int index, int count) =>
        throw new ArgumentOutOfRangeException(name, index, FormattableString.Invariant($"{name} is {index}; expected 0 ≤ {name} < {count}."));

    [DoesNotReturn]
    private static void ThrowOverlap(string inputName, string outputName, bool exactAllowed) =>
        throw new ArgumentException(exactAllowed
            ? $"{outputName} partially overlaps {inputName}; expected disjoint memory or exactly the same span (in place)."
            : $"{outputName} overlaps {inputName}; expected disjoint memory (outputs must not alias inputs).", outputName);
}
