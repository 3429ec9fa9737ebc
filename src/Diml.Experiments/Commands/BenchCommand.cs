using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Diml.Experiments.Performance;
using Spectre.Console;

namespace Diml.Experiments.Commands;

/// <summary>
/// <c>diml bench</c>: times the paper's training epochs and the largest simulation in-process after warm-up and
/// prints seconds and allocated bytes per epoch beside the reference's figures (DESIGN §1).
/// </summary>
internal static class BenchCommand
{
    public static Command Create(CliConsole console)
    {
        var json = new Option<bool>("--json") { Description = "print one JSON object per case instead of a table" };
        var threads = CliOptions.Int("--threads", "threads the work runs on", Environment.ProcessorCount, expected: "a positive integer");
        var repetitions = CliOptions.Int("--repetitions", "measured repetitions per case (the median is reported), after a warm-up of at least a second", 5, expected: "a positive integer");
        var command = new Command("bench", "Time a training epoch of E1, E7 n=40 and E7 n=300, and the E7 n=300 simulation.");
        command.Options.Add(json);
        command.Options.Add(threads);
        command.Options.Add(repetitions);
        command.SetAction(parse =>
        {
            var cases = BenchmarkRunner.Run(parse.GetValue(threads), parse.GetValue(repetitions), step => console.Error.WriteLine("measuring " + step));
            if (parse.GetValue(json))
            {
                foreach (var c in cases)
                    console.Out.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                    {
                        ["case"] = c.Case,
                        ["seconds_per_epoch"] = c.SecondsPerEpoch,
                        ["bytes_per_epoch"] = c.BytesPerEpoch,
                        ["threads"] = c.Threads,
                        ["reference_seconds"] = c.ReferenceSeconds ?? double.NaN,
                    }, JsonOptions));
                return ExitCodes.Success;
            }
            var table = CliTables.Create(console, "case", "seconds", "bytes allocated", "threads", "reference (2-core CPU)", "speed-up");
            foreach (var c in cases)
                table.AddRow(new Text(c.Case), new Text(c.SecondsPerEpoch.ToString("F4", CultureInfo.InvariantCulture)),
                    new Text(c.BytesPerEpoch.ToString(CultureInfo.InvariantCulture)), new Text(c.Threads.ToString(CultureInfo.InvariantCulture)),
                    new Text(c.ReferenceSeconds is { } r ? r.ToString("G4", CultureInfo.InvariantCulture) + " s" : CliTables.None(console)),
                    new Text(c.ReferenceSeconds is { } s ? (s / c.SecondsPerEpoch).ToString("F0", CultureInfo.InvariantCulture) + "x" : CliTables.None(console)));
            console.Out.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
}
