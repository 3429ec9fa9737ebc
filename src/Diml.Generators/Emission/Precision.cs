using System.Globalization;

namespace Diml.Generators.Emission;

/// <summary>
/// The precision a kernel is emitted in: the user's float code, or its double twin used by the gradient
/// checks. Everything precision-specific in the emitted text comes from here.
/// </summary>
internal sealed class Precision
{
    public static readonly Precision Float = new("float", "global::System.MathF", "f");
    public static readonly Precision Double = new("double", "global::System.Math", "");

    private Precision(string real, string math, string literalSuffix)
    {
        Real = real;
        Math = math;
        LiteralSuffix = literalSuffix;
    }

    /// <summary><c>float</c> or <c>double</c>.</summary>
    public string Real { get; }

    /// <summary>The math class: <c>MathF</c> or <c>Math</c>.</summary>
    public string Math { get; }

    private string LiteralSuffix { get; }

    public bool IsDouble => this == Double;

    public string Literal(double value)
    {
        if (double.IsNaN(value)) return Real + ".NaN";
        if (double.IsPositiveInfinity(value)) return Real + ".PositiveInfinity";
        if (double.IsNegativeInfinity(value)) return Real + ".NegativeInfinity";
        if (IsDouble)
        {
            string text = value.ToString("R", CultureInfo.InvariantCulture);
            return text.Contains(".") || text.Contains("E") ? text : text + ".0";
        }
        return ((float)value).ToString("R", CultureInfo.InvariantCulture) + LiteralSuffix;
    }

    public string ReadOnlySpan => "global::System.ReadOnlySpan<" + Real + ">";
    public string Span => "global::System.Span<" + Real + ">";
}
