using System.Diagnostics;
using System.Globalization;
using Diml.Data;
using Diml.Simulation;

namespace Diml.Fitting;

/// <summary>
/// A fit in progress, one epoch at a time: owns the parameters, the optimiser state, the minibatch
/// objective and every buffer, all sized in the constructor, so that after the first epoch an epoch
/// allocates nothing. <see cref="Fitter"/> drives it; tests and tools can drive it directly.
/// </summary>
/// <remarks>
/// An epoch shuffles the training episodes (Fisher–Yates from a <see cref="SplitMix64"/> stream seeded by
/// <see cref="FitOptions.Seed"/>) into consecutive minibatches of <see cref="FitOptions.BatchSize"/>; for
/// each it draws one window start <c>t0</c> uniformly from <c>[0, T − W)</c> when <c>T > W</c> (else
/// <c>t0 = 0</c>), computes loss and gradient, clips the gradient to the global norm and takes an Adam step.
/// Every random draw comes from that one stream on the calling thread, and every reduction runs in a fixed
/// order, so a seed gives bit-identical parameters whatever <see cref="FitOptions.Threads"/> is.
/// <para>With validation (<see cref="FitOptions.ValidationFraction"/>), the last <see cref="ValidationEpisodes"/> training
/// episodes are never fitted on: after every epoch their NLL per scored agent-step is computed as
/// <see cref="LikelihoodEvaluator"/> does (whole episodes from Q0, no regularizer), on buffers of the session's own, so
/// that an epoch still allocates nothing. The epoch with the lowest validation NLL is the best one
/// (<see cref="BestEpoch"/>); after <see cref="PatienceEpochs"/> epochs without a new best,
/// <see cref="PatienceExhausted"/> is set. Without validation the best epoch is the one with the lowest mean training
/// loss, as before.</para>
/// </remarks>
public sealed class FitSession : IDisposable
{
    private readonly Trajectories _training;
    private readonly FitOptions _options;
    private readonly MinibatchObjective<float> _objective;
    private readonly MinibatchObjective<float>? _validation;
    private readonly int[] _validationEpisodes;
    private readonly AdamOptimizer _adam;
    private readonly float[] _parameters, _lastGood, _gradient, _best;
    private readonly int[] _order;
    private SplitMix64 _random;

    // The epoch in progress, so that a fit can stop between two minibatches and continue bit-identically.
    private bool _inEpoch;
    private int _nextEpisode, _epochMinibatches;
    private double _epochLossSum, _epochSeconds;
    private long _epochQueries, _epochEvaluations;
    private double _bestLoss = double.PositiveInfinity;
    private double _bestValidation = double.PositiveInfinity;
    private int _sinceBest;

    /// <summary>Episodes the validation NLL is evaluated together (as <see cref="LikelihoodEvaluator"/> does).</summary>
    private const int ValidationChunk = 16;

    /// <summary>Prepares a fit of <paramref name="mechanism"/> under <paramref name="rule"/> to <paramref name="training"/> from <paramref name="initialParameters"/>.</summary>
    /// <remarks>
    /// With <paramref name="learner"/>, the rule's estimated parameters are fitted jointly: <paramref name="initialParameters"/>
    /// and <see cref="Parameters"/> are then <c>[mechanism θ | raw learner values]</c> (<see cref="LearnerParameters.StartRaw"/>).
    /// With <paramref name="processes"/>, the session is one of several that run the same fit and share its mechanism
    /// queries (<see cref="IProcessGroup"/>): every process must drive its session the same way, and all get the same results.
    /// </remarks>
    public FitSession(IMechanism mechanism, ILearningRule rule, Trajectories training, FitOptions options, ReadOnlySpan<float> initialParameters,
        LearnerParameters? learner = null, IProcessGroup? processes = null)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int p = mechanism.Layout.TotalLength + (learner?.Length ?? 0);
        if (initialParameters.Length != p)
            ThrowHelper.Argument(nameof(initialParameters), learner is { Length: > 0 }
                ? $"{p} parameters ({mechanism.Layout} | raw {string.Join(", ", learner.ValueNames)})"
                : $"{p} parameters ({mechanism.Layout})", initialParameters.Length);
        if (training.Episodes < 1) ThrowHelper.ArgumentOutOfRange(nameof(training), "at least one training episode", training.Episodes);
        if (training.Steps < 2) ThrowHelper.ArgumentOutOfRange(nameof(training), "episodes of at least 2 steps", training.Steps);
        foreach (float value in initialParameters)
            if (!float.IsFinite(value)) ThrowHelper.Argument(nameof(initialParameters), "finite values", value);

