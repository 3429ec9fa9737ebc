using System.Globalization;
using Diml.Experiments.Reproduction;

namespace Diml.Experiments.Tests.Reproduction;

public sealed class ReproduceCommandTests
{
    private static List<Dictionary<string, string>> ReadCsv(string path, out string[] header)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
        header = lines[0].Split(',');
        var columns = header;
        return lines.Skip(1).Select(l => l.Split(',')).Select(cells => columns.Select((c, i) => (c, cells[i])).ToDictionary(p => p.c, p => p.Item2)).ToList();
    }

    private static double Number(Dictionary<string, string> row, string column) =>
        row[column].Length == 0 ? double.NaN : double.Parse(row[column], CultureInfo.InvariantCulture);

    [Fact]
    public void Quick_WritesCurvesResultsPlotsAndSummary_WithFiniteMetricsThatImprove()
    {
        using var cli = new CliHarness();
        string folder = cli.PathOf("results");
        var run = cli.Run("reproduce", "--quick", "--threads", "2", "--out", folder);
        Assert.True(run.ExitCode == 0, run.Error);

        var curves = ReadCsv(Path.Combine(folder, "training_curves.csv"), out var curveHeader);
        Assert.Equal(MetricColumns.Curve, curveHeader);
        Assert.Equal(["tag", "epoch", "train_loss", "epoch_seconds", "train_s", "mse_on", "diff_mse", "nll_test", "nll_test_in_support", "cfkl_params", "cfkl_params_in_support"],
            curveHeader.Take(11));
        var finals = ReadCsv(Path.Combine(folder, "evaluation_results.csv"), out var finalHeader);
        Assert.Equal(MetricColumns.Final, finalHeader);

        string[] expectedTags =
        [
            "E1_UnstructuredNeural_3A/DIML", "E1_UnstructuredNeural_3A/DIML_Selected", "E1_UnstructuredNeural_3A/DIML_Wrong",
            "E2_Congestion_4A/DIML", "E2_Congestion_4A/DIML_Selected", "E2_Congestion_4A/DIML_Wrong",
            "E7_LargeScale_n40_A10/DIML_Large", "E7_LargeScale_n80_A20/DIML_Large",
        ];
        foreach (string tag in expectedTags)
        {
            var final = Assert.Single(finals, r => r["tag"] == tag);
            foreach (string metric in new[] { "mse_on", "mse_off", "diff_mse", "nll_test", "cfkl_params", "cf_policy_kl", "wall_s" })
                Assert.True(double.IsFinite(Number(final, metric)), $"{tag} {metric} = '{final[metric]}'");
            // In-support metrics are empty only when no context of the large games' short quick runs recurs in training.
            if (!tag.StartsWith("E7", StringComparison.Ordinal))
                foreach (string metric in new[] { "nll_test_in_support", "cfkl_params_in_support" })
                    Assert.True(double.IsFinite(Number(final, metric)), $"{tag} {metric} = '{final[metric]}'");
            Assert.Contains(curves, r => r["tag"] == tag);
        }

        // DIML learns: on E1 the training loss and the held-out NLL fall over training; on E7 (whose first-epoch model is
        // far from the truth) so does the payoff-difference error. (E1's diff_mse starts low and, as in the paper's own
        // log, need not fall over 15 epochs.)
        var e1 = curves.Where(r => r["tag"] == "E1_UnstructuredNeural_3A/DIML").OrderBy(r => Number(r, "epoch")).ToList();
        Assert.Equal(15, e1.Count);
        var e7 = curves.Where(r => r["tag"] == "E7_LargeScale_n40_A10/DIML_Large" && r["diff_mse"].Length > 0).OrderBy(r => Number(r, "epoch")).ToList();
        Assert.True(Number(e7[^1], "diff_mse") < Number(e7[0], "diff_mse"), $"E7 diff_mse {e7[0]["diff_mse"]} -> {e7[^1]["diff_mse"]}");
        Assert.True(Number(e1[^1], "nll_test") < Number(e1[0], "nll_test"), $"nll_test {e1[0]["nll_test"]} -> {e1[^1]["nll_test"]}");
        Assert.True(Number(e1[^1], "train_loss") < Number(e1[0], "train_loss"));
        Assert.All(e1, r => Assert.True(double.IsFinite(Number(r, "diff_mse")) && double.IsFinite(Number(r, "nll_test"))));

        // The reference rows have no validation; DIML_Selected's final row is the epoch of its lowest validation NLL, on
        // training-side data only.
        Assert.All(e1, r => Assert.Equal("", r["validation_nll"]));
        Assert.Equal("", Assert.Single(finals, r => r["tag"] == "E1_UnstructuredNeural_3A/DIML")["selected_epoch"]);
        var selectedCurve = curves.Where(r => r["tag"] == "E1_UnstructuredNeural_3A/DIML_Selected").OrderBy(r => Number(r, "epoch")).ToList();
        var selectedFinal = Assert.Single(finals, r => r["tag"] == "E1_UnstructuredNeural_3A/DIML_Selected");
        var validation = selectedCurve.Select(r => Number(r, "validation_nll")).ToArray();
        Assert.All(validation, v => Assert.True(double.IsFinite(v)));
        Assert.Equal(Array.IndexOf(validation, validation.Min()) + 1, Number(selectedFinal, "selected_epoch"));
        Assert.Equal(selectedCurve.Count, Number(selectedFinal, "epochs"));

        foreach (string figure in new[] { "E1", "E2", "E7" })
        {
            var png = File.ReadAllBytes(Path.Combine(folder, "plots", figure + ".png"));
            Assert.True(png.Length > 10_000 && png[1] == (byte)'P' && png[2] == (byte)'N' && png[3] == (byte)'G', $"{figure}.png is not a PNG");
            string svg = File.ReadAllText(Path.Combine(folder, "plots", figure + ".svg"));
            Assert.StartsWith("<svg", svg, StringComparison.Ordinal);
            Assert.Contains("diff_mse", svg, StringComparison.Ordinal);
        }

        string summary = File.ReadAllText(Path.Combine(folder, "summary.md"));
        Assert.Contains("## E1 — `E1_UnstructuredNeural_3A`", summary, StringComparison.Ordinal);
        Assert.Contains("| DIML | 1 |", summary, StringComparison.Ordinal);
        Assert.Contains("0.0098", summary, StringComparison.Ordinal); // the paper's E1 DIML diff_mse beside ours
        Assert.Contains("## Differences from the paper", summary, StringComparison.Ordinal);
        Assert.DoesNotContain(Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories), _ => true);
    }

    [Fact]
    public void SecondRun_SkipsCompleteRuns_AndRerunsOnlyAnIncompleteOne()
    {
        using var cli = new CliHarness();
        string folder = cli.PathOf("results");
        var first = cli.Run("reproduce", "--tiny", "--only", "E1,E7_n40", "--threads", "1", "--out", folder, "--no-plots");
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("7 runs done, 0 already complete", first.Output, StringComparison.Ordinal);
        string curves = File.ReadAllText(Path.Combine(folder, "training_curves.csv"));
        string results = File.ReadAllText(Path.Combine(folder, "evaluation_results.csv"));

        var second = cli.Run("reproduce", "--tiny", "--only", "E1,E7_n40", "--threads", "2", "--out", folder, "--no-plots");
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Contains("0 runs done, 7 already complete", second.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("fitting", second.Error, StringComparison.Ordinal);
        Assert.Equal(curves, File.ReadAllText(Path.Combine(folder, "training_curves.csv")));
        Assert.Equal(results, File.ReadAllText(Path.Combine(folder, "evaluation_results.csv")));

        // A run without its completion marker is run again — and, being seeded, gives the same metrics.
        File.Delete(Path.Combine(folder, "runs", "E1", "DIML_Wrong", "seed0", "final.csv"));
        var third = cli.Run("reproduce", "--tiny", "--only", "E1,E7_n40", "--threads", "2", "--out", folder, "--no-plots");
        Assert.True(third.ExitCode == 0, third.Error);
        Assert.Contains("1 runs done, 6 already complete", third.Output, StringComparison.Ordinal);
        var before = ReadCsv(Path.Combine(folder, "evaluation_results.csv"), out _);
        Assert.Equal(7, before.Count);
        string Metrics(string text) => string.Join('\n', text.Split('\n').Select(l => string.Join(',', l.Split(',').Take(15))));
        Assert.Equal(Metrics(results), Metrics(File.ReadAllText(Path.Combine(folder, "evaluation_results.csv"))));
    }

    [Fact]
    public void IndependentStreams_RerunTheRuns_KeepTheFloor_AndTheDefaultKeepsStoredFingerprints()
    {
        // The fingerprints of the full run in docs/results (stored before --cf-streams existed) are those of the default.
        var full = ReferenceSuite.Full();
        Assert.Equal("4b8ef1d6f37d878c", full.Single(d => d.Id == "E1").Fingerprint());
        Assert.Equal("758419ea8bb7476f", full.Single(d => d.Id == "E7_n300").Fingerprint());
        Assert.NotEqual(full[0].Fingerprint(), (full[0] with { Streams = Diml.Evaluation.SimulationStreams.Independent }).Fingerprint());

        using var cli = new CliHarness();
        string folder = cli.PathOf("results");
        Assert.Equal(0, cli.Run("reproduce", "--tiny", "--only", "E2", "--threads", "1", "--out", folder, "--no-plots").ExitCode);
        var common = ReadCsv(Path.Combine(folder, "evaluation_results.csv"), out _);
        var run = cli.Run("reproduce", "--tiny", "--only", "E2", "--cf-streams", "independent", "--threads", "1", "--out", folder, "--no-plots");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("0 already complete", run.Output, StringComparison.Ordinal);
        var independent = ReadCsv(Path.Combine(folder, "evaluation_results.csv"), out _);
        foreach (var row in common.Where(r => r["cfkl_params"].Length > 0))
        {
            var other = Assert.Single(independent, r => r["tag"] == row["tag"]);
            Assert.Equal(row["cfkl_floor"], other["cfkl_floor"]);
            Assert.Equal(row["diff_mse"], other["diff_mse"]);
            Assert.NotEqual(row["cfkl_params"], other["cfkl_params"]);
            Assert.True(Number(row, "cfkl_floor") > 0);
        }

        var bad = cli.Run("reproduce", "--tiny", "--only", "E2", "--cf-streams", "shared", "--out", folder);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--cf-streams: expected common or independent, found 'shared'.", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void AnotherScale_DoesNotReuseRunsOfTheFirst()
    {
        using var cli = new CliHarness();
        string folder = cli.PathOf("results");
        Assert.Equal(0, cli.Run("reproduce", "--tiny", "--only", "E7_n40", "--out", folder, "--no-plots").ExitCode);
        File.WriteAllText(Path.Combine(folder, "runs", "E7_n40", "DIML_Large", "seed0", "final.csv"),
            "# fingerprint 0000000000000000\n" + string.Join(',', MetricColumns.Final) + "\n");
        var rerun = cli.Run("reproduce", "--tiny", "--only", "E7_n40", "--out", folder, "--no-plots");
        Assert.Contains("1 runs done, 0 already complete", rerun.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownExperiment_IsAUsageError()
    {
        using var cli = new CliHarness();
        var run = cli.Run("reproduce", "--only", "E9", "--out", cli.PathOf("r"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--only: expected experiments among", run.Error, StringComparison.Ordinal);
        Assert.Contains("found 'E9'", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Registry_HasDimlRunners_AndLeavesTheBaselinesToRegister()
    {
        Assert.NotNull(ModelRunnerRegistry.Find(ModelNames.Diml));
        Assert.NotNull(ModelRunnerRegistry.Find(ModelNames.DimlWrong));
        Assert.NotNull(ModelRunnerRegistry.Find(ModelNames.DimlLarge));
        var e1 = ReferenceSuite.Full()[0];
        Assert.True(ModelRunnerRegistry.AppliesTo(ModelNames.TabularMle, e1));
        Assert.False(ModelRunnerRegistry.AppliesTo(ModelNames.TabularMle, ReferenceSuite.Full().Single(d => d.Id == "E7_n40")));
        Assert.Equal(8, ReferenceSuite.Full().Count);
    }
}
