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
/// </remarks>
public sealed class FitSession : IDisposable
{
    private readonly Trajectories _training;
    private readonly FitOptions _options;
    private readonly MinibatchObjective<float> _objective;
    private readonly AdamOptimizer _adam;
    private readonly float[] _parameters, _lastGood, _gradient;
    private readonly int[] _order;
    private SplitMix64 _random;

    /// <summary>Prepares a fit of <paramref name="mechanism"/> under <paramref name="rule"/> to <paramref name="training"/> from <paramref name="initialParameters"/>.</summary>
    public FitSession(IMechanism mechanism, ILearningRule rule, Trajectories training, FitOptions options, ReadOnlySpan<float> initialParameters)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int p = mechanism.Layout.TotalLength;
        if (initialParameters.Length != p) ThrowHelper.Argument(nameof(initialParameters), $"{p} parameters ({mechanism.Layout})", initialParameters.Length);
        if (training.Episodes < 1) ThrowHelper.ArgumentOutOfRange(nameof(training), "at least one training episode", training.Episodes);
        if (training.Steps < 2) ThrowHelper.ArgumentOutOfRange(nameof(training), "episodes of at least 2 steps", training.Steps);
        foreach (float value in initialParameters)
            if (!float.IsFinite(value)) ThrowHelper.Argument(nameof(initialParameters), "finite values", value);

        _training = training;
        _options = options;
        int batch = Math.Min(options.BatchSize, training.Episodes);
        _objective = new MinibatchObjective<float>(mechanism, rule, training.Shape, batch, training.Steps, options.Window,
            options.WindowMode, options.Lambda, options.RegularizerSampleCap, Math.Min(options.Threads, Math.Max(1, batch)));
        _adam = new AdamOptimizer(p, options.LearningRate, options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay);
        _parameters = initialParameters.ToArray();
        _lastGood = initialParameters.ToArray();
        _gradient = new float[p];
        _order = new int[training.Episodes];
        for (int e = 0; e < _order.Length; e++) _order[e] = e;
        _random = new SplitMix64(options.Seed);
    }

    /// <summary>
    /// The current parameters; after a failure, the last ones at which the loss and gradient were finite.
    /// </summary>
    public ReadOnlySpan<float> Parameters => _parameters;

    /// <summary>Epochs completed.</summary>
    public int Epoch { get; private set; }

    /// <summary>Set when an epoch stopped on a non-finite loss or gradient; no further epochs run.</summary>
    public FitFailure? Failure { get; private set; }

    /// <summary>The objective (for diagnostics such as the number of distinct queries of the last minibatch).</summary>
    public MinibatchObjective<float> Objective => _objective;

    /// <summary>
    /// Runs one epoch. If a loss or gradient is not finite the epoch stops there, the parameters stay at the
    /// last good values, <see cref="Failure"/> is set and the report's loss is NaN.
    /// </summary>
    public EpochReport RunEpoch()
    {
        if (Failure is not null) throw new InvalidOperationException($"The fit stopped at epoch {Failure.Epoch}: {Failure.Message}");
        long start = Stopwatch.GetTimestamp();
        int epoch = Epoch + 1;
        var order = _order.AsSpan();
        for (int j = order.Length - 1; j > 0; j--)
        {
            int r = _random.NextInt(j + 1);
            (order[j], order[r]) = (order[r], order[j]);
        }

        int steps = _training.Steps, window = _objective.Window;
        double lossSum = 0;
        int minibatches = 0;
        for (int first = 0; first < order.Length; first += _options.BatchSize)
        {
            var episodes = order.Slice(first, Math.Min(_options.BatchSize, order.Length - first));
            int t0 = steps > window ? _random.NextInt(steps - window) : 0;
            ulong sampleSeed = _random.NextUInt64();
            minibatches++;
            var loss = _objective.Evaluate(_training, episodes, t0, _parameters, _gradient, sampleSeed);
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
                    $"The {problem} became non-finite (NaN or ∞) at epoch {epoch}, minibatch {minibatches} (window start {t0}). ");
                Failure = new FitFailure(epoch, minibatches, where +
                    "The parameters are kept at their last finite values. Usual remedies: lower the learning rate, clip the gradient " +
                    "more strongly (smaller clip norm), raise the regularizer λ, and check the data (actions in range, episodes long " +
                    "enough) and the learner's hyperparameters.");
                Epoch = epoch;
                return new EpochReport(epoch, _options.Epochs, double.NaN, Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
            lossSum += loss.Loss;
        }
        Epoch = epoch;
        return new EpochReport(epoch, _options.Epochs, lossSum / minibatches, Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    /// <summary>
    /// Bytes allocated so far by the threads that do this session's work (the calling thread and the
    /// workers); a test hook for the zero-allocation guarantee that other threads of the process cannot disturb.
    /// </summary>
    internal long WorkAllocatedBytes() => GC.GetAllocatedBytesForCurrentThread() + _objective.Pool.WorkerAllocatedBytes;

    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
            if (!float.IsFinite(v)) return false;
        return true;
    }

    /// <summary>Stops the objective's worker threads.</summary>
    public void Dispose() => _objective.Dispose();
}