        _training = training;
        _options = options;
        int validation = options.ValidationEpisodes(training.Episodes), fitted = training.Episodes - validation;
        int batch = Math.Min(options.BatchSize, fitted);
        int chunk = Math.Min(ValidationChunk, validation);
        CheckFitsInMemory(rule, training, batch, options.Window, "lower the batch size or the window");
        if (validation > 0) CheckFitsInMemory(rule, training, chunk, training.Steps, "validation runs whole episodes: set the validation fraction to 0 or shorten the episodes");
        var groupSizes = GroupSizeRule.KernelSizes(mechanism, training);
        PlannedEpochs = options.PlannedEpochs(training.Episodes);
        PatienceEpochs = validation > 0 ? options.PatienceEpochs(training.Episodes) : 0;
        _objective = new MinibatchObjective<float>(mechanism, rule, training.Shape, batch, training.Steps, options.Window,
            options.WindowMode, options.Lambda, options.RegularizerSampleCap, Math.Min(options.Threads, Math.Max(1, batch)), groupSizes, learner, processes)
        {
            KeepActivations = options.KeepActivations,
        };
        // The validation episodes are the last ones; evaluated on the training objective's workers, with buffers of their own.
        _validationEpisodes = new int[validation];
        for (int v = 0; v < validation; v++) _validationEpisodes[v] = fitted + v;
        if (validation > 0)
            _validation = new MinibatchObjective<float>(mechanism, rule, training.Shape, chunk, training.Steps, training.Steps,
                WindowMode.Reference, lambda: 0, regularizerSampleCap: 0, _objective.Pool, ownsPool: false, groupSizes: groupSizes, learner: learner, processes: processes);
        _adam = new AdamOptimizer(p, options.LearningRate, options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay);
        _parameters = initialParameters.ToArray();
        _lastGood = initialParameters.ToArray();
        _gradient = new float[p];
        _best = initialParameters.ToArray();
        _order = new int[fitted];
        for (int e = 0; e < _order.Length; e++) _order[e] = e;
        _random = new SplitMix64(options.Seed);
    }

    /// <summary>
    /// The current parameters; after a failure, the last ones at which the loss and gradient were finite.
    /// </summary>
    public ReadOnlySpan<float> Parameters => _parameters;

    /// <summary>Epochs completed.</summary>
    public int Epoch { get; private set; }

    /// <summary>Optimiser (Adam) steps taken.</summary>
    public int OptimizerSteps => _adam.StepCount;

    /// <summary>Epochs planned (<see cref="FitOptions.PlannedEpochs"/> of the training episodes).</summary>
    public int PlannedEpochs { get; }

    /// <summary>The patience in epochs (<see cref="FitOptions.PatienceEpochs"/>; 0 without validation or patience).</summary>
    public int PatienceEpochs { get; }

    /// <summary>Training episodes held out for validation (the last ones; 0 without validation).</summary>
    public int ValidationEpisodes => _validationEpisodes.Length;

    /// <summary>The lowest validation NLL per agent-step so far, at <see cref="BestEpoch"/> (NaN without validation, +∞ before the first epoch).</summary>
    public double BestValidationNll => _validation is null ? double.NaN : _bestValidation;

    /// <summary>Epochs completed since <see cref="BestEpoch"/> (with validation).</summary>
    public int EpochsSinceBest => _sinceBest;

    /// <summary>
    /// Whether the validation NLL has not improved for <see cref="PatienceEpochs"/> epochs: a driver should stop
    /// (<see cref="Fitter"/> does). Never set without validation or with a patience of 0.
    /// </summary>
    public bool PatienceExhausted => PatienceEpochs > 0 && _sinceBest >= PatienceEpochs;

    /// <summary>Set when an epoch stopped on a non-finite loss or gradient; no further epochs run.</summary>
    public FitFailure? Failure { get; private set; }

    /// <summary>The objective (for diagnostics such as the number of distinct queries of the last minibatch).</summary>
    public MinibatchObjective<float> Objective => _objective;

    /// <summary>
    /// Distinct mechanism queries summed over the minibatches of the last (or current) epoch that this session ran, each
    /// evaluated forward and backpropagated (<see cref="CounterfactualPayoffs{T}.DistinctQueries"/>; the validation pass and
    /// a carried prefix are not included). With <see cref="LastEpochEvaluations"/>, what a FLOP count of the epoch needs.
    /// </summary>
    public long LastEpochDistinctQueries => _epochQueries;

    /// <summary>Mechanism evaluations of those queries (<see cref="CounterfactualPayoffs{T}.Evaluations"/>), summed likewise.</summary>
    public long LastEpochEvaluations => _epochEvaluations;

    /// <summary>Test hook: called after every successful minibatch (to cancel a fit in the middle of an epoch).</summary>
    internal Action? MinibatchCompleted { get; set; }

    /// <summary>
    /// The epoch with the lowest validation NLL so far, or without validation the lowest mean training loss (0 before the
    /// first epoch).
    /// </summary>
    public int BestEpoch { get; private set; }

    /// <summary>The parameters at the end of <see cref="BestEpoch"/> (the initial ones before the first epoch).</summary>
    public ReadOnlySpan<float> BestParameters => _best;

    /// <summary>
    /// Runs one epoch. If a loss or gradient is not finite the epoch stops there, the parameters stay at the
    /// last good values, <see cref="Failure"/> is set and the report's loss is NaN.
    /// </summary>
    public EpochReport RunEpoch()
    {
        TryRunEpoch(CancellationToken.None, out var report);
        return report;
    }

    /// <summary>
    /// Runs the rest of the current epoch (or a new one), checking <paramref name="cancellationToken"/> before each
    /// minibatch. Returns false, with the session stopped between two minibatches, when cancellation was requested:
    /// <see cref="CaptureState"/> then saves it and a later <see cref="TryRunEpoch"/> (here or on a restored session)
    /// continues the same epoch. Otherwise as <see cref="RunEpoch"/>. Allocates nothing.
    /// </summary>
    public bool TryRunEpoch(CancellationToken cancellationToken, out EpochReport report)
    {
        if (Failure is not null) throw new InvalidOperationException($"The fit stopped at epoch {Failure.Epoch}: {Failure.Message}");
        long start = Stopwatch.GetTimestamp();
        int epoch = Epoch + 1;
        var order = _order.AsSpan();
        if (!_inEpoch)
        {
            for (int j = order.Length - 1; j > 0; j--)
            {
                int r = _random.NextInt(j + 1);
                (order[j], order[r]) = (order[r], order[j]);
            }
            _inEpoch = true;
            _nextEpisode = 0;
            _epochMinibatches = 0;
            _epochLossSum = 0;
            _epochSeconds = 0;
            _epochQueries = 0;
            _epochEvaluations = 0;
        }

        int steps = _training.Steps, window = _objective.Window;
        while (_nextEpisode < order.Length)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                _epochSeconds += Stopwatch.GetElapsedTime(start).TotalSeconds;
                report = default;
                return false;
            }
            var episodes = order.Slice(_nextEpisode, Math.Min(_options.BatchSize, order.Length - _nextEpisode));
            int t0 = steps > window ? _random.NextInt(steps - window) : 0;
            ulong sampleSeed = _random.NextUInt64();
            int minibatch = _epochMinibatches + 1;
            var loss = _objective.Evaluate(_training, episodes, t0, _parameters, _gradient, sampleSeed);
            _epochQueries += _objective.Payoffs.DistinctQueries;
            _epochEvaluations += _objective.Payoffs.Evaluations;
            string? problem = !double.IsFinite(loss.Loss) ? "loss"
                : !AllFinite(_gradient) ? "gradient" : null;
            if (problem is null)
            {
                // These parameters gave a finite loss and gradient: they are the ones to fall back on.
                _parameters.AsSpan().CopyTo(_lastGood);
                GradientClipping.ClipToGlobalNorm(_gradient, _options.ClipNorm);
                _adam.Step(_parameters, _gradient);
                if (!AllFinite(_parameters)) problem = "parameter update";
            }
            if (problem is not null)
            {
                _lastGood.AsSpan().CopyTo(_parameters);
                string where = string.Create(CultureInfo.InvariantCulture,
                    $"The {problem} became non-finite (NaN or ∞) at epoch {epoch}, minibatch {minibatch} (window start {t0}). ");
                Failure = new FitFailure(epoch, minibatch, where +
                    "The parameters are kept at their last finite values. Usual remedies: lower the learning rate, clip the gradient " +
                    "more strongly (smaller clip norm), raise the regularizer λ, and check the data (actions in range, episodes long " +
                    "enough) and the learner's hyperparameters.");
                Epoch = epoch;
                _inEpoch = false;
                report = new EpochReport(epoch, PlannedEpochs, double.NaN, _epochSeconds + Stopwatch.GetElapsedTime(start).TotalSeconds);
                return true;
            }
            _epochLossSum += loss.Loss;
            _epochMinibatches = minibatch;
            _nextEpisode += episodes.Length;
            MinibatchCompleted?.Invoke();
        }
        Epoch = epoch;
        _inEpoch = false;
        double meanLoss = _epochLossSum / _epochMinibatches;
        double validationNll = double.NaN;
        if (_validation is not null)
        {
            validationNll = ValidationNll(_parameters);
            // A non-finite validation NLL is never an improvement.
            if (validationNll < _bestValidation)
            {
                _bestValidation = validationNll;
                BestEpoch = epoch;
                _parameters.AsSpan().CopyTo(_best);
                _sinceBest = 0;
            }
            else _sinceBest++;
        }
        else if (meanLoss < _bestLoss)
        {
            _bestLoss = meanLoss;
            BestEpoch = epoch;
            _parameters.AsSpan().CopyTo(_best);
        }
        report = new EpochReport(epoch, PlannedEpochs, meanLoss, _epochSeconds + Stopwatch.GetElapsedTime(start).TotalSeconds)
        {
            ValidationNll = validationNll,
        };
        return true;
    }

    /// <summary>
    /// The NLL per scored agent-step of the validation episodes at <paramref name="theta"/>: <c>Σ NLL / Σ scored</c> over
    /// chunks of <see cref="ValidationChunk"/> episodes in order, as <see cref="LikelihoodEvaluator.PerAgentStepNll(IMechanism, ReadOnlySpan{float}, ILearningRule, Data.Trajectories, ReadOnlySpan{int}, int)"/>.
    /// </summary>
    private double ValidationNll(ReadOnlySpan<float> theta)
    {
        var validation = _validation!;
        var episodes = _validationEpisodes.AsSpan();
        double nll = 0;
        long scored = 0;
        for (int first = 0; first < episodes.Length; first += ValidationChunk)
        {
            var loss = validation.Evaluate(_training, episodes.Slice(first, Math.Min(ValidationChunk, episodes.Length - first)), 0, theta, Span<float>.Empty);
            nll += loss.NegativeLogLikelihood;
            scored += loss.ScoredActions;
        }
        return nll / scored;
    }

    /// <summary>A copy of everything needed to continue this fit exactly (see <see cref="Restore"/>).</summary>
    public FitSessionState CaptureState() => new()
    {
        Epoch = Epoch,
        InEpoch = _inEpoch,
        NextEpisode = _nextEpisode,
        EpochLossSum = _epochLossSum,
        EpochMinibatches = _epochMinibatches,
        EpochSeconds = _epochSeconds,
        RandomState = _random.State,
        Order = (int[])_order.Clone(),
        Parameters = (float[])_parameters.Clone(),
        LastGood = (float[])_lastGood.Clone(),
        AdamSteps = _adam.StepCount,
        FirstMoment = _adam.FirstMoment.ToArray(),
        SecondMoment = _adam.SecondMoment.ToArray(),
        BestEpoch = BestEpoch,
        BestLoss = _bestLoss,
        BestParameters = (float[])_best.Clone(),
        BestValidationNll = _bestValidation,
        EpochsSinceBest = _sinceBest,
    };

    /// <summary>
    /// Puts this session (built with the same mechanism, rule, data and options) in the state captured by
    /// <see cref="CaptureState"/>; running on then gives bit-identical results to the session it came from.
    /// </summary>
    public void Restore(FitSessionState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (Failure is not null) throw new InvalidOperationException("A failed session cannot be restored.");
        int p = _parameters.Length, e = _order.Length;
        if (state.Parameters.Length != p || state.LastGood.Length != p || state.BestParameters.Length != p)
            ThrowHelper.Argument(nameof(state), $"{p} parameters", state.Parameters.Length);
        if (state.Order.Length != e) ThrowHelper.Argument(nameof(state), $"an order of {e} fitted training episodes", state.Order.Length);
        var seen = new bool[e];
        foreach (int episode in state.Order)
        {
            if ((uint)episode >= (uint)e || seen[episode]) ThrowHelper.Argument(nameof(state), $"an order that is a permutation of 0..{e - 1}", episode);
            seen[episode] = true;
        }
        if (state.Epoch < 0 || state.Epoch > PlannedEpochs) ThrowHelper.ArgumentOutOfRange(nameof(state), $"an epoch in 0..{PlannedEpochs}", state.Epoch);
        if (state.EpochsSinceBest < 0 || state.EpochsSinceBest > state.Epoch)
            ThrowHelper.ArgumentOutOfRange(nameof(state), $"epochs since the best in 0..{state.Epoch}", state.EpochsSinceBest);
        if (state.NextEpisode < 0 || state.NextEpisode > e) ThrowHelper.ArgumentOutOfRange(nameof(state), $"a next episode in 0..{e}", state.NextEpisode);
        state.Parameters.CopyTo(_parameters, 0);
        state.LastGood.CopyTo(_lastGood, 0);
        state.BestParameters.CopyTo(_best, 0);
        state.Order.CopyTo(_order, 0);
        _adam.Restore(state.AdamSteps, state.FirstMoment, state.SecondMoment);
        _random = new SplitMix64(state.RandomState);
        Epoch = state.Epoch;
        _inEpoch = state.InEpoch;
        _nextEpisode = state.NextEpisode;
        _epochLossSum = state.EpochLossSum;
        _epochMinibatches = state.EpochMinibatches;
        _epochSeconds = state.EpochSeconds;
        BestEpoch = state.BestEpoch;
        _bestLoss = state.BestLoss;
        _bestValidation = state.BestValidationNll;
        _sinceBest = state.EpochsSinceBest;
    }

    /// <summary>
    /// Bytes allocated so far by the threads that do this session's work (the calling thread and the
    /// workers); a test hook for the zero-allocation guarantee that other threads of the process cannot disturb.
    /// </summary>
    internal long WorkAllocatedBytes() => GC.GetAllocatedBytesForCurrentThread() + _objective.Pool.WorkerAllocatedBytes;

    /// <summary>
    /// Refuses, before allocating, a fit whose largest buffers (learner states and payoff adjoints of a minibatch
    /// window: batch × window × agents × (state + actions) floats) exceed one array or the memory available.
    /// </summary>
    private static void CheckFitsInMemory(ILearningRule rule, Trajectories training, int batch, int requestedWindow, string remedy)
    {
        long window = Math.Min(requestedWindow, training.Steps);
        long perStep = (long)training.Agents * (rule.StateSize(training.Shape.Actions) + training.Shape.Actions);
        long floats = batch * window * perStep;
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (floats <= Array.MaxLength && (available <= 0 || floats * sizeof(float) <= available / 2)) return;
        long neededMiB = floats * sizeof(float) / (1L << 20), availableMiB = available / (1L << 20);
        throw new InsufficientMemoryException(string.Create(CultureInfo.InvariantCulture,
            $"A fit of minibatches of {batch} episodes × windows of {window} steps × {training.Shape} needs about {floats:N0} floats ({neededMiB:N0} MiB) of learner buffers, more than one array or half the {availableMiB:N0} MiB available; {remedy}."));
    }

    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
            if (!float.IsFinite(v)) return false;
        return true;
    }

    /// <summary>Stops the objective's worker threads.</summary>
    public void Dispose()
    {
        _validation?.Dispose();
        _objective.Dispose();
    }
}
