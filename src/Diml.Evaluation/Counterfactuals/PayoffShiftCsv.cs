using System.Globalization;
using Diml.Data;

namespace Diml.Evaluation.Counterfactuals;

/// <summary>
/// The payoff-shift file of <c>diml counterfactual --payoff-shift</c> (docs/formats.md): a header <c>action,shift</c>, then
/// one row per shifted own action — the action (0 .. A−1) and the additive payoff change in the model's payoff units
/// (negative: a toll; positive: a subsidy). Actions not listed are not shifted; an action listed twice is an error.
/// </summary>
public static class PayoffShiftCsv
{
    private static readonly string[] Header = ["action", "shift"];

    /// <summary>Reads the shifts of a game with <paramref name="actions"/> actions from <paramref name="path"/>.</summary>
    /// <exception cref="DataFormatException">The file does not follow the format (with file, line and column).</exception>
    public static float[] Read(string path, int actions)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        return Read(reader, path, actions);
    }

    /// <summary>Reads the shifts from <paramref name="reader"/>; <paramref name="source"/> names it in errors.</summary>
    public static float[] Read(TextReader reader, string source, int actions)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentOutOfRangeException.ThrowIfLessThan(actions, 1);
        var shifts = new float[actions];
        var listedOn = new int[actions];
        int lineNumber = 0;
        bool headerSeen = false;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Trim().Length == 0) continue;
            var cells = line.Split(',');
            if (!headerSeen)
            {
                var names = cells.Select(c => c.Trim()).ToArray();
                if (!names.SequenceEqual(Header, StringComparer.Ordinal))
                    throw new DataFormatException(source, lineNumber, null, null, null, "the header 'action,shift'", $"'{line}'");
                headerSeen = true;
                continue;
            }
            if (cells.Length != 2)
                throw new DataFormatException(source, lineNumber, null, null, null, "2 cells (action,shift)",
                    string.Create(CultureInfo.InvariantCulture, $"{cells.Length} in '{line}'"));
            string actionText = cells[0].Trim(), shiftText = cells[1].Trim();
            if (!int.TryParse(actionText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int action) || action < 0 || action >= actions)
                throw new DataFormatException(source, lineNumber, "action", 1, null,
                    string.Create(CultureInfo.InvariantCulture, $"an integer in 0..{actions - 1} ({actions} actions)"), $"'{actionText}'");
            if (!double.TryParse(shiftText, NumberStyles.Float, CultureInfo.InvariantCulture, out double shift) || !double.IsFinite(shift) || Math.Abs(shift) > float.MaxValue)
                throw new DataFormatException(source, lineNumber, "shift", 2, null, "a finite number (payoff units)", $"'{shiftText}'");
            if (listedOn[action] != 0)
                throw new DataFormatException(source, lineNumber, "action", 1, string.Create(CultureInfo.InvariantCulture, $"action {action} is listed twice"),
                    "each action at most once", string.Create(CultureInfo.InvariantCulture, $"it again after line {listedOn[action]}"), relatedLine: listedOn[action]);
            listedOn[action] = lineNumber;
            shifts[action] = (float)shift;
        }
        if (!headerSeen) throw new DataFormatException(source, null, null, null, null, "the header 'action,shift'", "an empty file");
        return shifts;
    }
}
