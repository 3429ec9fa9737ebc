using Diml.Data;

namespace Diml.Experiments.Reproduction;

/// <summary>
/// The published figures: the reference code's per-epoch log (<c>paper_training_curves.csv</c>, embedded; columns as
/// <c>training_curves.csv</c>) for dashed lines in the plots, and DESIGN §1's final-epoch table for <c>summary.md</c>.
/// </summary>
public sealed class PaperReference
{
    private readonly Dictionary<string, List<ResultRow>> _curves;

    private PaperReference(Dictionary<string, List<ResultRow>> curves) => _curves = curves;

    /// <summary>The embedded log.</summary>
    public static PaperReference Load()
    {
        using var stream = typeof(PaperReference).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream);
        var curves = ResultTable.Read(reader).Rows.GroupBy(r => r.Tag, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(r => r.Number(MetricColumns.Epoch)).ToList(), StringComparer.Ordinal);
        return new PaperReference(curves);
    }

    private const string ResourceName = "Diml.Experiments.Reproduction.Reference.paper_training_curves.csv";

    /// <summary>The published per-epoch rows of <paramref name="tag"/> (empty when the paper has no such run).</summary>
    public IReadOnlyList<ResultRow> Curve(string tag) => _curves.TryGetValue(tag, out var rows) ? rows : [];

    /// <summary>DESIGN §1's final-epoch figures: (experiment tag, model) ↦ (diff_mse, cfkl_params, nll_test).</summary>
    public static IReadOnlyDictionary<(string Tag, string Model), (double DiffMse, double CfklParams, double NllTest)> Final { get; } =
        new Dictionary<(string, string), (double, double, double)>
        {
            [("E1_UnstructuredNeural_3A", "DIML")] = (0.0098, 0.032, 1.765),
            [("E1_UnstructuredNeural_3A", "TabularMLE")] = (0.0129, 0.040, 1.765),
            [("E1_UnstructuredNeural_3A", "DIML_Wrong")] = (0.0402, 0.086, 1.785),
            [("E2_Congestion_4A", "DIML")] = (0.091, 0.222, 1.538),
            [("E2_Congestion_4A", "StructMLE")] = (0.0034, 0.137, 1.522),
            [("E2_Congestion_4A", "TabularMLE")] = (0.133, 0.125, 1.548),
            [("E2_Congestion_4A", "DIML_Wrong")] = (0.122, 0.510, 1.579),
            [("E3_PublicGoods_3A", "DIML")] = (0.019, 0.076, 1.911),
            [("E3_PublicGoods_3A", "StructMLE")] = (0.0004, 0.072, 1.903),
            [("E3_PublicGoods_3A", "DIML_Wrong")] = (0.059, 0.168, 1.940),
            [("E7_LargeScale_n40_A10", "DIML_Large")] = (2.5e-4, 0.095, 2.269),
            [("E7_LargeScale_n80_A20", "DIML_Large")] = (6.9e-5, 0.251, 2.977),
            [("E7_LargeScale_n120_A25", "DIML_Large")] = (3.4e-5, 0.329, 3.189),
            [("E7_LargeScale_n200_A30", "DIML_Large")] = (4.6e-5, 0.679, 3.378),
            [("E7_LargeScale_n300_A40", "DIML_Large")] = (4.3e-5, 1.645, 3.661),
        };
}
