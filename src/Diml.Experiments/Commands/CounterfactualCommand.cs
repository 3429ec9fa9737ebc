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
/// with, or with changed learning — and writes the trajectories and the empirical joint-action distribution; with a
/// policy (<c>--payoff-shift</c>, <c>--scale-money</c>) it predicts behaviour under the changed mechanism instead
/// (<see cref="PolicyCounterfactual"/>).
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
        var output = CliOptions.File("--out", "trajectory CSV to write, or with a policy the prediction CSV; - for standard output", required: true);
        var distribution = CliOptions.File("--distribution", "joint-action distribution CSV to write (joint_action,count,probability), or - for standard output", required: false);
        var payoffShift = CliOptions.File("--payoff-shift", "policy: CSV 'action,shift' of additive payoff changes per own action (toll < 0, subsidy > 0), in the model's payoff units", required: false);
        var scaleMoney = CliOptions.OptionalDouble("--scale-money", "policy: multiply the mechanism's money term (the public-goods return, the linear-public-goods MPCR) by this factor",
            v => double.IsFinite(v) && Math.Abs(v) <= 1e6, "a finite factor");
        var designData = CliOptions.File("--data", "policy: trajectory CSV whose design is simulated (sessions, steps, groups and re-matching, absences, first actions)", required: false);
        var drawFirst = new Option<bool>("--draw-first-actions") { Description = "policy with --data: draw the first period from the learners' initial policy instead of taking the data's first actions" };
        var replications = CliOptions.Int("--replications", "policy: simulated replications of the whole design", 100, maximum: 1_000_000);
        var band = CliOptions.Double("--band", "policy: central share of replications the bands cover", 0.9, v => v > 0 && v < 1, "a level in (0, 1)");
        var parameterDraws = CliOptions.OptionalInt("--parameter-draws", "policy: parameter vectors drawn from the model's covariance (fit --se) for the bands, the replications shared among them (default: 20 when the model has a usable covariance, else 0: the point estimate)", minimum: 0, maximum: 100_000);
        var plotFile = CliOptions.File("--plot", "policy: plot of the share time paths with bands to write (.png, or .svg)", required: false);

        var command = new Command("counterfactual", "Simulate agents under a fitted mechanism, with the fitted or with changed learning.");
        command.Options.Add(model);
        rule.AddTo(command);
        foreach (var option in new Option[] { agents, episodes, horizon, seed, threads, output, distribution, payoffShift, scaleMoney, designData, drawFirst, replications, band, parameterDraws, plotFile })
            command.Options.Add(option);

        command.SetAction(parse =>
        {
            string modelPath = parse.GetValue(model)!;
            string outPath = parse.GetValue(output)!;
            string? distributionPath = parse.GetValue(distribution);
            string? shiftPath = parse.GetValue(payoffShift), dataPath = parse.GetValue(designData), plotPath = parse.GetValue(plotFile);
            double? moneyFactor = parse.GetValue(scaleMoney);
            bool policy = shiftPath is not null || moneyFactor is not null;
            if (!policy)
            {
                foreach (var (option, given) in new (Option Option, bool Given)[] { (plotFile, plotPath is not null), (replications, parse.GetResult(replications) is { Implicit: false }), (band, parse.GetResult(band) is { Implicit: false }), (parameterDraws, parse.GetValue(parameterDraws) is not null) })
                    if (given) throw CliException.Usage($"{option.Name}: expected only with a policy (--payoff-shift or --scale-money), found it without one.");
            }
            else if (distributionPath is not null) throw CliException.Usage("--distribution: expected no joint-action distribution with a policy (the prediction goes to --out), found one.");
            // With --data the design is the data's; without a policy --episodes still says how many sessions to simulate.
            if (dataPath is not null)
                foreach (var option in policy ? new Option[] { agents, episodes, horizon } : [agents, horizon])
                    if (parse.GetResult(option) is { Implicit: false }) throw CliException.Usage($"{option.Name}: expected none with --data (the design comes from the data), found one.");
            if (dataPath is null && parse.GetResult(drawFirst) is { Implicit: false }) throw CliException.Usage("--draw-first-actions: expected only with --data, found it without.");
            var files = new List<FileArgument?> { CliFiles.Input("--model", modelPath), CliFiles.Output("--out", outPath), CliFiles.Output("--distribution", distributionPath), CliFiles.Output("--plot", plotPath) };
            if (shiftPath is not null) files.Add(CliFiles.Input("--payoff-shift", shiftPath));
            if (dataPath is not null) files.Add(CliFiles.Input("--data", dataPath));
            if (plotPath == CliFiles.StandardOutput) throw CliException.Usage("--plot: expected a .png or .svg file, found '-' (standard output).");
            CliFiles.CheckFiles([.. files]);
            var saved = CliFiles.ReadModel(modelPath, "--model");
            if (policy) return RunPolicy(console, parse, saved, modelPath, shiftPath, moneyFactor, dataPath, plotPath, outPath,
                rule, agents, episodes, horizon, seed, threads, drawFirst, replications, band, parameterDraws);
            var fitted = LearnerChoice.FromModel(saved, modelPath);
            var learner = rule.Resolve(parse, fitted.Entry, fitted.Hyperparameters)
                .CheckActions(saved.Shape.Actions, string.Create(CultureInfo.InvariantCulture, $"the game of {modelPath} has {saved.Shape.Actions} actions"));
            var observed = dataPath is null ? null : CliFiles.ReadTrajectories(dataPath, "--data", console, saved.Shape.Actions);
            if (observed is null && saved.GroupSizes is { } sizes)
                throw CliException.Usage($"--data: expected the sessions whose groups are simulated, since {modelPath} was fitted on groups of {string.Join(", ", sizes)} agents; found none.");
            var shape = observed?.Shape ?? new GameShape(parse.GetValue(agents) ?? saved.Shape.Agents, saved.Shape.Actions);
            MechanismEntry entry;
            IMechanism mechanism;
            try
            {
                (entry, mechanism) = MechanismCatalog.Rebuild(saved, modelPath, observed is null ? shape : saved.Shape);
            }
            catch (InvalidDataException e)
            {
                throw CliException.Input(e.Message);
            }
            // With --data: the data's sessions (cycled when --episodes asks for more), steps, groups and absences.
            int e0 = observed is null || parse.GetResult(episodes) is { Implicit: false } ? parse.GetValue(episodes) : observed.Episodes;
            int steps = observed?.Steps ?? parse.GetValue(horizon);
            ulong simulationSeed = parse.GetValue(seed);
            SimulateCommand.CheckSize(e0, steps, shape);
            var theta = new float[mechanism.Layout.TotalLength];
            mechanism.ReadParameters(theta);
            Trajectories data;
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["counterfactual-of"] = Path.GetFileName(modelPath),
                ["mechanism"] = entry.Name,
                ["agents"] = shape.Agents.ToString(CultureInfo.InvariantCulture),
                ["actions"] = shape.Actions.ToString(CultureInfo.InvariantCulture),
                ["seed"] = simulationSeed.ToString(CultureInfo.InvariantCulture),
                ["rule"] = learner.Entry.Name,
            };
            foreach (var (name, value) in learner.Metadata()) metadata[name] = value;
            if (observed is null)
            {
                var simulated = ProgressDisplay.Episodes(console,
                    $"simulating {MessageText.Count(e0, "episode")} x {MessageText.Count(steps, "step")} of {shape} under {entry.Name} from {modelPath}, {learner}", e0,
                    (first, count) => Simulator.SimulateEpisodes(mechanism, theta, learner.Create(), shape, first, count, steps, simulationSeed, parse.GetValue(threads)));
                data = new Trajectories(shape, e0, steps, simulated, metadata);
            }
            else
            {
                metadata["design-of"] = Path.GetFileName(dataPath!);
                var design = SimulationDesign.FromData(observed, firstActionsFromData: !parse.GetValue(drawFirst));
                data = ProgressDisplay.Status(console,
                    $"simulating {MessageText.Count(e0, "session")} of the design of {dataPath} ({MessageText.Count(observed.Episodes, "session")} x {MessageText.Count(steps, "step")} of {shape}" +
                    $"{(observed.HasGroups ? ", groups of " + string.Join(", ", observed.GroupSizes) : "")}) under {entry.Name} from {modelPath}, {learner}",
                    () => DesignSimulator.Simulate(mechanism, theta, learner.Create(), design, e0, simulationSeed, parse.GetValue(threads), metadata));
            }
            // Groups: each group's play at each step (size|joint action), as cfkl_params counts it; else the whole game's joint action.
            bool byGroup = !data.IsFullPlay;
            var histogram = byGroup ? JointActionHistogram.OfGroups(data) : JointActionHistogram.OfJointActions(data);
            var ranked = histogram.Counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).ToArray();

            if (distributionPath is not null)
                CliFiles.WriteText(distributionPath, console, writer =>
                {
                    writer.WriteLine(byGroup ? "group_play,count,probability" : "joint_action,count,probability");
                    foreach (var (key, count) in ranked)
                        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{key},{count},{(double)count / histogram.Total:R}"));
                });
            CliFiles.WriteTrajectories(outPath, console, data);
            // With a file on standard output, the table goes with the progress, so the output stays one clean file.
            var results = outPath == CliFiles.StandardOutput || distributionPath == CliFiles.StandardOutput ? console.Progress : console.Out;
            var resultWriter = results == console.Out ? console.OutWriter : console.Error;

            var table = CliTables.Create(console, byGroup ? "group_play" : "joint_action", "count", "probability");
            foreach (var (key, count) in ranked.Take(10))
                table.AddRow(new Text(key), new Text(count.ToString(CultureInfo.InvariantCulture)),
                    new Text(((double)count / histogram.Total).ToString("F4", CultureInfo.InvariantCulture)));
            results.Write(table);
            resultWriter.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{histogram.Counts.Count} distinct {(byGroup ? "group plays (group size|joint action)" : "joint actions")} over {histogram.Total} {(byGroup ? "group-steps" : "steps")} (most frequent shown); trajectories in {(outPath == CliFiles.StandardOutput ? "standard output" : outPath)}"));
            return ExitCodes.Success;
        });
        return command;
    }

    private static int RunPolicy(CliConsole console, ParseResult parse, Diml.Fitting.SavedModel saved, string modelPath, string? shiftPath, double? moneyFactor,
        string? dataPath, string? plotPath, string outPath, RuleOptions rule, Option<int?> agents, Option<int> episodes, Option<int> horizon,
        Option<ulong> seed, Option<int> threads, Option<bool> drawFirst, Option<int> replications, Option<double> band, Option<int?> parameterDraws)
    {
        if (shiftPath is not null && Directory.Exists(shiftPath)) throw CliException.Input($"--payoff-shift: expected a CSV file, found a directory '{shiftPath}'.");
        if (shiftPath is not null && !File.Exists(shiftPath)) throw CliException.Input($"--payoff-shift: expected an existing CSV file, found no file '{shiftPath}'.");
        var fitted = LearnerChoice.FromModel(saved, modelPath);
        var learner = rule.Resolve(parse, fitted.Entry, fitted.Hyperparameters)
            .CheckActions(saved.Shape.Actions, string.Create(CultureInfo.InvariantCulture, $"the game of {modelPath} has {saved.Shape.Actions} actions"));
        Trajectories? design = dataPath is null ? null : CliFiles.ReadTrajectories(dataPath, "--data", console, saved.Shape.Actions);
        if (design is null && saved.GroupSizes is { } sizes)
            throw CliException.Usage($"--data: expected the sessions whose groups are simulated, since {modelPath} was fitted on groups of {string.Join(", ", sizes)} agents; found none.");
        var shape = design?.Shape ?? new GameShape(parse.GetValue(agents) ?? saved.Shape.Agents, saved.Shape.Actions);
        MechanismEntry entry;
        IMechanism mechanism;
        try
        {
            (entry, mechanism) = MechanismCatalog.Rebuild(saved, modelPath, design is null ? shape : saved.Shape);
        }
        catch (InvalidDataException e)
        {
            throw CliException.Input(e.Message);
        }
        if (design is not null && entry.AgentsFixedByParameters && design.GroupSizes.Any(size => size != saved.Shape.Agents))
            throw CliException.Input(string.Create(CultureInfo.InvariantCulture,
                $"{dataPath}: a {entry.Name} model's parameters are tied to its {saved.Shape.Agents} agents; expected groups of {saved.Shape.Agents}, found groups of {string.Join(", ", design.GroupSizes)}."));
        if (mechanism.Form == PayoffForm.Joint && design is not null && design.GroupSizes.Count > 1)
            throw CliException.Input($"{dataPath}: a {entry.Name} model has the joint form, which takes one group size; found groups of {string.Join(", ", design.GroupSizes)}.");
        int e0 = parse.GetValue(episodes), steps = parse.GetValue(horizon);
        if (design is null) SimulateCommand.CheckSize(e0, steps, shape);
        return PolicyCounterfactual.Run(console, new PolicyCounterfactual.Request(
            modelPath, saved, entry, mechanism, learner, shiftPath, moneyFactor, design, dataPath, parse.GetValue(drawFirst),
            e0, steps, parse.GetValue(replications), parse.GetValue(band), parse.GetValue(seed), parse.GetValue(threads), outPath, plotPath,
            parse.GetValue(parameterDraws)));
    }
}
