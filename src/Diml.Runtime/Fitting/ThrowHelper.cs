using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Diml.Fitting;

/// <summary>Small throw helpers so that argument checks stay one line and messages name argument, expected and found.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ArgumentOutOfRange(string argument, string expected, object found) =>
        throw new ArgumentOutOfRangeException(argument, found,
            string.Create(CultureInfo.InvariantCulture, $"{argument}: expected {expected}; found {found}."));

    [DoesNotReturn]
    public static void Argument(string argument, string expected, object found) =>
        throw new ArgumentException(
            string.Create(CultureInfo.InvariantCulture, $"{argument}: expected {expected}; found {found}."), argument);

    public static void IfNotPositive(int value, string argument)
    {
        if (value <= 0) ArgumentOutOfRange(argument, "a positive integer", value);
    }

    public static void IfNotPositiveFinite(double value, string argument)
    {
        if (!(value > 0) || !double.IsFinite(value)) ArgumentOutOfRange(argument, "a positive finite number", value);
    }

    public static void IfNegativeOrNotFinite(double value, string argument)
    {
        if (!(value >= 0) || !double.IsFinite(value)) ArgumentOutOfRange(argument, "a finite number ≥ 0", value);
    }
}
