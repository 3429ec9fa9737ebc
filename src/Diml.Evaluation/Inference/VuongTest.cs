namespace Diml.Evaluation.Inference;

/// <summary>Vuong's test of two non-nested models, by episode (<see cref="ModelComparison.Vuong"/>).</summary>
/// <param name="First">The first model.</param>
/// <param name="Second">The second model.</param>
/// <param name="Statistic"><c>z = √G · mean(m) / sd(m)</c>, <c>m_e = log L_first,e − log L_second,e</c>: positive favours the first.</param>
/// <param name="PValue">Two-sided <c>2(1 − Φ(|z|))</c> against "equally close to the truth".</param>
public sealed record VuongTest(string First, string Second, double Statistic, double PValue)
{
    /// <summary>The model the test prefers at the 5% level, or null when it prefers neither.</summary>
    public string? Preferred => PValue < 0.05 ? (Statistic > 0 ? First : Second) : null;
}
