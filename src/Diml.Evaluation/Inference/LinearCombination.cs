namespace Diml.Evaluation.Inference;

/// <summary>A linear combination <c>cᵀθ</c> of the parameters, with a readable name such as <c>Toll[0] - LinearCost[0]</c> (ASCII: names appear in redirected tables and CSV).</summary>
/// <param name="Name">The combination in words.</param>
/// <param name="Coefficients">The coefficients <c>c</c>, one per parameter.</param>
public sealed record LinearCombination(string Name, double[] Coefficients)
{
    /// <summary>
    /// The combination as text: terms with coefficients of at least <paramref name="cutoff"/> in absolute value, in
    /// parameter order, a coefficient of ±1 written as a sign, others as <c>0.5*name</c>.
    /// </summary>
    public static string Describe(ReadOnlySpan<double> coefficients, IReadOnlyList<string> names, double cutoff = 1e-6)
    {
        var text = new System.Text.StringBuilder();
        for (int j = 0; j < coefficients.Length; j++)
        {
            double c = coefficients[j];
            if (Math.Abs(c) < cutoff) continue;
            bool first = text.Length == 0;
            if (c < 0) text.Append(first ? "-" : " - ");
            else if (!first) text.Append(" + ");
            double magnitude = Math.Abs(c);
            if (Math.Abs(magnitude - 1) > 1e-6) text.Append(magnitude.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)).Append('*');
            text.Append(names[j]);
        }
        return text.Length == 0 ? "0" : text.ToString();
    }
}
