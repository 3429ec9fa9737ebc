using System.CommandLine;
using System.Globalization;
using Diml.Data;
using Diml.Experiments.Evaluation;
using Diml.Experiments.Mechanisms;
using Diml.Simulation;
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
        var rule = new RuleOptions("learning rule of the simulated agents (default: the model's learner; its hyperparameter options change only what they name)");
        var agents = CliOptions.OptionalInt("--agents", "number of agents (default: the model's; only mechanisms whose parameters do not depend on n can change it)");
        var episodes = CliOptions.Int("--episodes", "episodes to simulate", 300);
        var horizon = CliOptions.Int("--horizon", "steps per episode", 50);
        var seed = CliOptions.Seed("--seed", "seed of the simulation");
        var threads = CliOptions.Threads();
        var output = CliOptions.File("--out", "trajectory CSV to write", required: true);
        var distribution = CliOptions.File("--distribution", "joint-action distribution CSV to write (joint_action,count,probability)", required: false);

        var command = new Command("counterfactual", "Simulate agents under a fitted mechanism, with the fitted or with changed learning.");
        command.Options.Add(model);
        rule.AddTo(command);
        foreach (var option in new Option[] { agents, episodes, horizon, seed, threads, output, distribution }) command.Options.Add(option);

        command.SetAction(parse =>
        {
            string modelPath = parse.GetValue(model)!;
            string outPath = CliFiles.PrepareOutput(parse.GetValue(output)!, "--out");
            string? distributionPath = parse.GetValue(distribution) is { } d ? CliFiles.PrepareOutput(d, "--distribution") : null;
            var saved = CliFiles.ReadModel(modelPath, "--model");
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
            var theta = new float[mechanism.Layout.TotalLength];
            mechanism.ReadParameters(theta);
            var simulated = ProgressDisplay.Status(console,
                string.Create(CultureInfo.InvariantCulture, $"simulating {e0} episodes x {steps} steps of {shape} under {entry.Name} from {modelPath}, {learner}"),
                () => Simulator.Simulate(mechanism, theta, learner.Create(), shape, e0, steps, simulationSeed, parse.GetValue(threads)));

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
            var data = new Trajectories(shape, e0, steps, simulated.AsSpan(), metadata);
            var histogram = JointActionHistogram.OfJointActions(data);
            var ranked = histogram.Counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).ToArray();

            if (distributionPath is not null)
                CliFiles.WriteText(distributionPath, writer =>
                {
                    writer.WriteLine("joint_action,count,probability");
                    foreach (var (key, count) in ranked)
                        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{key},{count},{(double)count / histogram.Total:R}"));
                });
            TrajectoryCsv.Write(outPath, data);

            var table = new Table().AddColumns("joint_action", "count", "probability");
            foreach (var (key, count) in ranked.Take(10))
                table.AddRow(new Text(key), new Text(count.ToString(CultureInfo.InvariantCulture)),
                    new Text(((double)count / histogram.Total).ToString("F4", CultureInfo.InvariantCulture)));
            console.Out.Write(table);
            console.OutWriter.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{histogram.Counts.Count} distinct joint actions over {histogram.Total} steps (most frequent shown); trajectories in {outPath}"));
            return ExitCodes.Success;
        });
        return command;
    }
}
