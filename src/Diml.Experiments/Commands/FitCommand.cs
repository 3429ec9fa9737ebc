using System.CommandLine;
using System.Runtime.CompilerServices;
using System.Globalization;
using Diml.Data;
using Diml.Distributed;
using Diml.Evaluation.Inference;
using Diml.Fitting;
using Diml.Simulation;
using System.Text.Json;
using Diml.IO;
using Spectre.Console;

namespace Diml.Experiments.Commands;

/// <summary><c>diml fit</c>: maximum-likelihood fit of a mechanism through the learners' dynamics, with a progress bar and a training curve.</summary>
internal static class FitCommand
{
    public static Command Create(CliContext context)
    {
        var console = context.Console;
        var data = CliOptions.File("--data", "trajectory CSV to fit", required: true);
        var mechanism = new MechanismOptions("the mechanism family to fit");
        var actions = CliOptions.OptionalInt("--actions", "actions per agent, when the data might not use the top action (default: the file's #actions= metadata, else inferred)",
            minimum: 2, expected: "an integer of at least 2");
        var rule = new RuleOptions("learning rule assumed for the agents (default logit-q)");
        var estimate = new Option<string?>("--estimate")
        {
            Description = "learner parameters to estimate jointly with the mechanism, comma-separated (e.g. alpha,epsilon), starting from their given values; " +
                "the others stay fixed. The payoff scale (beta, lambda, eta) only with a mechanism of known scale",
            HelpName = "name,...",
        };
        var defaults = new FitOptions();
        var epochs = CliOptions.Int("--epochs", "passes over the fitted episodes, at least (more when --min-steps needs them; --patience may stop earlier)", defaults.Epochs);
        var validationFraction = CliOptions.Double("--validation-fraction",
            "fraction of the training episodes (the last ones) held out to pick the best epoch and to stop; 0 = off",
            defaults.ValidationFraction, v => v >= 0 && v < 1, "a fraction in [0, 1)");
        var patience = CliOptions.Int("--patience", "epochs without a better validation NLL before the fit stops, stretched as --min-steps stretches the epochs; 0 = off",
            defaults.Patience, minimum: 0, expected: "a non-negative integer");
        var minSteps = CliOptions.Int("--min-steps", "optimiser steps at least: small files get more epochs; 0 = exactly --epochs",
            defaults.MinSteps, minimum: 0, expected: "a non-negative integer");
        var batch = CliOptions.Int("--batch", "episodes per minibatch", defaults.BatchSize);
        var window = CliOptions.Int("--window", "steps per training window W (clamped to the episode length)", defaults.Window, minimum: 2, expected: "an integer of at least 2");
        var windowMode = new Option<string>("--window-mode")
        {
            Description = "learner state at the window start: reference (reset to Q0, as the paper) or carry (run from t = 0 without gradient)",
            HelpName = "reference|carry",
            DefaultValueFactory = _ => "reference",
            CustomParser = result =>
            {
                string token = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                if (token.Equals("reference", StringComparison.OrdinalIgnoreCase)) return "reference";
                if (token.Equals("carry", StringComparison.OrdinalIgnoreCase)) return "carry";
                result.AddError($"--window-mode: expected reference or carry, found '{Diml.IO.MessageText.Escape(token)}'.");
                return "reference";
            },
        };
        var learningRate = CliOptions.Double("--lr", "Adam learning rate", defaults.LearningRate, v => v > 0, "a positive number");
        var regularizer = CliOptions.Double("--regularizer", "payoff regularizer weight λ", defaults.Lambda, v => v >= 0, "a non-negative number");
        var clip = CliOptions.Double("--clip", "global gradient-norm clip", defaults.ClipNorm, v => v > 0, "a positive number");
        var seed = CliOptions.Seed("--seed", "seed of the shuffles and window starts");
        var initSeed = CliOptions.OptionalInt("--init-seed", "seed of the initial parameters (default: derived from --seed, so that it differs from simulate's truth seed)",
            minimum: 0, expected: "a non-negative integer");
        var threads = CliOptions.Threads();
        var recompute = new Option<bool>("--recompute-activations")
        {
            Description = "do not keep the mechanism's dense-layer outputs for the gradient (up to 1 GiB; E7 n=300 keeps about 0.6 GB): less memory, slower; the same result",
        };
        var trainFraction = CliOptions.Double("--train-fraction", "fraction of episodes (the first ones) to train on; the rest are held out",
            0.8, v => v > 0 && v <= 1, "a fraction in (0, 1]");
        var output = CliOptions.File("--out", "model file to write (JSON)", required: true);
        var curve = CliOptions.File("--curve", "training curve CSV to write (epoch,train_loss,epoch_seconds,validation_nll), or - for standard output", required: false);
        var resume = new Option<bool>("--resume") { Description = "continue the interrupted fit saved in <out>.checkpoint (same options; the result is bit-identical to an uninterrupted fit)" };
        var checkpointEvery = CliOptions.Int("--checkpoint-every", "epochs between checkpoints written to <out>.checkpoint", 5);
        var json = new Option<bool>("--json") { Description = "print the summary as one JSON object instead of a table" };
        var mpi = MpiRanks.Option("the fit");
        var se = new Option<string>("--se")
        {
            Description = $"after the fit, polish on the training episodes (L-BFGS in double) and compute standard errors: robust (cluster-robust by episode), classical, none, or auto (robust for at most {ModelInference.DefaultMaxParameters} parameters, else none)",
            HelpName = "auto|robust|classical|none",
            DefaultValueFactory = _ => "auto",
            CustomParser = result =>
            {
                string token = result.Tokens.Count > 0 ? result.Tokens[0].Value.ToLowerInvariant() : "";
                if (token is "auto" or "robust" or "classical" or "none") return token;
                result.AddError($"--se: expected auto, robust, classical or none, found '{Diml.IO.MessageText.Escape(result.Tokens.Count > 0 ? result.Tokens[0].Value : "")}'.");
                return "auto";
            },
        };

        var typeCount = CliOptions.OptionalInt("--types", "after the fit, estimate a finite mixture of K learner types over the subjects (agents): the --estimate parameters vary by type, the mechanism is shared (docs/inference.md)",
            minimum: 1, expected: "a number of types of at least 1");
        var typesOut = CliOptions.File("--types-out", "posterior type probabilities per subject to write (CSV), with --types", required: false);
        var typeStarts = CliOptions.Int("--type-starts", "starts of the mixture's maximisation, the best kept (a mixture likelihood has local maxima)", new LearnerTypesOptions().Starts);

        var command = new Command("fit", "Fit a mechanism to observed trajectories by maximum likelihood through the learning dynamics.");
        command.Options.Add(data);
        mechanism.AddTo(command);
        command.Options.Add(actions);
        rule.AddTo(command);
        command.Options.Add(estimate);
        foreach (var option in new Option[] { epochs, validationFraction, patience, minSteps, batch, window, windowMode, learningRate, regularizer, clip, seed, initSeed, threads, recompute, trainFraction, output, curve, resume, checkpointEvery, json, se, typeCount, typesOut, typeStarts, mpi })
            command.Options.Add(option);

        command.SetAction(parse => MpiRanks.Run(context, "fit", parse.GetValue(mpi), (group, ready) => Fit(parse, group, ready)));
        return command;

        // The command on one process (group null) or on one rank of an MPI job: rank 0 prints and writes everything.
        int Fit(ParseResult parse, MpiProcessGroup? group, StrongBox<bool> ready)
        {
            var (root, console) = MpiRanks.ConsoleFor(context, group);
            var (entry, settings) = mechanism.Resolve(parse);
            var learner = rule.Resolve(parse);
            string? estimateOption = parse.GetValue(estimate);
            string dataPath = parse.GetValue(data)!;
            string modelPath = parse.GetValue(output)!;
            string? curvePath = parse.GetValue(curve);
            bool asJson = parse.GetValue(json), resuming = parse.GetValue(resume);
            if (modelPath == CliFiles.StandardOutput)
                throw CliException.Usage("--out: expected a model file path, found '-'; the fit keeps its checkpoint next to the model file, so it needs a file.");
            if (asJson && curvePath == CliFiles.StandardOutput)
                throw CliException.Usage("--curve: expected a file path with --json, found '-' (standard output carries the JSON summary).");
            int? types = parse.GetValue(typeCount);
            string? typesPath = parse.GetValue(typesOut);
            if (types is not null && estimateOption is null)
                throw CliException.Usage("--types: expected --estimate naming the learner parameters that vary by type (e.g. --estimate alpha), found no --estimate; the mechanism is shared by the types, so only learner parameters can differ.");
            if (typesPath is not null && types is null)
                throw CliException.Usage("--types-out: expected --types K (the posteriors are of a mixture of K learner types), found no --types.");
            if (asJson && typesPath == CliFiles.StandardOutput)
                throw CliException.Usage("--types-out: expected a file path with --json, found '-' (standard output carries the JSON summary).");
            string checkpointPath = modelPath + ".checkpoint";
            CliFiles.CheckFiles(CliFiles.Input("--data", dataPath), CliFiles.Output("--out", modelPath), CliFiles.Output("--curve", curvePath),
                CliFiles.Output("--out's checkpoint", checkpointPath), CliFiles.Output("--types-out", typesPath));
            if (resuming && !File.Exists(checkpointPath))
                throw CliException.Input($"--resume: expected the checkpoint '{checkpointPath}' of an interrupted fit, found no file.");
            ulong fitSeed = parse.GetValue(seed);
            var options = new FitOptions
            {
                Epochs = parse.GetValue(epochs),
                ValidationFraction = parse.GetValue(validationFraction),
                Patience = parse.GetValue(patience),
                MinSteps = parse.GetValue(minSteps),
                BatchSize = parse.GetValue(batch),
                Window = parse.GetValue(window),
                WindowMode = parse.GetValue(windowMode) == "carry" ? WindowMode.Carry : WindowMode.Reference,
                LearningRate = parse.GetValue(learningRate),
                Lambda = parse.GetValue(regularizer),
                ClipNorm = parse.GetValue(clip),
                Seed = fitSeed,
                Threads = parse.GetValue(threads),
                KeepActivations = !parse.GetValue(recompute),
            };

            var all = CliFiles.ReadTrajectories(dataPath, "--data", console, parse.GetValue(actions));
            if (all.Steps < 2)
                throw CliException.Input(string.Create(CultureInfo.InvariantCulture, $"{dataPath}: expected episodes of at least 2 steps to fit, found {all.Steps}."));
            if (!all.IsFullPlay && entry.AgentsFixedByParameters)
                throw CliException.Input(string.Create(CultureInfo.InvariantCulture,
                    $"{dataPath}: --mechanism {entry.Name} has parameters tied to its number of agents, which fit does not yet set from the group size; expected data without groups or absent agents for it, found {(all.HasGroups ? "groups of " + string.Join(", ", all.GroupSizes) + " agents" : "absent agents")}. Use pooled-anonymous, anonymous-count, public-goods or congestion for grouped data."));
            learner = learner.CheckActions(all.Shape.Actions, $"the game of {dataPath} has {all.Shape.Actions} actions");
            var estimated = EstimatedNames(estimateOption, ref learner, entry, all.Shape.Actions);
            double fraction = parse.GetValue(trainFraction);
            var (train, test) = Split(all, fraction, dataPath);
            var model = MechanismOptions.Create(entry, all.Shape, settings);
            int initialSeed = parse.GetValue(initSeed) ?? DefaultInitSeed(fitSeed);
            model.InitializeParameters(new Random(initialSeed));
            var initial = new float[model.Layout.TotalLength];
            model.ReadParameters(initial);
            var rule0 = learner.Create();
            var fitter = new Fitter(model, rule0, options)
            {
                Processes = group,
                Learner = estimated.Count == 0 ? null : new LearnerParameters((ILearnableRule)rule0, estimated),
                Checkpointing = new FitCheckpointing(checkpointPath, parse.GetValue(checkpointEvery), new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["--mechanism"] = entry.Name,
                    ["--init-seed"] = initialSeed.ToString(CultureInfo.InvariantCulture),
                    ["--train-fraction"] = fraction.ToString("R", CultureInfo.InvariantCulture),
                    ["--estimate"] = string.Join(",", estimated),
                }),
            };
            var checkpoint = resuming ? FitCheckpoint.Read(checkpointPath) : null;

            FitResult result;
            if (group is not null)
            {
                if (!MpiRanks.AllReady(group, ready)) return ExitCodes.InputError;
                if (root)
                    console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"diml fit: sharing the fit between {group.Size} MPI ranks ({options.Threads} thread(s) each); rank 0 reports and writes the outputs."));
                result = MpiRanks.OnRanks(group, context.Console, "fit", () => checkpoint is null
                    ? fitter.Fit(train, root ? new ConsoleProgress(console, options.PlannedEpochs(train.Episodes)) : null)
                    : fitter.Resume(train, initial, checkpoint, checkpointPath, root ? new ConsoleProgress(console, options.PlannedEpochs(train.Episodes)) : null),
                    e => e is CheckpointMismatchException ? ExitCodes.UsageError : ExitCodes.InternalError);
                if (root)
                    console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"diml fit: rank 0 exchanged {group.ReceivedBytes / 1e6:F1} MB in {group.Exchanges} all-gathers, {group.ExchangeSeconds:F2} s waiting in them, over {result.Curve.Sum(r => r.Seconds):F2} s of epochs."));
                // The rest (polish, held-out NLL, outputs) is rank 0's alone: end MPI together now rather than keep the others waiting.
                if (!MpiRanks.Leave(group)) return ExitCodes.Success;
            }
            else
            {
            Cli.CancellableCommandRunning = true;
            try
            {
                result = ProgressDisplay.Epochs(console, options.PlannedEpochs(train.Episodes), progress => checkpoint is null
                    ? fitter.Fit(train, progress, context.Interrupt)
                    : fitter.Resume(train, initial, checkpoint, checkpointPath, progress, context.Interrupt));
            }
            catch (CheckpointMismatchException e)
            {
                throw CliException.Usage($"--resume: the checkpoint '{checkpointPath}' is of a fit with other settings; expected the same options, found " +
                    string.Join("; ", e.Differences.Select(d => $"{OptionOf(d.Name)} {d.CurrentValue} (checkpoint: {d.CheckpointValue})")) + ".");
            }
            finally
            {
                Cli.CancellableCommandRunning = false;
            }
            }

            if (result.Cancelled)
            {
                var state = FitCheckpoint.Read(checkpointPath).State;
                int planned = options.PlannedEpochs(train.Episodes);
                string where = state.InEpoch && state.EpochMinibatches > 0
                    ? string.Create(CultureInfo.InvariantCulture, $"in epoch {state.Epoch + 1}/{planned} after {MessageText.Count(state.EpochMinibatches, "minibatch")}")
                    : string.Create(CultureInfo.InvariantCulture, $"after epoch {state.Epoch}/{planned}");
                console.Error.WriteLine($"diml fit: interrupted {where}; checkpoint written to {checkpointPath}. To continue, run the same command with --resume.");
                return context.InterruptExitCode();
            }

            // The estimates replace the start values; the model file names which they are.
            var start = learner;
            learner = learner with { Hyperparameters = WithEstimates(learner.Hyperparameters, result.LearnerValues) };

            // Polish and standard errors (docs/inference.md): on every training episode, validation ones included, over the
            // fit's whole vector — the mechanism's parameters and, with --estimate, the learner's raw values after them.
            string seMode = parse.GetValue(se)!;
            // Built after the fit: the rule holds the estimates, which are the polish's start.
            var fittedLearner = estimated.Count == 0 ? null : new LearnerParameters((ILearnableRule)rule0, estimated);
            int parameterCount = model.Layout.TotalLength + (fittedLearner?.Length ?? 0);
            bool wantInference = result.Failure is null
                && (seMode is "robust" or "classical" || (seMode == "auto" && parameterCount <= ModelInference.DefaultMaxParameters));
            var parameters = result.Parameters;
            PolishResult? polish = null;
            SavedInference? inference = null;
            if (wantInference)
            {
                var kind = seMode == "classical" ? StandardErrorKind.Classical : StandardErrorKind.ClusterRobust;
                if (kind == StandardErrorKind.ClusterRobust && train.Episodes < 2)
                    throw CliException.Input($"--se: cluster-robust standard errors need at least 2 training episodes, found {train.Episodes}; use --se classical or none.");
                (polish, var computed) = ProgressDisplay.Status(console,
                    string.Create(CultureInfo.InvariantCulture, $"polishing on the {train.Episodes} training episodes and computing standard errors ({2 * parameterCount} gradients for the information)"),
                    () => ModelInference.Run(model, rule0, train, result.Parameters, kind, options.Threads, learner: fittedLearner));
                int mechanismCount = model.Layout.TotalLength;
                parameters = ModelInference.ToParameters(polish.Estimate.AsSpan(0, mechanismCount));
                model.WriteParameters(parameters);
                inference = ModelInference.ToSaved(computed, polish.Converged);
                if (fittedLearner is not null)
                {
                    // The polished learner values replace the fit's, as the polished mechanism parameters do.
                    var raw = ModelInference.ToParameters(polish.Estimate.AsSpan(mechanismCount));
                    fittedLearner.Apply(raw);
                    learner = learner with { Hyperparameters = WithEstimates(learner.Hyperparameters, fittedLearner.Values(raw)) };
                    inference = inference with { Learner = ModelInference.NaturalScale(computed, fittedLearner, mechanismCount) };
                }
                if (!computed.IsMinimum)
                    console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"diml fit: warning: the observed information has a negative eigenvalue ({computed.NegativeCurvature:G3} of the largest): the polished point is not a minimum of the NLL, so no standard error is reported."));
                if (!polish.Converged)
                    console.Error.WriteLine($"diml fit: warning: the polish stopped before its gradient criterion ({polish.Status}); gradient norm {polish.GradientNorm.ToString("G3", CultureInfo.InvariantCulture)}. Standard errors assume a zero gradient.");
            }

            // Latent learner types (docs/inference.md): from the one-type estimate — polished when standard errors were computed —
            // on the same training episodes; the rule now holds that estimate's learner values.
            LearnerTypesResult? mixture = null;
            if (types is int k && result.Failure is null)
            {
                var typesLearner = new LearnerParameters((ILearnableRule)rule0, estimated);
                var raw = new float[typesLearner.Length];
                typesLearner.StartRaw(raw);
                using var likelihood = new LearnerTypeMixture(model, rule0, train, typesLearner, k, options.Threads);
                var typesOptions = new LearnerTypesOptions { Starts = parse.GetValue(typeStarts), Seed = fitSeed };
                int starts = k == 1 ? 1 : typesOptions.Starts;
                mixture = ProgressDisplay.Status(console,
                    string.Create(CultureInfo.InvariantCulture, $"fitting {MessageText.Count(k, "learner type")} over {MessageText.Count(likelihood.Subjects, "subject")} ({MessageText.Count(starts, "start")})"),
                    () => LearnerTypes.Fit(likelihood, parameters.Select(v => (double)v).ToArray(), raw.Select(v => (double)v).ToArray(), typesOptions,
                        cancellationToken: context.Interrupt));
                foreach (string warning in LearnerTypeTables.Warnings(mixture))
                    console.Error.WriteLine("diml fit: warning: " + warning);
            }

            var saved = new SavedModel(model.ModelName, model.Form, all.Shape, model.Layout, parameters,
                learner.Entry.RuleName, learner.Hyperparameters, options, train.Fingerprint())
            {
                GroupSizes = all.IsFullPlay ? null : all.GroupSizes,
                EstimatedLearnerParameters = estimated.Count == 0 ? null : estimated,
                Inference = inference,
                LearnerTypes = mixture?.ToSaved(model.Layout.TotalLength),
            };
            CliFiles.WriteModel(modelPath, console, saved);
            if (curvePath is not null) WriteCurve(curvePath, console, result.Curve);
            if (typesPath is not null && mixture is not null) LearnerTypeTables.WritePosteriors(typesPath, console, mixture);
            // The model now holds the result: the checkpoint has served its purpose.
            if (File.Exists(checkpointPath)) File.Delete(checkpointPath);

            if (result.Failure is { } failure)
            {
                string which = result.ValidationEpisodes == 0 ? $"The last good model was written to {modelPath}."
                    : result.BestEpoch == 0 ? $"No epoch completed, so the initial model was written to {modelPath}."
                    : string.Create(CultureInfo.InvariantCulture, $"The model of the best validation epoch ({result.BestEpoch}) was written to {modelPath}.");
                console.Error.WriteLine($"diml fit: error: {CliFiles.OneLine(failure.Message)} {which}");
                return ExitCodes.FitDiverged;
            }

            int scoredPerWindow = (Math.Min(options.Window, all.Steps) - 1) * all.Shape.Agents;
            double? finalLoss = result.Curve.Count > 0 ? result.Curve[^1].MeanLoss : null;
            double? secondsPerEpoch = result.Curve.Count > 0 ? result.Curve.Average(r => r.Seconds) : null;
            double? nll = test is null ? null : LikelihoodEvaluator.PerAgentStepNll(model, parameters, rule0, test, threads: options.Threads);
            if (asJson)
            {
                WriteJson(console.OutWriter, entry.Name, all, train, test, learner, estimated, start, result, finalLoss, scoredPerWindow, secondsPerEpoch, nll, modelPath, curvePath,
                    polish, inference, mixture, estimated, typesPath);
                return ExitCodes.Success;
            }
            var summary = CliTables.Create(console, "", "value");
            summary.AddRow(new Text("mechanism"), new Text($"{entry.Name} ({all.Shape}), {MessageText.Count(model.Layout.TotalLength, "parameter")}"));
            summary.AddRow(new Text("learner"), new Text(learner.ToString()));
            if (estimated.Count > 0)
                summary.AddRow(new Text("estimated learner parameters"), new Text(string.Join(", ", estimated.Select(name => string.Create(CultureInfo.InvariantCulture,
                    $"{name} = {learner.Hyperparameters[name]:G6} (start {start.Hyperparameters[name]:G6})")))));
            summary.AddRow(new Text("episodes"), new Text(
                $"{train.Episodes - result.ValidationEpisodes} fitted, {result.ValidationEpisodes} validation, {test?.Episodes ?? 0} held out, {MessageText.Count(all.Steps, "step")}"));
            summary.AddRow(new Text("epochs"), new Text(string.Create(CultureInfo.InvariantCulture,
                $"{result.Curve.Count} of {result.PlannedEpochs} planned, {MessageText.Count(result.OptimizerSteps, "optimiser step")}; {StopText(result)}")));
            summary.AddRow(new Text("selected epoch"), new Text(SelectionText(result)));
            if (double.IsFinite(result.BestValidationNll))
                summary.AddRow(new Text("validation NLL (selected)"), new Text(result.BestValidationNll.ToString("G6", CultureInfo.InvariantCulture) + " per agent-step"));
            if (finalLoss is double loss)
            {
                summary.AddRow(new Text("final train loss"), new Text(string.Create(CultureInfo.InvariantCulture,
                    $"{loss:G6} per episode window (NLL summed over {scoredPerWindow} agent-steps, plus the regularizer)")));
                summary.AddRow(new Text("final train loss per agent-step"), new Text((loss / scoredPerWindow).ToString("G6", CultureInfo.InvariantCulture)));
                summary.AddRow(new Text("seconds per epoch"), new Text(secondsPerEpoch!.Value.ToString("F3", CultureInfo.InvariantCulture)));
            }
            if (nll is double heldOut)
                summary.AddRow(new Text("nll_test (held out)"), new Text(heldOut.ToString("G6", CultureInfo.InvariantCulture) + " per agent-step"));
            if (polish is not null)
                summary.AddRow(new Text("polish (L-BFGS, double)"), new Text(string.Create(CultureInfo.InvariantCulture,
                    $"NLL {polish.StartNll:G10} -> {polish.Nll:G10} on {train.Episodes} training episodes in {MessageText.Count(polish.Iterations, "iteration")}; final gradient norm {polish.GradientNorm:G3} ({polish.Status})")));
            else
                summary.AddRow(new Text("standard errors"), new Text(
                    seMode == "none" || result.Failure is not null ? "not computed"
                    : string.Create(CultureInfo.InvariantCulture, $"not computed for {parameterCount} parameters (more than {ModelInference.DefaultMaxParameters}; --se robust forces them; diml bootstrap gives intervals)")));
            summary.AddRow(new Text("model"), new Text(modelPath));
            if (curvePath is not null) summary.AddRow(new Text("curve"), new Text(curvePath));
            var resultWriter = curvePath == CliFiles.StandardOutput ? console.Progress : console.Out;
            resultWriter.Write(summary);
            if (inference is not null && curvePath != CliFiles.StandardOutput) InferenceTables.Write(console, inference);
            if (mixture is not null && curvePath != CliFiles.StandardOutput) LearnerTypeTables.Write(console, mixture, estimated, inference, typesPath);
            return ExitCodes.Success;
        }
    }

    /// <summary>Progress lines on the progress console, at most one every few seconds (an MPI job's output is usually a log).</summary>
    private sealed class ConsoleProgress(CliConsole console, int planned) : IProgress<EpochReport>
    {
        private long _last;

        public void Report(EpochReport value)
        {
            long now = System.Diagnostics.Stopwatch.GetTimestamp();
            if (_last != 0 && System.Diagnostics.Stopwatch.GetElapsedTime(_last, now).TotalSeconds < 5) return;
            _last = now;
            console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"diml fit: epoch {value.Epoch}/{planned}: loss {value.MeanLoss:G6}{(double.IsNaN(value.ValidationNll) ? "" : $", validation NLL {value.ValidationNll:G6}")}, {value.Seconds:F3} s"));
        }
    }

    /// <summary>
    /// The learner parameters <c>--estimate</c> names (camel-cased, in the rule's order), checked: each a learnable
    /// parameter of the rule, once, and the payoff scale only with a mechanism of known scale (β only scales payoffs, so
    /// with a mechanism whose every payoff term is learned, β and the payoffs trade off exactly: not identified).
    /// <c>q0</c> stands for the initial attractions of actions 1 … A−1 (<c>q0[1]</c>, …): under a softmax they are
    /// identified only up to a common shift, so action 0's stays at its value; <paramref name="learner"/> then gets
    /// initial attractions for every action (all 0 when <c>--q0</c> gave none) to start from.
    /// </summary>
    internal static IReadOnlyList<string> EstimatedNames(string? option, ref LearnerChoice learner, Diml.Mechanisms.MechanismEntry mechanism, int actions)
    {
        if (option is null) return [];
        var names = option.Split(',', StringSplitOptions.TrimEntries);
        if (names.Any(n => n.Length == 0))
            throw CliException.Usage($"--estimate: expected learner parameter names separated by commas (e.g. alpha,epsilon), found '{MessageText.Escape(option)}'.");
        var rule = learner.Create();
        if (rule is not ILearnableRule learnable || learnable.Layout.Blocks.Count == 0)
            throw CliException.Usage($"--estimate: rule {learner.Entry.Name} has no learnable parameters; expected a rule with [Param] fields, found {learner.Entry.Name}.");
        var learnableNames = learnable.Layout.Blocks.Select(b => LearnerParameters.CamelCase(b.Name)).ToArray();
        foreach (string name in names)
        {
            if (!learnableNames.Contains(name, StringComparer.Ordinal))
                throw CliException.Usage($"--estimate: expected learnable parameters of rule {learner.Entry.Name} ({string.Join(", ", learnableNames)}), found '{MessageText.Escape(name)}'.");
            if (learnable.Layout.Blocks.First(b => LearnerParameters.CamelCase(b.Name) == name).Rank > 0 && name != Diml.Mechanisms.LearningRuleCatalog.InitialAttraction)
                throw CliException.Usage($"--estimate: expected scalar learner parameters or q0 (model files store the learner's hyperparameters as numbers), found the vector '{MessageText.Escape(name)}'; estimate it through the library (LearnerParameters).");
            if (names.Count(n => n == name) > 1)
                throw CliException.Usage($"--estimate: expected each parameter once, found '{MessageText.Escape(name)}' twice.");
        }
        if (learner.Entry.PayoffScale is { } scale && names.Contains(scale) && !mechanism.KnownScale)
        {
            var known = Diml.Mechanisms.MechanismCatalog.Entries.Where(e => e.KnownScale).Select(e => e.Name).ToArray();
            throw CliException.Usage($"--estimate: {scale} only scales the payoffs, and --mechanism {mechanism.Name} has no known payoff scale (every payoff term is learned), " +
                $"so {scale} and the payoffs trade off exactly: not identified. Expected {scale} fixed (--{RuleOptions.OptionName(scale)} VALUE, not in --estimate), " +
                $"or a mechanism with a known scale ({(known.Length == 0 ? "none in the catalog" : string.Join(", ", known))}); found --estimate {MessageText.Escape(option)}.");
        }
        var result = new List<string>();
        foreach (string name in learnableNames.Where(names.Contains))
        {
            if (name != Diml.Mechanisms.LearningRuleCatalog.InitialAttraction)
            {
                result.Add(name);
                continue;
            }
            if (actions < 2)
                throw CliException.Usage(string.Create(CultureInfo.InvariantCulture,
                    $"--estimate: q0 is identified only up to a common shift, so action 0's is held fixed and the others estimated; expected a game of at least 2 actions, found {actions}."));
            learner = learner.WithInitialAttractions(actions);
            result.AddRange(Diml.Mechanisms.LearningRuleCatalog.IdentifiedInitialAttractions(actions));
        }
        return result;
    }

    /// <summary>The hyperparameters with the estimated ones replaced by their estimates.</summary>
    private static IReadOnlyDictionary<string, double> WithEstimates(IReadOnlyDictionary<string, double> values, IReadOnlyDictionary<string, double> estimates)
    {
        var result = new Dictionary<string, double>(values, StringComparer.Ordinal);
        foreach (var (name, value) in estimates)
            if (result.ContainsKey(name)) result[name] = value;
        return result;
    }

    /// <summary>Why the fit stopped, in words.</summary>
    private static string StopText(FitResult result) => result.StopReason switch
    {
        FitStopReason.Patience => string.Create(CultureInfo.InvariantCulture,
            $"stopped early: no better validation NLL for {MessageText.Count(result.PatienceEpochs, "epoch")} (patience) after epoch {result.BestEpoch}"),
        FitStopReason.Failure => "stopped on a non-finite value",
        _ => "ran every planned epoch",
    };

    /// <summary>Which parameters the model file holds.</summary>
    private static string SelectionText(FitResult result) => result.ValidationEpisodes > 0
        ? string.Create(CultureInfo.InvariantCulture, $"{result.BestEpoch} (best validation NLL; its parameters are the model)")
        : string.Create(CultureInfo.InvariantCulture, $"{result.Curve.Count} (the last; validation off; lowest train loss at epoch {result.BestEpoch})");

    /// <summary>The <c>stop_reason</c> of the JSON summary.</summary>
    internal static string StopReasonName(FitStopReason reason) => reason switch
    {
        FitStopReason.Patience => "patience",
        FitStopReason.Failure => "failure",
        FitStopReason.Cancelled => "cancelled",
        _ => "completed",
    };

    /// <summary>The command-line option behind a setting a checkpoint compares.</summary>
    private static string OptionOf(string setting) => setting switch
    {
        nameof(FitOptions.Epochs) => "--epochs",
        nameof(FitOptions.ValidationFraction) => "--validation-fraction",
        nameof(FitOptions.Patience) => "--patience",
        nameof(FitOptions.MinSteps) => "--min-steps",
        nameof(FitOptions.BatchSize) => "--batch",
        nameof(FitOptions.Window) => "--window",
        nameof(FitOptions.WindowMode) => "--window-mode",
        nameof(FitOptions.LearningRate) => "--lr",
        nameof(FitOptions.Lambda) => "--regularizer",
        nameof(FitOptions.ClipNorm) => "--clip",
        nameof(FitOptions.Seed) => "--seed",
        nameof(FitCheckpoint.MechanismType) => "--mechanism",
        nameof(FitCheckpoint.Layout) => "--hidden/--actions (parameter layout)",
        nameof(FitCheckpoint.Learner) => "--rule and its hyperparameters",
        nameof(FitCheckpoint.DataFingerprint) => "--data/--train-fraction (training data)",
        nameof(FitCheckpoint.InitialParameters) => "--init-seed (initial parameters)",
        _ => setting,
    };

    private static void WriteJson(TextWriter output, string mechanism, Trajectories all, Trajectories train, Trajectories? test, LearnerChoice learner,
        IReadOnlyList<string> estimated, LearnerChoice start, FitResult result, double? finalLoss, int scoredPerWindow, double? secondsPerEpoch, double? nll, string modelPath, string? curvePath,
        PolishResult? polish, SavedInference? inference, LearnerTypesResult? mixture, IReadOnlyList<string> typeParameters, string? typesPath)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("model", modelPath);
            if (curvePath is not null) w.WriteString("curve", curvePath);
            w.WriteString("mechanism", mechanism);
            w.WriteNumber("agents", all.Shape.Agents);
            w.WriteNumber("actions", all.Shape.Actions);
            w.WriteString("learner", learner.ToString());
            w.WriteStartObject("learner_estimates");
            foreach (string name in estimated) w.WriteNumber(name, learner.Hyperparameters[name]);
            w.WriteEndObject();
            w.WriteStartObject("learner_start");
            foreach (string name in estimated) w.WriteNumber(name, start.Hyperparameters[name]);
            w.WriteEndObject();
            w.WriteNumber("train_episodes", train.Episodes);
            w.WriteNumber("held_out_episodes", test?.Episodes ?? 0);
            w.WriteNumber("steps", all.Steps);
            w.WriteNumber("validation_episodes", result.ValidationEpisodes);
            w.WriteNumber("epochs", result.Curve.Count);
            w.WriteNumber("planned_epochs", result.PlannedEpochs);
            w.WriteNumber("optimizer_steps", result.OptimizerSteps);
            w.WriteString("stop_reason", StopReasonName(result.StopReason));
            w.WriteNumber("patience_epochs", result.PatienceEpochs);
            w.WriteNumber("selected_epoch", result.BestEpoch);
            w.WriteString("selected_by", result.ValidationEpisodes > 0 ? "validation_nll" : "last_epoch");
            w.WriteNumberOrNull("best_validation_nll", result.BestValidationNll);
            w.WriteNumber("best_epoch", result.BestEpoch);
            w.WriteNumberOrNull("final_train_loss_per_window", finalLoss);
            w.WriteNumber("scored_agent_steps_per_window", scoredPerWindow);
            w.WriteNumberOrNull("final_train_loss_per_agent_step", finalLoss / scoredPerWindow);
            w.WriteNumberOrNull("seconds_per_epoch", secondsPerEpoch);
            w.WriteNumberOrNull("nll_test", nll);
            if (polish is null) w.WriteNull("polish");
            else
            {
                w.WriteStartObject("polish");
                w.WriteNumber("start_nll", polish.StartNll);
                w.WriteNumber("nll", polish.Nll);
                w.WriteNumber("gradient_norm", polish.GradientNorm);
                w.WriteNumber("iterations", polish.Iterations);
                w.WriteBoolean("converged", polish.Converged);
                w.WriteString("status", polish.Status);
                w.WriteEndObject();
            }
            InferenceTables.WriteJson(w, inference);
            LearnerTypeTables.WriteJson(w, mixture, typeParameters, typesPath);
            w.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
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

    /// <summary>
    /// Writes <c>epoch,train_loss,epoch_seconds,validation_nll</c>, one row per completed epoch (<c>validation_nll</c>
    /// empty without validation).
    /// </summary>
    internal static void WriteCurve(string path, CliConsole console, IReadOnlyList<EpochReport> curve) =>
        CliFiles.WriteText(path, console, writer =>
        {
            writer.WriteLine("epoch,train_loss,epoch_seconds,validation_nll");
            foreach (var r in curve)
            {
                string validation = double.IsFinite(r.ValidationNll) ? r.ValidationNll.ToString("R", CultureInfo.InvariantCulture) : "";
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Epoch},{r.MeanLoss:R},{r.Seconds:R},{validation}"));
            }
        });
}
