using System.CommandLine;
using System.Globalization;
using Diml.Data;
using Diml.Evaluation;
using Diml.Mechanisms;
using Diml.Simulation;
using Diml.IO;
using Spectre.Console;

namespace Diml.Experiments.Commands;

/// <summary>
/// <c>diml counterfactual</c>: simulates agents under a fitted mechanism — with the learning the model was fitted
/// with, or with changed learning — and writes the trajectories and the empirical joint-action distribution.
/// </summary>
internal static class CounterfactualCommand
{
    public static Command Create(CliConsole console)
    {
        var model = CliOptions.File("--model", "model file whose mechanism the agents play under", required: true);
        var rule = new RuleOptions("learning rule of the simulated agents (default: the model's learner; its hyperparameter options change only what they name)", defaultsFromModel: true);
        var agents = CliOptions.OptionalInt("--agents", "number of agents (default: the model's; only mechanisms whose parameters do not depend on n can change it)", maximum: GameShape.MaxAgents);
        var episodes = CliOptions.Int("--episodes", "episodes to simulate", 300);
        var horizon = CliOptions.Int("--horizon", "steps per episode", 50);
        var seed = CliOptions.Seed("--seed", "seed of the simulation");
        var threads = CliOptions.Threads();
        var output = CliOptions.File("--out", "trajectory CSV to write, or - for standard output", required: true);
        var distribution = CliOptions.File("--distribution", "joint-action distribution CSV to write (joint_action,count,probability), or - for standard output", required: false);

        var command = new Command("counterfactual", "Simulate agents under a fitted mechanism, with the fitted or with changed learning.");
        command.Options.Add(model);
        rule.AddTo(command);
        foreach (var option in new Option[] { agents, episodes, horizon, seed, threads, output, distribution }) command.Options.Add(option);

        command.SetAction(parse =>
        {
            string modelPath = parse.GetValue(model)!;
            string outPath = parse.GetValue(output)!;
            string? distributionPath = parse.GetValue(distribution);
            CliFiles.CheckFiles(CliFiles.Input("--model", modelPath), CliFiles.Output("--out", outPath), CliFiles.Output("--distribution", distributionPath));
            var saved = CliFiles.ReadModel(modelPath, "--model");
            if (saved.GroupSizes is { } sizes)
                throw CliException.Input($"{modelPath}, $.game.groupSizes: counterfactual does not simulate groups yet; expected a model fitted on data without groups or absent agents, found one fitted on groups of {string.Join(", ", sizes)} agents.");
            var fitted = LearnerChoice.FromModel(saved, modelPath);
            var learner = rule.Resolve(parse, fitted.Entry, fitted.Hyperparameters);
            var shape = new GameShape(parse.GetValue(agents) ?? saved.Shape.Agents, saved.Shape.Actions);
            MechanismEntry entry;
            IMechanism mechanism;
            try
            {
                (entry, mechanism) = MechanismCatalog.Rebuild(saved, modelPath, shape);
            }
            catch (InvalidDataException e)
            {
                throw CliException.Input(e.Message);
            }
            int e0 = parse.GetValue(episodes), steps = parse.GetValue(horizon);
            ulong simulationSeed = parse.GetValue(seed);
            SimulateCommand.CheckSize(e0, steps, shape);
            var theta = new float[mechanism.Layout.TotalLength];
            mechanism.ReadParameters(theta);
            var simulated = ProgressDisplay.Episodes(console,
                $"simulating {MessageText.Count(e0, "episode")} x {MessageText.Count(steps, "step")} of {shape} under {entry.Name} from {modelPath}, {learner}", e0,
                (first, count) => Simulator.SimulateEpisodes(mechanism, theta, learner.Create(), shape, first, count, steps, simulationSeed, parse.GetValue(threads)));

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["counterfactual-of"] = Path.GetFileName(modelPath),
                ["mechanism"] = entry.Name,
                ["agents"] = shape.Agents.ToString(CultureInfo.InvariantCulture),
                ["actions"] = shape.Actions.ToString(CultureInfo.InvariantCulture),
                ["seed"] = simulationSeed.ToString(CultureInfo.InvariantCulture),
                ["rule"] = learner.Entry.Name,
            };
            foreach (var (name, value) in learner.Hyperparameters) metadata[name] = CliFiles.Number(value);
            var data = new Trajectories(shape, e0, steps, simulated, metadata);
            var histogram = JointActionHistogram.OfJointActions(data);
            var ranked = histogram.Counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).ToArray();

            if (distributionPath is not null)
                CliFiles.WriteText(distributionPath, console, writer =>
                {
                    writer.WriteLine("joint_action,count,probability");
                    foreach (var (key, count) in ranked)
                        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{key},{count},{(double)count / histogram.Total:R}"));
                });
            CliFiles.WriteTrajectories(outPath, console, data);
            // With a file on standard output, the table goes with the progress, so the output stays one clean file.
            var results = outPath == CliFiles.StandardOutput || distributionPath == CliFiles.StandardOutput ? console.Progress : console.Out;
            var resultWriter = results == console.Out ? console.OutWriter : console.Error;

            var table = CliTables.Create(console, "joint_action", "count", "probability");
            foreach (var (key, count) in ranked.Take(10))
                table.AddRow(new Text(key), new Text(count.ToString(CultureInfo.InvariantCulture)),
                    new Text(((double)count / histogram.Total).ToString("F4", CultureInfo.InvariantCulture)));
            results.Write(table);
            resultWriter.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{histogram.Counts.Count} distinct joint actions over {histogram.Total} steps (most frequent shown); trajectories in {(outPath == CliFiles.StandardOutput ? "standard output" : outPath)}"));
            return ExitCodes.Success;
        });
        return command;
    }
}
