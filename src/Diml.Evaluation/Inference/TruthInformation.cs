using Diml.Data;
using Diml.Fitting;

namespace Diml.Evaluation.Inference;

/// <summary>
/// What a design can identify, apart from any fit: the standard errors implied by the information at the <b>true</b>
/// parameters. On data simulated at the truth, the observed information there, <c>H(θ₀)</c>, estimates the expected
/// (Fisher) information of that many sessions; its inverse is the asymptotic covariance of the maximum-likelihood
/// estimate. On a large simulated data set of S sessions, <c>H(θ₀)/S</c> is the expected information per session to
/// Monte-Carlo error, so the standard error of a design of s sessions is the one measured times <c>√(S/s)</c>.
/// </summary>
/// <remarks>
/// The covariance is the classical inverse of the observed information (<see cref="ObservedInformation"/>;
/// <see cref="StandardErrors.Compute"/> with <see cref="StandardErrorKind.Classical"/>), over the mechanism's parameters
/// and the learner parameters a <see cref="LearnerParameters"/> names; a learner parameter's standard error is mapped to
/// its natural scale by the delta method (<see cref="ModelInference.NaturalScale"/>). The truth need not be a maximum of
/// the data's likelihood: its gradient there is Monte-Carlo noise, and the Hessian is what the information needs.
/// </remarks>
public sealed class TruthInformation
{
    private TruthInformation(ParameterInference inference, IReadOnlyList<TruthStandardError> parameters, int sessions)
    {
        Inference = inference;
        Parameters = parameters;
        Sessions = sessions;
    }

    /// <summary>The information, covariance and raw-scale standard errors at the truth.</summary>
    public ParameterInference Inference { get; }

    /// <summary>Each parameter at its natural scale: the mechanism's in layout order, then the estimated learner parameters.</summary>
    public IReadOnlyList<TruthStandardError> Parameters { get; }

    /// <summary>Sessions (episodes) of the data the information was measured on.</summary>
    public int Sessions { get; }

    /// <summary>
    /// The standard errors at the truth: <paramref name="mechanism"/> at its current parameters and the learner
    /// parameters of <paramref name="learner"/> at its rule's current values (the truth), on <paramref name="data"/>.
    /// </summary>
    public static TruthInformation Compute(IMechanism mechanism, ILearningRule rule, Trajectories data, LearnerParameters? learner = null,
        int threads = 1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(data);
        if (learner is not null && !ReferenceEquals(learner.Rule, rule))
            throw new ArgumentException($"{nameof(learner)}: expected the learner parameters of {nameof(rule)} ({rule.RuleName}), found those of another rule object.", nameof(learner));
        int p = mechanism.Layout.TotalLength;
        using var likelihood = new MechanismLikelihood(mechanism, rule, data, threads, learner);
        var truth = new double[likelihood.ParameterCount];
        var mechanismTheta = new float[p];
        mechanism.ReadParameters(mechanismTheta);
        for (int j = 0; j < p; j++) truth[j] = mechanismTheta[j];
        if (learner is not null)
        {
            var raw = new float[learner.Length];
            learner.StartRaw(raw);
            for (int j = 0; j < raw.Length; j++) truth[p + j] = raw[j];
        }
        var inference = StandardErrors.Compute(likelihood, truth, StandardErrorKind.Classical, cancellationToken: cancellationToken);
        var parameters = new List<TruthStandardError>();
        for (int j = 0; j < p; j++)
            parameters.Add(new TruthStandardError(inference.Names[j], truth[j], inference.StandardErrors[j]));
        if (learner is not null)
        {
            foreach (var value in ModelInference.NaturalScale(inference, learner, p))
                parameters.Add(new TruthStandardError(value.Name, value.Estimate, value.StandardError));
        }
        return new TruthInformation(inference, parameters, data.Episodes);
    }
}
