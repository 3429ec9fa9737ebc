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
    /// Estimates the parameters of <paramref name="rule"/> named in <paramref name="estimated"/>: a block name,
    /// camel-cased or not (<c>alpha</c> or <c>Alpha</c>), estimates the whole block; an element name (<c>q0[2]</c>)
    /// estimates that element of a vector block only, the others staying at their values (how a Q0 pins a reference
    /// action: an attraction under softmax is identified only up to a common shift).
    /// </summary>
    /// <exception cref="ArgumentException">An unknown or repeated name, an element out of range, or a value outside its range.</exception>
    public LearnerParameters(ILearnableRule rule, IReadOnlyList<string> estimated)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(estimated);
        Rule = rule;
        var layout = rule.Layout;
        _natural = new float[layout.TotalLength];
        rule.ReadParameters(_natural);
        var blocks = new List<ParameterBlock>();
        var chosen = new List<(ParameterBlock Block, int Element)>();
        foreach (string name in estimated)
        {
            ArgumentNullException.ThrowIfNull(name, nameof(estimated));
            var (blockName, element) = SplitElement(name);
            int found = -1;
            for (int b = 0; b < layout.Blocks.Count; b++)
                if (string.Equals(layout.Blocks[b].Name, blockName, StringComparison.OrdinalIgnoreCase)) found = b;
            if (found < 0)
                throw new ArgumentException($"The rule {rule.RuleName} has no learnable parameter '{name}'; it has {Names(layout)}.", nameof(estimated));
            var block = layout.Blocks[found];
            if (element is int e && (block.Rank != 1 || e >= block.Length))
                throw new ArgumentException(block.Rank != 1
                    ? $"The learnable parameter '{CamelCase(block.Name)}' is not a vector; expected '{CamelCase(block.Name)}', found '{name}'."
                    : string.Create(CultureInfo.InvariantCulture, $"The learnable parameter '{CamelCase(block.Name)}' has {block.Length} elements; expected an index in [0, {block.Length}), found '{name}'."),
                    nameof(estimated));
            if (element is null && block.Length == 0)
                throw new ArgumentException($"The learnable parameter '{CamelCase(block.Name)}' of {rule.RuleName} has no elements; give the rule its values (one per action) before estimating them.", nameof(estimated));
            for (int k = element ?? 0; k < (element + 1 ?? block.Length); k++)
            {
                if (chosen.Contains((block, k)))
                    throw new ArgumentException($"The learnable parameter '{name}' is named twice.", nameof(estimated));
                chosen.Add((block, k));
            }
            if (!blocks.Contains(block)) blocks.Add(block);
        }
        // In the rule's declaration order, whatever the order of the names.
        chosen.Sort((x, y) => (x.Block.Offset + x.Element).CompareTo(y.Block.Offset + y.Element));
        blocks.Sort((x, y) => x.Offset.CompareTo(y.Offset));
        Estimated = blocks;
        var index = new List<int>();
        var range = new List<ParamRange>();
        var names = new List<string>();
        foreach (var (block, k) in chosen)
        {
            float value = _natural[block.Offset + k];
            string valueName = block.Rank == 0 ? CamelCase(block.Name) : string.Create(CultureInfo.InvariantCulture, $"{CamelCase(block.Name)}[{k}]");
            if (!ParamTransforms.Contains(block.Range, value))
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"The start value {value} of '{valueName}' is outside its range ({block.Range})."), nameof(estimated));
            index.Add(block.Offset + k);
            range.Add(block.Range);
            names.Add(valueName);
        }
        _index = [.. index];
        _range = [.. range];
        ValueNames = names;
    }

    /// <summary>The rule whose parameters are estimated.</summary>
    public ILearnableRule Rule { get; }

    /// <summary>The blocks with an estimated value, in the rule's declaration order (a vector may be estimated in part: see <see cref="ValueNames"/>).</summary>
    public IReadOnlyList<ParameterBlock> Estimated { get; }

    /// <summary>The name of each raw value, in order: <c>alpha</c> for a scalar, <c>q0[2]</c> for a vector element.</summary>
    public IReadOnlyList<string> ValueNames { get; }

    /// <summary>The range of raw value <paramref name="j"/> (its transform).</summary>
    public ParamRange RangeOf(int j) => _range[j];

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

    /// <summary>The estimated values at <paramref name="raw"/>, natural scale, by <see cref="ValueNames"/> (<c>q0[2]</c> for a vector element).</summary>
    public IReadOnlyDictionary<string, double> Values(ReadOnlySpan<float> raw)
    {
        var values = new Dictionary<string, double>();
        for (int j = 0; j < _index.Length; j++) values[ValueNames[j]] = (float)ParamTransforms.ToNatural(_range[j], raw[j]);
        return values;
    }

    /// <summary>A parameter name as the CLI and model files spell it: <c>Alpha</c> → <c>alpha</c>, <c>Q0</c> → <c>q0</c>.</summary>
    public static string CamelCase(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];

    /// <summary><c>q0[2]</c> → (<c>q0</c>, 2); <c>alpha</c> → (<c>alpha</c>, null).</summary>
    private static (string Block, int? Element) SplitElement(string name)
    {
        int open = name.IndexOf('[', StringComparison.Ordinal);
        if (open < 0 || !name.EndsWith(']'))
            return (name, null);
        return int.TryParse(name.AsSpan(open + 1, name.Length - open - 2), NumberStyles.None, CultureInfo.InvariantCulture, out int element)
            ? (name[..open], element)
            : (name, null);
    }

    private static string Names(ParameterLayout layout)
        => layout.Blocks.Count == 0 ? "none" : string.Join(", ", layout.Blocks.Select(b => CamelCase(b.Name)));
}
