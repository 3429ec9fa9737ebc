using System.Globalization;
using System.Text;

namespace Diml.IO;

/// <summary>
/// Makes text from files safe to print in a message: control characters (a terminal would act on them: escape
/// sequences, carriage returns, bells), bidirectional overrides and lone surrogates are written as escapes
/// (<c>\n</c>, <c>\x1B</c>, <c>\u202E</c>), so a message is one readable line that shows what the file holds.
/// </summary>
public static class MessageText
{
    /// <summary><paramref name="text"/> with every unprintable character escaped; the same string when there is none.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int first = 0;
        while (first < text.Length && !NeedsEscape(text, first)) first++;
        if (first == text.Length) return text;
        var result = new StringBuilder(text.Length + 8);
        result.Append(text, 0, first);
        for (int i = first; i < text.Length; i++)
        {
            char c = text[i];
            if (!NeedsEscape(text, i))
            {
                result.Append(c);
                continue;
            }
            switch (c)
            {
                case '\n': result.Append("\\n"); break;
                case '\r': result.Append("\\r"); break;
                case '\t': result.Append("\\t"); break;
                case '\0': result.Append("\\0"); break;
                default:
                    result.Append(c <= 0xFF ? string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:X2}")
                        : string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"));
                    break;
            }
        }
        return result.ToString();
    }

    /// <summary>A count with its noun in the right number: <c>1 agent</c>, <c>3 agents</c> (the noun's plural adds an s).</summary>
    public static string Count(long count, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? "" : "s")}");

    private static bool NeedsEscape(string text, int i)
    {
        char c = text[i];
        if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) return true;
        // Bidirectional embeddings, overrides and isolates reorder what a terminal shows.
        if (c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\uFEFF') return true;
        if (char.IsHighSurrogate(c)) return i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]);
        return char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(text[i - 1]));
    }
}
