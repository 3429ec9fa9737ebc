using System.Text.Json;

namespace Diml.IO;

/// <summary>
/// JSON has no NaN or infinity: every file and summary Diml writes gives a number that is not finite — a standard error
/// that is not identified, a metric a model cannot give — as <c>null</c>.
/// </summary>
public static class JsonNumbers
{
    /// <summary>Writes <paramref name="value"/>, or <c>null</c> where it is not finite.</summary>
    public static void WriteNumberOrNullValue(this Utf8JsonWriter writer, double value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (double.IsFinite(value)) writer.WriteNumberValue(value);
        else writer.WriteNullValue();
    }

    /// <summary>Writes the property <paramref name="name"/>: <paramref name="value"/>, or <c>null</c> where it is absent or not finite.</summary>
    public static void WriteNumberOrNull(this Utf8JsonWriter writer, string name, double? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WritePropertyName(name);
        writer.WriteNumberOrNullValue(value ?? double.NaN);
    }
}
