using System.Globalization;
using System.Numerics;

namespace Diml.Fitting;

/// <summary>
/// Which of a learning rule's parameters a fit estimates, and how: the estimated ones enter the fit's flat vector
/// <c>[mechanism θ | raw learner values]</c> after the mechanism's parameters, one raw value each
/// (<see cref="ParamTransforms"/> by the block's <see cref="ParamRange"/>: α = sigmoid(raw), β = exp(raw)); the others
/// stay at the rule's values when this was built. The objective, optimiser and checkpoints see only that one vector.
/// </summary>
public sealed class LearnerParameters
{
    private readonly float[] _natural;      // the rule's values: fixed ones stay, estimated ones are overwritten
    private readonly int[] _index;          // raw value j → its position in the rule's vector
    private readonly ParamRange[] _range;   // raw value j → its range

    /// <summary>
    /// Estimates the parameters of <paramref name="rule"/> named in <paramref name="estimated"/> (the block names,
    /// camel-cased or not: <c>alpha</c> or <c>Alpha</c>); a vector block (Q0) is estimated whole.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown or repeated name, or a value outside its range.</exception>
    public LearnerParameters(ILearnableRule rule, IReadOnlyList<string> estimated)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(estimated);
        Rule = rule;
        var layout = rule.Layout;
        _natural = new float[layout.TotalLength];
        rule.ReadParameters(_natural);
        var blocks = new List<ParameterBlock>();
        foreach (string name in estimated)
        {
            int found = -1;
            for (int b = 0; b < layout.Blocks.Count; b++)
                if (string.Equals(layout.Blocks[b].Name, name, StringComparison.OrdinalIgnoreCase)) found = b;
            if (found < 0)
                throw new ArgumentException($"The rule {rule.RuleName} has no learnable parameter '{name}'; it has {Names(layout)}.", nameof(estimated));
            if (blocks.Contains(layout.Blocks[found]))
                throw new ArgumentException($"The learnable parameter '{name}' is named twice.", nameof(estimated));
            blocks.Add(layout.Blocks[found]);
        }
        // In the rule's declaration order, whatever the order of the names.
        blocks.Sort((x, y) => x.Offset.CompareTo(y.Offset));
        Estimated = blocks;
        var index = new List<int>();
        var range = new List<ParamRange>();
        foreach (var block in blocks)
            for (int k = 0; k < block.Length; k++)
            {
                float value = _natural[block.Offset + k];
                if (!ParamTransforms.Contains(block.Range, value))
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"The start value {value} of '{CamelCase(block.Name)}' is outside its range ({block.Range})."), nameof(estimated));
                index.Add(block.Offset + k);
                range.Add(block.Range);
            }
        _index = [.. index];
        _range = [.. range];
    }

    /// <summary>The rule whose parameters are estimated.</summary>
    public ILearnableRule Rule { get; }

    /// <summary>The estimated blocks, in the rule's declaration order (the order of their raw values).</summary>
    public IReadOnlyList<ParameterBlock> Estimated { get; }

    /// <summary>Number of raw values the fit's flat vector gains.</summary>
    public int Length => _index.Length;

    /// <summary>Length of the rule's own parameter vector (estimated and fixed).</summary>
    public int RuleLength => _natural.Length;

    /// <summary>Writes the raw values of the rule's current start values into <paramref name="raw"/> (<see cref="Length"/>).</summary>
    public void StartRaw(Span<float> raw)
    {
        for (int j = 0; j < _index.Length; j++) raw[j] = (float)ParamTransforms.ToRaw(_range[j], _natural[_index[j]]);
    }

    /// <summary>The rule's whole natural parameter vector at raw values <paramref name="raw"/> (fixed values as they were).</summary>
    public void ToNatural<T>(ReadOnlySpan<T> raw, Span<T> natural) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < _natural.Length; i++) natural[i] = T.CreateTruncating(_natural[i]);
        for (int j = 0; j < _index.Length; j++)
            natural[_index[j]] = T.CreateTruncating(ParamTransforms.ToNatural(_range[j], double.CreateTruncating(raw[j])));
    }

    /// <summary>The gradient with respect to the raw values, from that with respect to the natural vector: <c>rawBar[j] = naturalBar[i]·dv/dr</c>.</summary>
    public void PullBack<T>(ReadOnlySpan<T> raw, ReadOnlySpan<T> naturalBar, Span<T> rawBar) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int j = 0; j < _index.Length; j++)
            rawBar[j] = naturalBar[_index[j]] * T.CreateTruncating(ParamTransforms.Derivative(_range[j], double.CreateTruncating(raw[j])));
    }

    /// <summary>Writes the natural values at <paramref name="raw"/> into the rule's fields (what simulation and model files then use).</summary>
    public void Apply(ReadOnlySpan<float> raw)
    {
        var natural = new float[_natural.Length];
        ToNatural(raw, natural.AsSpan());
        Rule.WriteParameters(natural);
    }

    /// <summary>The estimated values at <paramref name="raw"/>, natural scale, by camel-cased name (<c>q0[2]</c> for a vector element).</summary>
    public IReadOnlyDictionary<string, double> Values(ReadOnlySpan<float> raw)
    {
        var values = new Dictionary<string, double>();
        int j = 0;
        foreach (var block in Estimated)
            for (int k = 0; k < block.Length; k++, j++)
            {
                string name = block.Rank == 0 ? CamelCase(block.Name) : string.Create(CultureInfo.InvariantCulture, $"{CamelCase(block.Name)}[{k}]");
                values[name] = (float)ParamTransforms.ToNatural(_range[j], raw[j]);
            }
        return values;
    }

    /// <summary>The estimated parameters' camel-cased names, in order (for files and messages).</summary>
    public IReadOnlyList<string> EstimatedNames => Estimated.Select(b => CamelCase(b.Name)).ToArray();

    /// <summary>A parameter name as the CLI and model files spell it: <c>Alpha</c> → <c>alpha</c>, <c>Q0</c> → <c>q0</c>.</summary>
    public static string CamelCase(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];

    private static string Names(ParameterLayout layout)
        => layout.Blocks.Count == 0 ? "none" : string.Join(", ", layout.Blocks.Select(b => CamelCase(b.Name)));
}
