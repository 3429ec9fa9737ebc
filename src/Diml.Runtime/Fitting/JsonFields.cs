using System.Globalization;
using System.Text.Json;

namespace Diml.Fitting;

/// <summary>
/// Reads the members of a JSON document with their paths, so that every problem is a <see cref="ModelFileException"/>
/// naming the file, the JSON path, what was expected and what was found. Objects refuse duplicate and unknown members:
/// a misspelt optional member would otherwise be silently ignored.
/// </summary>
internal sealed class JsonFields(string file, string kind)
{
    /// <summary>Largest file read into memory (model and checkpoint files of the reference runs are a few MB).</summary>
    public const long MaxFileBytes = 1L << 30;

    /// <summary>Parses the file at <see cref="File"/>; syntax errors name the line and byte.</summary>
    public JsonDocument Parse()
    {
        var info = new FileInfo(file);
        if (!info.Exists) throw new FileNotFoundException($"Cannot read '{file}': expected a file, found none.", file);
        if (info.Length > MaxFileBytes)
            throw Error(null, string.Create(CultureInfo.InvariantCulture, $"a file of at most {MaxFileBytes:N0} bytes"),
                string.Create(CultureInfo.InvariantCulture, $"{info.Length:N0} bytes"));
        using var stream = info.OpenRead();
        try
        {
            return JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            string found = e.Message.Split(" LineNumber:", 2)[0].TrimEnd('.', ' ');
            throw new ModelFileException(file, null, kind, $"text that is not valid JSON ({found})",
                e.LineNumber + 1, e.BytePositionInLine + 1, e);
        }
    }

    public string File => file;

    /// <summary>The members of the object at <paramref name="path"/>, checking there are no duplicates and none outside <paramref name="allowed"/>.</summary>
    public Dictionary<string, JsonElement> Object(JsonElement element, string path, params string[] allowed)
    {
        if (element.ValueKind != JsonValueKind.Object) throw Error(path, "an object", Describe(element));
        var members = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            string at = Member(path, property.Name);
            if (System.Array.IndexOf(allowed, property.Name) < 0)
                throw Error(at, $"only the members {string.Join(", ", allowed)}", $"an unknown member '{property.Name}'");
            if (!members.TryAdd(property.Name, property.Value))
                throw Error(at, $"'{property.Name}' once", "it a second time");
        }
        return members;
    }

    /// <summary>The member <paramref name="name"/> of an object read by <see cref="Object"/>.</summary>
    public JsonElement Required(Dictionary<string, JsonElement> members, string path, string name) =>
        members.TryGetValue(name, out var value) ? value : throw Error(Member(path, name), $"a member '{name}'", "none");

    public string String(JsonElement element, string path, bool allowEmpty = false)
    {
        if (element.ValueKind != JsonValueKind.String) throw Error(path, "a string", Describe(element));
        string value = element.GetString()!;
        if (!allowEmpty && value.Length == 0) throw Error(path, "a non-empty string", "an empty string");
        return value;
    }

    public int Int(JsonElement element, string path, int minimum, int maximum)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out long value) || value < minimum || value > maximum)
            throw Error(path, string.Create(CultureInfo.InvariantCulture, $"an integer in {minimum}..{maximum}"), Describe(element));
        return (int)value;
    }

    public ulong ULong(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetUInt64(out ulong value))
            throw Error(path, "an integer in 0..18446744073709551615", Describe(element));
        return value;
    }

    public long NonNegativeLong(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out long value) || value < 0)
            throw Error(path, "a non-negative integer", Describe(element));
        return value;
    }

    public double Double(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out double value) || !double.IsFinite(value))
            throw Error(path, "a finite number", Describe(element));
        return value;
    }

    /// <summary>A finite number, or NaN for null (a standard error that was not identified).</summary>
    public double DoubleOrNull(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.Null ? double.NaN : Double(element, path);

    /// <summary>A finite 32-bit float, parsed directly as float so that the shortest round-trip text gives the identical bits.</summary>
    public float Float(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetSingle(out float value) || !float.IsFinite(value))
            throw Error(path, "a finite 32-bit float (magnitude at most 3.4028235E+38)", Describe(element));
        return value;
    }

    public JsonElement Array(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Array) throw Error(path, "an array", Describe(element));
        return element;
    }

    public T Enum<T>(JsonElement element, string path) where T : struct, Enum
    {
        string value = String(element, path, allowEmpty: true);
        // Names only: Enum.TryParse would also take "1" or " Joint".
        if (System.Enum.GetNames<T>().Contains(value, StringComparer.Ordinal)) return System.Enum.Parse<T>(value);
        throw Error(path, "one of " + string.Join(", ", System.Enum.GetNames<T>()), $"'{value}'");
    }

    public ModelFileException Error(string? path, string expected, string found) => new(file, path, expected, found);

    public static string Member(string path, string name) => path + "." + name;

    public static string Index(string path, int index) => string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]");

    /// <summary>A short description of a JSON value for messages.</summary>
    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string {Shorten(element.GetRawText())}",
        JsonValueKind.Number => $"the number {Shorten(element.GetRawText())}",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static string Shorten(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");
}
