using System.CommandLine;
using System.Globalization;
using Diml.Data;
using Diml.Mechanisms;
using Spectre.Console;

namespace Diml.Experiments.Commands;

/// <summary><c>diml check</c>: runs every generated gradient self-check — each catalogued mechanism at a small shape, each learning rule.</summary>
internal static class CheckCommand
{
    /// <summary>The small game each mechanism is checked at (a few agents, hidden width 16: seconds, not minutes).</summary>
    internal static readonly GameShape MechanismShape = new(4, 5);

    /// <summary>Actions of the learning-rule checks.</summary>
    internal const int RuleActions = 5;

    /// <summary>Hidden width of the neural mechanisms under check.</summary>
    internal const int CheckHidden = 16;

    public static Command Create(CliConsole console)
    {
        var seed = CliOptions.Int("--seed", "seed of the parameters and query points", 1, minimum: 0, expected: "a non-negative integer");
        var command = new Command("check", "Run the generated gradient self-checks of every mechanism and learning rule.");
        command.Options.Add(seed);
        command.SetAction(parse =>
        {
            int s = parse.GetValue(seed);
            var reports = ProgressDisplay.Status(console, "running the gradient self-checks", () => Run(s));
            var table = CliTables.Create(console, "name", "coordinates", "max relative error", "float vs double", "ok");
            foreach (var r in reports)
                table.AddRow(new Text(r.Name), new Text(r.Coordinates.ToString(CultureInfo.InvariantCulture)),
                    new Text(r.MaxRelativeError.ToString("E2", CultureInfo.InvariantCulture)),
                    new Text(r.FloatRelativeError.ToString("E2", CultureInfo.InvariantCulture)),
                    new Text(r.Passed ? "ok" : "FAILED"));
            console.Out.Write(table);
            int failed = reports.Count(r => !r.Passed);
            if (failed > 0)
            {
                console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"diml check: error: {failed} of {reports.Count} gradient self-checks failed: {string.Join(", ", reports.Where(r => !r.Passed).Select(r => r.Name))}."));
                return ExitCodes.CheckFailed;
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Every self-check, mechanisms first, in catalog order.</summary>
    internal static IReadOnlyList<GradientCheckReport> Run(int seed)
    {
        var reports = new List<GradientCheckReport>();
        foreach (var entry in MechanismCatalog.Entries)
        {
            // A family of a fixed number of actions (the volunteer's dilemma: 2) is checked at it.
            var shape = new GameShape(MechanismShape.Agents, entry.FixedActions ?? MechanismShape.Actions);
            var mechanism = entry.Create(shape, new MechanismSettings(entry.HasHiddenLayers ? CheckHidden : 0));
            entry.InitializeTruth(mechanism, new Random(seed));
            var report = mechanism.CheckGradients(shape.Agents, shape.Actions, seed);
            reports.Add(report with { Name = string.Create(CultureInfo.InvariantCulture, $"{entry.Name} (n={shape.Agents}, A={shape.Actions})") });
        }
        foreach (var entry in LearningRuleCatalog.Entries)
        {
            var report = entry.Create(entry.Defaults).CheckGradients(RuleActions, seed);
            reports.Add(report with { Name = string.Create(CultureInfo.InvariantCulture, $"{entry.Name} (A={RuleActions})") });
        }
        return reports;
    }
}
