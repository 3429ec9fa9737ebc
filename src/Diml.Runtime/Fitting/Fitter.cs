using Diml.Data;

namespace Diml.Fitting;

/// <summary>
/// Fits a mechanism's parameters by maximum likelihood through the learning dynamics (DESIGN §1,
/// "Estimator"). The caller splits the data (the reference trains on the first 80% of episodes).
/// </summary>
public sealed class Fitter
{
    private readonly IMechanism _mechanism;
    private readonly ILearningRule _rule;
    private readonly FitOptions _options;

    /// <summary>A fitter of <paramref name="mechanism"/> for agents learning by <paramref name="rule"/>.</summary>
    public Fitter(IMechanism mechanism, ILearningRule rule, FitOptions options)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _mechanism = mechanism;
        _rule = rule;
        _options = options;
    }

    /// <summary>
    /// Fits from the mechanism's current parameters and writes the result back into it
    /// (<see cref="IDifferentiableModel.WriteParameters"/>). <paramref name="progress"/> hears of every epoch.
    /// </summary>
    public FitResult Fit(Trajectories training, IProgress<EpochReport>? progress = null, CancellationToken cancellationToken = default)
    {
        var initial = new float[_mechanism.Layout.TotalLength];
        _mechanism.ReadParameters(initial);
        var result = Fit(training, initial, progress, cancellationToken);
        _mechanism.WriteParameters(result.Parameters);
        return result;
    }

    /// <summary>Fits from <paramref name="initialParameters"/>; the mechanism's own fields are not touched.</summary>
    public FitResult Fit(Trajectories training, ReadOnlySpan<float> initialParameters, IProgress<EpochReport>? progress = null,
        CancellationToken cancellationToken = default)
    {
        using var session = new FitSession(_mechanism, _rule, training, _options, initialParameters);
        var curve = new List<EpochReport>(_options.Epochs);
        bool cancelled = false;
        for (int epoch = 0; epoch < _options.Epochs; epoch++)
        {
            if (cancellationToken.IsCancellationRequested) { cancelled = true; break; }
            var report = session.RunEpoch();
            if (session.Failure is not null) break;
            curve.Add(report);
            progress?.Report(report);
        }
        return new FitResult(session.Parameters.ToArray(), curve, session.Failure, cancelled);
    }
}
