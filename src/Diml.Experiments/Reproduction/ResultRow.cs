namespace Diml.Experiments.Reproduction;

/// <summary>One row of a result file: text cells (tag, experiment, model) and numeric cells (NaN written empty).</summary>
public sealed class ResultRow
{
    private readonly Dictionary<string, string> _text = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _numbers = new(StringComparer.Ordinal);

    /// <summary>The text of <paramref name="column"/> ("" when unset).</summary>
    public string Text(string column) => _text.GetValueOrDefault(column, "");

    /// <summary>The number in <paramref name="column"/> (NaN when unset or empty).</summary>
    public double Number(string column) => _numbers.GetValueOrDefault(column, double.NaN);

    /// <summary>Sets a text cell.</summary>
    public ResultRow Set(string column, string value)
    {
        _text[column] = value;
        return this;
    }

    /// <summary>Sets a numeric cell.</summary>
    public ResultRow Set(string column, double value)
    {
        _numbers[column] = value;
        return this;
    }

    /// <summary>Copies every cell of <paramref name="other"/> into this row.</summary>
    public ResultRow SetAll(ResultRow other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (k, v) in other._text) _text[k] = v;
        foreach (var (k, v) in other._numbers) _numbers[k] = v;
        return this;
    }

    /// <summary>The tag, <c>EXPERIMENT_TAG/MODEL</c>.</summary>
    public string Tag => Text(MetricColumns.Tag);
}
