using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Diml.Data;

/// <summary>
/// Throw helpers for argument validation in the data layer. Kept out of line so that the checks they guard stay
/// small enough to inline into hot accessors such as <see cref="Trajectories.Step"/>.
/// </summary>
internal static class ThrowHelper
{
    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming the argument, the expected and the found value.</summary>
    [DoesNotReturn, StackTraceHidden]
    public static void ThrowArgumentOutOfRange(string paramName, string expected, object? found) =>
        throw new ArgumentOutOfRangeException(paramName,
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Argument '{paramName}': expected {expected}, found {found ?? "null"}."));

    /// <summary>Throws an <see cref="ArgumentException"/> naming the argument, the expected and the found value.</summary>
    [DoesNotReturn, StackTraceHidden]
    public static void ThrowArgument(string paramName, string expected, object? found) =>
        throw new ArgumentException(
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Argument '{paramName}': expected {expected}, found {found ?? "null"}."), paramName);

    /// <summary>Throws the index error of an accessor such as <see cref="Trajectories.Action"/>.</summary>
    [DoesNotReturn, StackTraceHidden]
    public static void ThrowIndexOutOfRange(string paramName, int count, int found) =>
        ThrowArgumentOutOfRange(paramName, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"an index in 0..{count - 1}"), found);
}
