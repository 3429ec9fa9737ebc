using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Diml.Experiments.Performance;
using Spectre.Console;

namespace Diml.Experiments.Commands;

/// <summary>
/// <c>diml bench</c>: measures the machine's fp32 FMA peak, times the paper's training epochs and the largest simulation
/// in-process after warm-up and prints seconds, allocated bytes, useful GFLOP and the fraction of the peak per epoch beside
/// the reference's figures (DESIGN §1, docs/performance.md).
/// </summary>
internal static class BenchCommand
{
    public static Command Create(CliConsole console)
    {
        var json = new Option<bool>("--json") { Description = "print one JSON object per case instead of a table" };
        var threads = CliOptions.Int("--threads", "threads the work runs on", Environment.ProcessorCount, expected: "a positive integer");
        var repetitions = CliOptions.Int("--repetitions", "measured repetitions per case (the median is reported), after a warm-up of at least a second", 5, expected: "a positive integer");
        var command = new Command("bench", "Measure the FMA peak, then time a training epoch of E1, E7 n=40 and E7 n=300, and the E7 n=300 simulation.");
        command.Options.Add(json);
        command.Options.Add(threads);
        command.Options.Add(repetitions);
        command.SetAction(parse =>
        {
            var report = BenchmarkRunner.Run(parse.GetValue(threads), parse.GetValue(repetitions), step => console.Error.WriteLine("measuring " + step));
            if (parse.GetValue(json))
            {
                foreach (var c in report.Cases) console.OutWriter.WriteLine(Json(c, report)); // raw: the styled console wraps long lines
                return ExitCodes.Success;
            }
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"fp32 FMA peak ({report.Peak.VectorBits}-bit vectors): {report.OneCorePeak.Gflops:F1} GFLOP/s on one thread, {report.Peak.Gflops:F1} on {report.Peak.Threads}"));
            var table = CliTables.Create(console, "case", "seconds", "GFLOP", "GFLOP/s", "of peak", "bytes allocated", "threads", "reference (2-core CPU)", "speed-up");
            foreach (var c in report.Cases)
                table.AddRow(new Text(c.Case), new Text(c.SecondsPerEpoch.ToString("F4", CultureInfo.InvariantCulture)),
                    Optional(console, c.GflopPerEpoch, "G4"), Optional(console, c.Gflops, "F1"), Optional(console, c.PeakFraction, "P1"),
                    new Text(c.BytesPerEpoch.ToString(CultureInfo.InvariantCulture)), new Text(c.Threads.ToString(CultureInfo.InvariantCulture)),
                    new Text(c.ReferenceSeconds is { } r ? r.ToString("G4", CultureInfo.InvariantCulture) + " s" : CliTables.None(console)),
                    new Text(c.ReferenceSeconds is { } s ? (s / c.SecondsPerEpoch).ToString("F0", CultureInfo.InvariantCulture) + "x" : CliTables.None(console)));
            console.Out.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>One case as the JSON object <c>--json</c> prints (figures not counted for the case are NaN).</summary>
    internal static string Json(BenchmarkCase c, BenchmarkReport report) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["case"] = c.Case,
        ["seconds_per_epoch"] = c.SecondsPerEpoch,
        ["gflop_per_epoch"] = c.GflopPerEpoch ?? double.NaN,
        ["gflops"] = c.Gflops ?? double.NaN,
        ["peak_gflops"] = c.PeakGflops,
        ["peak_fraction"] = c.PeakFraction ?? double.NaN,
        ["peak_gflops_one_thread"] = report.OneCorePeak.Gflops,
        ["vector_bits"] = report.Peak.VectorBits,
        ["bytes_per_epoch"] = c.BytesPerEpoch,
        ["threads"] = c.Threads,
        ["reference_seconds"] = c.ReferenceSeconds ?? double.NaN,
    }, JsonOptions);

    private static Text Optional(CliConsole console, double? value, string format) =>
        new(value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : CliTables.None(console));

    private static readonly JsonSerializerOptions JsonOptions = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
}
