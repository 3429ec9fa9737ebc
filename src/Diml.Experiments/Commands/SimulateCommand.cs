using System.CommandLine;
using System.Globalization;
using Diml.Data;
using Diml.Fitting;
using Diml.Simulation;
using Diml.IO;
using Spectre.Console;

namespace Diml.Experiments.Commands;

/// <summary><c>diml simulate</c>: draws a true mechanism as the reference does, simulates learners under it, writes the trajectories (and the truth).</summary>
internal static class SimulateCommand
{
    public static Command Create(CliConsole console)
    {
        var mechanism = new MechanismOptions("the true mechanism");
        var agents = CliOptions.Int("--agents", "number of agents n", 3, maximum: GameShape.MaxAgents);
        var actions = CliOptions.Int("--actions", "actions per agent A", 6, minimum: 2, expected: "an integer of at least 2", maximum: GameShape.MaxActions);
        var rule = new RuleOptions("learning rule of the agents (default logit-q)");
        var episodes = CliOptions.Int("--episodes", "episodes E", 60);
        var horizon = CliOptions.Int("--horizon", "steps per episode T", 60);
        var seed = CliOptions.Seed("--seed", "seed of the simulation");
        var initSeed = CliOptions.OptionalInt("--init-seed", "seed of the true mechanism's parameters (default: --seed)", minimum: 0, expected: "a non-negative integer");
        var threads = CliOptions.Threads();
        var output = CliOptions.File("--out", "trajectory CSV to write (episode,t,agent,action), or - for standard output", required: true);
        var truth = CliOptions.File("--truth", "model file to write the true mechanism to, for recovery metrics, or - for standard output", required: false);

        var command = new Command("simulate", "Simulate learning agents under a true mechanism and write their trajectories.");
        mechanism.AddTo(command);
        foreach (var option in new Option[] { agents, actions }) command.Options.Add(option);
        rule.AddTo(command);
        foreach (var option in new Option[] { episodes, horizon, seed, initSeed, threads, output, truth }) command.Options.Add(option);

        command.SetAction(parse =>
        {
            var (entry, settings) = mechanism.Resolve(parse);
            var shape = new GameShape(parse.GetValue(agents), parse.GetValue(actions));
            var learner = rule.Resolve(parse);
            ulong simulationSeed = parse.GetValue(seed);
            int parameterSeed = parse.GetValue(initSeed) ?? (int)(simulationSeed % int.MaxValue);
            string outPath = parse.GetValue(output)!;
            string? truthPath = parse.GetValue(truth);
            CliFiles.CheckFiles(CliFiles.Output("--out", outPath), CliFiles.Output("--truth", truthPath));
            int e = parse.GetValue(episodes), steps = parse.GetValue(horizon);
            CheckSize(e, steps, shape);

            var trueMechanism = MechanismOptions.Create(entry, shape, settings);
            entry.InitializeTruth(trueMechanism, new Random(parameterSeed));
            var theta = new float[trueMechanism.Layout.TotalLength];
            trueMechanism.ReadParameters(theta);
            var simulated = ProgressDisplay.Episodes(console,
                $"simulating {MessageText.Count(e, "episode")} x {MessageText.Count(steps, "step")} of {shape} under {entry.Name}, {learner}", e,
                (first, count) => Simulator.SimulateEpisodes(trueMechanism, theta, learner.Create(), shape, first, count, steps, simulationSeed, parse.GetValue(threads)));

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["mechanism"] = entry.Name,
                ["agents"] = shape.Agents.ToString(CultureInfo.InvariantCulture),
                ["actions"] = shape.Actions.ToString(CultureInfo.InvariantCulture),
                ["seed"] = simulationSeed.ToString(CultureInfo.InvariantCulture),
                ["init-seed"] = parameterSeed.ToString(CultureInfo.InvariantCulture),
                ["rule"] = learner.Entry.Name,
            };
            if (entry.HasHiddenLayers) metadata["hidden"] = settings.Hidden.ToString(CultureInfo.InvariantCulture);
            foreach (var (name, value) in learner.Hyperparameters) metadata[name] = CliFiles.Number(value);
            var data = new Trajectories(shape, e, steps, simulated, metadata);

            if (truthPath is not null)
                CliFiles.WriteModel(truthPath, console, new SavedModel(trueMechanism.ModelName, trueMechanism.Form, shape, trueMechanism.Layout, theta,
                    learner.Entry.RuleName, learner.Hyperparameters, Training: null, DataFingerprint: null));
            CliFiles.WriteTrajectories(outPath, console, data);
            string written = $"wrote {MessageText.Count(e, "episode")} x {MessageText.Count(steps, "step")} ({shape}) to {(outPath == CliFiles.StandardOutput ? "standard output" : outPath)}";
            if (truthPath is not null) written += $"; true mechanism to {(truthPath == CliFiles.StandardOutput ? "standard output" : truthPath)}";
            // With a file on standard output, the summary goes with the progress, so the output stays one clean file.
            (outPath == CliFiles.StandardOutput || truthPath == CliFiles.StandardOutput ? console.Error : console.OutWriter).WriteLine(written);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Refuses, before any work, trajectories larger than one array or than the memory available.</summary>
    internal static void CheckSize(int episodes, int steps, GameShape shape)
    {
        long actions = (long)episodes * steps * shape.Agents;
        if (actions > Array.MaxLength)
            throw CliException.Usage(string.Create(CultureInfo.InvariantCulture,
                $"--episodes, --horizon: expected at most {Array.MaxLength:N0} actions in all (episodes x steps x agents), found {episodes} x {steps} x {shape.Agents} = {actions:N0}."));
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (available > 0 && actions * sizeof(int) > available / 2)
            throw CliException.Usage(string.Create(CultureInfo.InvariantCulture,
                $"--episodes, --horizon: expected trajectories that fit in memory, found {actions:N0} actions needing {actions * sizeof(int) / (1 << 20):N0} MiB of the {available / (1 << 20):N0} MiB available."));
    }
}
