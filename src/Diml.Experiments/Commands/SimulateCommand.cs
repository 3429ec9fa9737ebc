using System.CommandLine;
using System.Globalization;
using Diml.Data;
using Diml.Fitting;
using Diml.Simulation;
using Spectre.Console;

namespace Diml.Experiments.Commands;

/// <summary><c>diml simulate</c>: draws a true mechanism as the reference does, simulates learners under it, writes the trajectories (and the truth).</summary>
internal static class SimulateCommand
{
    public static Command Create(CliConsole console)
    {
        var mechanism = new MechanismOptions("the true mechanism");
        var agents = CliOptions.Int("--agents", "number of agents n", 3);
        var actions = CliOptions.Int("--actions", "actions per agent A", 6, minimum: 2, expected: "an integer of at least 2");
        var rule = new RuleOptions("learning rule of the agents (default logit-q)");
        var episodes = CliOptions.Int("--episodes", "episodes E", 60);
        var horizon = CliOptions.Int("--horizon", "steps per episode T", 60);
        var seed = CliOptions.Seed("--seed", "seed of the simulation");
        var initSeed = CliOptions.OptionalInt("--init-seed", "seed of the true mechanism's parameters (default: --seed)", minimum: 0, expected: "a non-negative integer");
        var threads = CliOptions.Threads();
        var output = CliOptions.File("--out", "trajectory CSV to write (episode,t,agent,action)", required: true);
        var truth = CliOptions.File("--truth", "model file to write the true mechanism to, for recovery metrics", required: false);

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
            string outPath = CliFiles.PrepareOutput(parse.GetValue(output)!, "--out");
            string? truthPath = parse.GetValue(truth) is { } t ? CliFiles.PrepareOutput(t, "--truth") : null;
            int e = parse.GetValue(episodes), steps = parse.GetValue(horizon);

            var trueMechanism = MechanismOptions.Create(entry, shape, settings);
            entry.InitializeTruth(trueMechanism, new Random(parameterSeed));
            var theta = new float[trueMechanism.Layout.TotalLength];
            trueMechanism.ReadParameters(theta);
            var simulated = ProgressDisplay.Status(console,
                string.Create(CultureInfo.InvariantCulture, $"simulating {e} episodes x {steps} steps of {shape} under {entry.Name}, {learner}"),
                () => Simulator.Simulate(trueMechanism, theta, learner.Create(), shape, e, steps, simulationSeed, parse.GetValue(threads)));

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
            var data = new Trajectories(shape, e, steps, simulated.AsSpan(), metadata);

            if (truthPath is not null)
                ModelFile.Save(truthPath, new SavedModel(trueMechanism.ModelName, trueMechanism.Form, shape, trueMechanism.Layout, theta,
                    learner.Entry.RuleName, learner.Hyperparameters, Training: null, DataFingerprint: null));
            TrajectoryCsv.Write(outPath, data);
            string written = string.Create(CultureInfo.InvariantCulture, $"wrote {e} episodes x {steps} steps ({shape}) to {outPath}");
            console.OutWriter.WriteLine(truthPath is null ? written : $"{written}; true mechanism to {truthPath}");
            return ExitCodes.Success;
        });
        return command;
    }
}
