using System.Globalization;

namespace Diml.Interventions;

/// <summary>
/// A mechanism's known money term: a payoff term that is linear in one parameter block and that the block enters
/// nowhere else — the return on the public account <c>s·(1 − e^(−kΣℓ))</c> of the public-goods mechanism (block
/// <c>Scale</c>), the toll revenue <c>τ[a]·load</c> of the congestion mechanism (block <c>Toll</c>). Scaling the block by
/// <c>r</c> is then exactly the intervention <c>Δ(a) = (r − 1)·term(a)</c> at the fitted parameters.
/// </summary>
/// <param name="Block">The parameter block the term is linear in.</param>
/// <param name="Description">What the term is, for help and reports.</param>
public sealed record MoneyTerm(string Block, string Description)
{
    /// <summary>
    /// A copy of <paramref name="theta"/> (laid out by <paramref name="layout"/>) with the money term's block multiplied by
    /// <paramref name="factor"/>; a factor of 1 returns the parameters unchanged, bit for bit.
    /// </summary>
    public float[] Scale(ParameterLayout layout, ReadOnlySpan<float> theta, double factor)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (theta.Length != layout.TotalLength)
            throw new ArgumentException($"{nameof(theta)}: expected {layout.TotalLength} parameters ({layout}), found {theta.Length}.", nameof(theta));
        if (!double.IsFinite(factor))
            throw new ArgumentOutOfRangeException(nameof(factor), factor, string.Create(CultureInfo.InvariantCulture, $"{nameof(factor)}: expected a finite factor, found {factor}."));
        if (!layout.Blocks.Any(b => b.Name == Block))
            throw new ArgumentException($"{nameof(layout)}: the money term's block '{Block}' is not in the layout [{layout}].", nameof(layout));
        var scaled = theta.ToArray();
        if (factor == 1) return scaled;
        var block = layout[Block];
        for (int j = block.Offset; j < block.Offset + block.Length; j++) scaled[j] = (float)(scaled[j] * factor);
        return scaled;
    }
}
