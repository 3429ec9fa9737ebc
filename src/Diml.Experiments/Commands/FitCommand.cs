using System.CommandLine;
using System.Globalization;
using Diml.Data;
using Diml.Fitting;
using Diml.Simulation;
using Spectre.Console;

namespace Diml.Experiments.Commands;

/// <summary><c>diml fit</c>: maximum-likelihood fit of a mechanism through the learners' dynamics, with a progress bar and a training curve.</summary>
internal static class FitCommand
{
    public static Command Create(CliConsole console)
    {
        var data = CliOptions.File("--data", "trajectory CSV to fit", required: true);
        var mechanism = new MechanismOptions("the mechanism family to fit");
        var actions = CliOptions.OptionalInt("--actions", "actions per agent, when the data might not use the top action (default: the file's #actions= metadata, else inferred)",
            minimum: 2, expected: "an integer of at least 2");
        var rule = new RuleOptions("learning rule assumed for the agents (default logit-q)");
        var defaults = new FitOptions();
        var epochs = CliOptions.Int("--epochs", "passes over the training episodes", defaults.Epochs);
        var batch = CliOptions.Int("--batch", "episodes per minibatch", defaults.BatchSize);
        var window = CliOptions.Int("--window", "steps per training window W (clamped to the episode length)", defaults.Window, minimum: 2, expected: "an integer of at least 2");
        var windowMode = new Option<WindowMode>("--window-mode")
        {
            Description = "learner state at the window start: reference (reset to Q0, as the paper) or carry (run from t = 0 without gradient)",
            HelpName = "reference|carry",
            DefaultValueFactory = _ => WindowMode.Reference,
            CustomParser = result =>
            {
                string token = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                if (token.Equals("reference", StringComparison.OrdinalIgnoreCase)) return WindowMode.Reference;
                if (token.Equals("carry", StringComparison.OrdinalIgnoreCase)) return WindowMode.Carry;
                result.AddError($"--window-mode: expected reference or carry, found '{token}'.");
                return WindowMode.Reference;
            },
        };
        var learningRate = CliOptions.Double("--lr", "Adam learning rate", defaults.LearningRate, v => v > 0, "a positive number");
        var regularizer = CliOptions.Double("--regularizer", "payoff regularizer weight λ", defaults.Lambda, v => v >= 0, "a non-negative number");
        var clip = CliOptions.Double("--clip", "global gradient-norm clip", defaults.ClipNorm, v => v > 0, "a positive number");
        var seed = CliOptions.Seed("--seed", "seed of the shuffles and window starts");
        var initSeed = CliOptions.OptionalInt("--init-seed", "seed of the initial parameters (default: derived from --seed, so that it differs from simulate's truth seed)",
            minimum: 0, expected: "a non-negative integer");
        var threads = CliOptions.Threads();
        var trainFraction = CliOptions.Double("--train-fraction", "fraction of episodes (the first ones) to train on; the rest are held out",
            0.8, v => v > 0 && v <= 1, "a fraction in (0, 1]");
        var output = CliOptions.File("--out", "model file to write (JSON)", required: true);
        var curve = CliOptions.File("--curve", "training curve CSV to write (epoch,train_loss,epoch_seconds)", required: false);

        var command = new Command("fit", "Fit a mechanism to observed trajectories by maximum likelihood through the learning dynamics.");
        command.Options.Add(data);
        mechanism.AddTo(command);
        command.Options.Add(actions);
        rule.AddTo(command);
        foreach (var option in new Option[] { epochs, batch, window, windowMode, learningRate, regularizer, clip, seed, initSeed, threads, trainFraction, output, curve })
            command.Options.Add(option);

        command.SetAction(parse =>
        {
            var (entry, settings) = mechanism.Resolve(parse);
            var learner = rule.Resolve(parse);
            string dataPath = parse.GetValue(data)!;
            string modelPath = CliFiles.PrepareOutput(parse.GetValue(output)!, "--out");
            string? curvePath = parse.GetValue(curve) is { } c ? CliFiles.PrepareOutput(c, "--curve") : null;
            ulong fitSeed = parse.GetValue(seed);
            var options = new FitOptions
            {
                Epochs = parse.GetValue(epochs),
                BatchSize = parse.GetValue(batch),
                Window = parse.GetValue(window),
                WindowMode = parse.GetValue(windowMode),
                LearningRate = parse.GetValue(learningRate),
                Lambda = parse.GetValue(regularizer),
                ClipNorm = parse.GetValue(clip),
                Seed = fitSeed,
                Threads = parse.GetValue(threads),
            };

            var all = CliFiles.ReadTrajectories(dataPath, "--data", console, parse.GetValue(actions));
            if (all.Steps < 2)
                throw CliException.Input(string.Create(CultureInfo.InvariantCulture, $"{dataPath}: expected episodes of at least 2 steps to fit, found {all.Steps}."));
            var (train, test) = Split(all, parse.GetValue(trainFraction), dataPath);
            var model = MechanismOptions.Create(entry, all.Shape, settings);
            model.InitializeParameters(new Random(parse.GetValue(initSeed) ?? DefaultInitSeed(fitSeed)));
            var rule0 = learner.Create();

            var result = ProgressDisplay.Epochs(console, options.Epochs, progress => new Fitter(model, rule0, options).Fit(train, progress));

            var saved = new SavedModel(model.ModelName, model.Form, all.Shape, model.Layout, result.Parameters,
                learner.Entry.RuleName, learner.Hyperparameters, options, train.Fingerprint());
            ModelFile.Save(modelPath, saved);
            if (curvePath is not null) WriteCurve(curvePath, result.Curve);

            if (result.Failure is { } failure)
            {
                console.Error.WriteLine($"diml fit: error: {CliFiles.OneLine(failure.Message)} The last good model was written to {modelPath}.");
                return ExitCodes.FitDiverged;
            }

            var summary = new Table().AddColumns("", "value");
            summary.AddRow(new Text("mechanism"), new Text($"{entry.Name} ({all.Shape}), {model.Layout.TotalLength} parameters"));
            summary.AddRow(new Text("learner"), new Text(learner.ToString()));
            summary.AddRow(new Text("episodes"), new Text(string.Create(CultureInfo.InvariantCulture, $"{train.Episodes} train, {test?.Episodes ?? 0} held out, {all.Steps} steps")));
            summary.AddRow(new Text("epochs"), new Text(result.Curve.Count.ToString(CultureInfo.InvariantCulture)));
            if (result.Curve.Count > 0)
            {
                summary.AddRow(new Text("final train loss"), new Text(result.Curve[^1].MeanLoss.ToString("G6", CultureInfo.InvariantCulture)));
                summary.AddRow(new Text("seconds per epoch"), new Text(result.Curve.Average(r => r.Seconds).ToString("F3", CultureInfo.InvariantCulture)));
            }
            if (test is not null)
            {
                double nll = LikelihoodEvaluator.PerAgentStepNll(model, result.Parameters, rule0, test, threads: options.Threads);
                summary.AddRow(new Text("nll_test (held out)"), new Text(nll.ToString("G6", CultureInfo.InvariantCulture)));
            }
            summary.AddRow(new Text("model"), new Text(modelPath));
            if (curvePath is not null) summary.AddRow(new Text("curve"), new Text(curvePath));
            console.Out.Write(summary);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// The initial-parameter seed when none is given: drawn from its own stream of <c>--seed</c>, so that fitting data
    /// simulated with the same seed does not start at the true parameters (simulate's truth uses <c>Random(seed)</c>).
    /// </summary>
    internal static int DefaultInitSeed(ulong seed) => (int)(SplitMix64.ForStream(seed, InitStream).NextUInt64() >> 33);

    /// <summary>The stream of <see cref="DefaultInitSeed"/>.</summary>
    private const ulong InitStream = 0x1417;

    private static (Trajectories Train, Trajectories? Test) Split(Trajectories all, double fraction, string path)
    {
        if (fraction >= 1) return (all, null);
        int train = (int)(fraction * all.Episodes);
        if (train < 1 || train >= all.Episodes)
            throw CliException.Input(string.Create(CultureInfo.InvariantCulture,
                $"--train-fraction: expected a fraction leaving at least 1 training and 1 held-out episode of the {all.Episodes} in {path}, found {fraction:R} ({train} training episodes); use --train-fraction 1 to train on all."));
        var (trainPart, testPart) = all.Split(fraction);
        return (trainPart, testPart);
    }

    /// <summary>Writes <c>epoch,train_loss,epoch_seconds</c>, one row per completed epoch.</summary>
    internal static void WriteCurve(string path, IReadOnlyList<EpochReport> curve) =>
        CliFiles.WriteText(path, writer =>
        {
            writer.WriteLine("epoch,train_loss,epoch_seconds");
            foreach (var r in curve)
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Epoch},{r.MeanLoss:R},{r.Seconds:R}"));
        });
}
