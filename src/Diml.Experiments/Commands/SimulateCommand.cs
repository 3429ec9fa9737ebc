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
    public static Command Create(CliContext context)
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
        var groupSize = CliOptions.OptionalInt("--group-size", "sessions of --agents matched into groups of this size (a divisor of --agents); writes the group column");
        var groupSizes = new Option<int[]?>("--group-sizes")
        {
            Description = "sessions of --agents matched into groups of these sizes, comma-separated, adding up to --agents (e.g. 2,3,4 for 9 agents)",
            HelpName = "k1,k2,...",
            CustomParser = result =>
            {
                string token = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                var parts = token.Split(',');
                var sizes = new int[parts.Length];
                for (int j = 0; j < parts.Length; j++)
                    if (!int.TryParse(parts[j], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[j]) || sizes[j] < 1)
                    {
                        result.AddError($"--group-sizes: expected positive integers separated by commas, found '{MessageText.Escape(token)}'.");
                        return null;
                    }
                return sizes;
            },
        };
        var matching = new Option<string>("--matching")
        {
            Description = "with groups: random (re-matched at random every step) or fixed (matched at random once per episode)",
            HelpName = "random|fixed",
            DefaultValueFactory = _ => "random",
            CustomParser = result =>
            {
                string token = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                if (token.Equals("random", StringComparison.OrdinalIgnoreCase)) return "random";
                if (token.Equals("fixed", StringComparison.OrdinalIgnoreCase)) return "fixed";
                result.AddError($"--matching: expected random or fixed, found '{MessageText.Escape(token)}'.");
                return "random";
            },
        };
        var output = CliOptions.File("--out", "trajectory CSV to write (episode,t,agent,action[,group]), or - for standard output", required: true);
        var truth = CliOptions.File("--truth", "model file to write the true mechanism to, for recovery metrics, or - for standard output", required: false);
        var mpi = MpiRanks.Option("the episodes");

        var command = new Command("simulate", "Simulate learning agents under a true mechanism and write their trajectories.");
        mechanism.AddTo(command);
        foreach (var option in new Option[] { agents, actions, groupSize, groupSizes, matching }) command.Options.Add(option);
        rule.AddTo(command);
        foreach (var option in new Option[] { episodes, horizon, seed, initSeed, threads, output, truth, mpi }) command.Options.Add(option);

        command.SetAction(parse => MpiRanks.Run(context, "simulate", parse.GetValue(mpi), (group, ready) => Simulate(parse, group, ready)));
        return command;

        // The command on one process (group null) or on one rank of an MPI job, which simulate their shares of the episodes;
        // rank 0 writes the outputs.
        int Simulate(ParseResult parse, Distributed.MpiProcessGroup? group, System.Runtime.CompilerServices.StrongBox<bool> ready)
        {
            var (root, console) = MpiRanks.ConsoleFor(context, group);
            var (entry, settings) = mechanism.Resolve(parse);
            var shape = new GameShape(parse.GetValue(agents), parse.GetValue(actions));
            var learner = rule.Resolve(parse).CheckActions(shape.Actions, string.Create(CultureInfo.InvariantCulture, $"--actions is {shape.Actions}"));
            ulong simulationSeed = parse.GetValue(seed);
            int parameterSeed = parse.GetValue(initSeed) ?? (int)(simulationSeed % int.MaxValue);
            string outPath = parse.GetValue(output)!;
            string? truthPath = parse.GetValue(truth);
            CliFiles.CheckFiles(CliFiles.Output("--out", outPath), CliFiles.Output("--truth", truthPath));
            int e = parse.GetValue(episodes), steps = parse.GetValue(horizon);
            CheckSize(e, steps, shape);
            var groups = Matching(parse.GetValue(groupSize), parse.GetValue(groupSizes), parse.GetValue(matching)!,
                parse.GetResult(matching) is { Implicit: false }, shape.Agents);
            if (groups is not null && entry.AgentsFixedByParameters)
                throw CliException.Usage($"--mechanism: {entry.Name} has parameters tied to its number of agents, which simulate does not yet set from the group size; with --group-size or --group-sizes use pooled-anonymous, anonymous-count, public-goods or congestion.");

            var trueMechanism = MechanismOptions.Create(entry, shape, settings);
            entry.InitializeTruth(trueMechanism, new Random(parameterSeed));
            var theta = new float[trueMechanism.Layout.TotalLength];
            trueMechanism.ReadParameters(theta);
            // With groups, each piece's labels go to their place as the actions do (ProgressDisplay keeps the actions).
            var labels = groups is null ? null : new int[(long)e * steps * shape.Agents];
            Trajectories Piece(int first, int count)
            {
                if (groups is null)
                    return Simulator.SimulateEpisodes(trueMechanism, theta, learner.Create(), shape, first, count, steps, simulationSeed, parse.GetValue(threads));
                var part = GroupedSimulator.SimulateEpisodes(trueMechanism, theta, learner.Create(), shape.Actions, groups, first, count, steps, simulationSeed, parse.GetValue(threads));
                var destination = labels.AsSpan(first * steps * shape.Agents, count * steps * shape.Agents);
                // One group of everyone with nobody absent has no labels: that is group 0.
                if (part.GroupLabels.IsEmpty) destination.Clear();
                else part.GroupLabels.CopyTo(destination);
                return part;
            }
            int[] simulated;
            if (group is null)
                simulated = ProgressDisplay.Episodes(console,
                    $"simulating {MessageText.Count(e, "episode")} x {MessageText.Count(steps, "step")} of {shape}{(groups is null ? "" : " in groups of " + string.Join(",", groups.Sizes))} under {entry.Name}, {learner}", e,
                    Piece);
            else
            {
                if ((long)e * steps * shape.Agents * sizeof(int) > int.MaxValue)
                    throw CliException.Usage(string.Create(CultureInfo.InvariantCulture,
                        $"--mpi: expected trajectories of at most {int.MaxValue / sizeof(int):N0} actions to gather in one exchange, found {(long)e * steps * shape.Agents:N0}; simulate fewer episodes per run."));
                if (!MpiRanks.AllReady(group, ready)) return ExitCodes.InputError;
                if (root)
                    console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"diml simulate: sharing the {e} episodes between {group.Size} MPI ranks; rank 0 writes the outputs."));
                simulated = MpiRanks.OnRanks(group, context.Console, "simulate", () => SimulateOnRanks(group, e, steps * shape.Agents, Piece, labels));
                if (!MpiRanks.Leave(group)) return ExitCodes.Success;
            }

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
            foreach (var (name, value) in learner.Metadata()) metadata[name] = value;
            if (groups is not null)
            {
                metadata["group-sizes"] = string.Join(",", groups.Sizes);
                metadata["matching"] = groups.Rematch ? "random" : "fixed";
            }
            var data = labels is null ? new Trajectories(shape, e, steps, simulated, metadata) : new Trajectories(shape, e, steps, simulated, labels, metadata);

            if (truthPath is not null)
                CliFiles.WriteModel(truthPath, console, new SavedModel(trueMechanism.ModelName, trueMechanism.Form, shape, trueMechanism.Layout, theta,
                    learner.Entry.RuleName, learner.Hyperparameters, Training: null, DataFingerprint: null));
            CliFiles.WriteTrajectories(outPath, console, data);
            string written = $"wrote {MessageText.Count(e, "episode")} x {MessageText.Count(steps, "step")} ({shape}) to {(outPath == CliFiles.StandardOutput ? "standard output" : outPath)}";
            if (truthPath is not null) written += $"; true mechanism to {(truthPath == CliFiles.StandardOutput ? "standard output" : truthPath)}";
            // With a file on standard output, the summary goes with the progress, so the output stays one clean file.
            (outPath == CliFiles.StandardOutput || truthPath == CliFiles.StandardOutput ? console.Error : console.OutWriter).WriteLine(written);
            return ExitCodes.Success;
        }
    }

    /// <summary>
    /// Rank r simulates episodes <c>⌊E·r/R⌋ .. ⌊E·(r+1)/R⌋ − 1</c> (each episode draws from its own stream, so the pieces are
    /// those of one process), and one all-gather each of the actions and the group labels gives every rank all of them.
    /// </summary>
    private static int[] SimulateOnRanks(Distributed.MpiProcessGroup group, int episodes, int perEpisode, Func<int, int, Trajectories> piece, int[]? labels)
    {
        var actions = new int[(long)episodes * perEpisode];
        int from = episodes * group.Rank / group.Size, to = episodes * (group.Rank + 1) / group.Size;
        if (to > from) piece(from, to - from).AsSpan().CopyTo(actions.AsSpan(from * perEpisode));
        var offsets = new int[group.Size];
        var counts = new int[group.Size];
        for (int r = 0; r < group.Size; r++)
        {
            int first = episodes * r / group.Size, end = episodes * (r + 1) / group.Size;
            offsets[r] = first * perEpisode * sizeof(int);
            counts[r] = (end - first) * perEpisode * sizeof(int);
        }
        group.AllGather(System.Runtime.InteropServices.MemoryMarshal.AsBytes(actions.AsSpan()), offsets, counts);
        if (labels is not null) group.AllGather(System.Runtime.InteropServices.MemoryMarshal.AsBytes(labels.AsSpan()), offsets, counts);
        return actions;
    }

    /// <summary>The matching the group options ask for, or null without groups; contradictory options are usage errors.</summary>
    private static GroupMatching? Matching(int? size, int[]? sizes, string matching, bool matchingGiven, int agents)
    {
        if (sizes is { Length: 0 }) sizes = null; // not given
        if (size is not null && sizes is not null) throw CliException.Usage("--group-size, --group-sizes: expected one of them, found both.");
        if (size is null && sizes is null)
        {
            if (matchingGiven) throw CliException.Usage("--matching: expected --group-size or --group-sizes with it, found neither.");
            return null;
        }
        bool rematch = matching == "random";
        if (size is int k)
        {
            if (agents % k != 0)
                throw CliException.Usage(string.Create(CultureInfo.InvariantCulture, $"--group-size: expected a divisor of the {agents} agents (--agents), found {k}."));
            return GroupMatching.OfSize(agents, k, rematch);
        }
        long sum = sizes!.Sum(x => (long)x);
        if (sum != agents)
            throw CliException.Usage(string.Create(CultureInfo.InvariantCulture, $"--group-sizes: expected sizes adding up to the {agents} agents (--agents), found {string.Join(",", sizes!)} (sum {sum})."));
        return GroupMatching.OfSizes(agents, sizes!, rematch);
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
