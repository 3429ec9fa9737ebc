namespace Diml.Evaluation.Inference;

/// <summary>
/// A fitted finite mixture of learner types (<see cref="LearnerTypes.Fit"/>): the estimate, its standard errors, the
/// types with their weights, each subject's posterior, and the criteria to choose <c>K</c> by (docs/inference.md).
/// </summary>
public sealed class LearnerTypesResult
{
    internal LearnerTypesResult(LearnerTypeMixture mixture, double[] estimate, PolishResult polish, double[] startNlls, int bestStart,
        ParameterInference inference, IReadOnlyList<LearnerTypeEstimate> types, double[,] posterior)
    {
        Estimate = estimate;
        Polish = polish;
        StartNlls = startNlls;
        BestStart = bestStart;
        Inference = inference;
        Types = types;
        Posterior = posterior;
        SubjectAgents = mixture.SubjectAgents;
        SubjectDecisions = Enumerable.Range(0, mixture.Subjects).Select(mixture.ScoredDecisions).ToArray();
        Decisions = mixture.TotalScoredDecisions;
        Nll = inference.Nll;
        Parameters = inference.IsMinimum ? inference.Rank : estimate.Length;
        ParameterCountSource = inference.IsMinimum ? "identified (rank of the information)" : "all (the information is not positive semi-definite)";
    }

    /// <summary>θ̂: the mechanism's parameters, each type's raw learner values, the weight logits (types in canonical order).</summary>
    public double[] Estimate { get; }

    /// <summary>The polish of the best start (its estimate before the types were put in canonical order).</summary>
    public PolishResult Polish { get; }

    /// <summary>The NLL each start ended at, in start order.</summary>
    public double[] StartNlls { get; }

    /// <summary>The start whose maximum is kept (0-based).</summary>
    public int BestStart { get; }

    /// <summary>Standard errors at θ̂ (names as <see cref="LearnerTypeMixture.ParameterNames"/>).</summary>
    public ParameterInference Inference { get; }

    /// <summary>The types, ordered by their raw learner values (the first estimated parameter first).</summary>
    public IReadOnlyList<LearnerTypeEstimate> Types { get; }

    /// <summary>Posterior type probabilities <c>τ_sk</c>, <c>[subject, type]</c>.</summary>
    public double[,] Posterior { get; }

    /// <summary>The agent number of each subject.</summary>
    public IReadOnlyList<int> SubjectAgents { get; }

    /// <summary>Scored decisions of each subject.</summary>
    public IReadOnlyList<int> SubjectDecisions { get; }

    /// <summary>Scored decisions of the data, <c>N</c>.</summary>
    public long Decisions { get; }

    /// <summary>Subjects.</summary>
    public int Subjects => SubjectAgents.Count;

    /// <summary>The NLL at θ̂.</summary>
    public double Nll { get; }

    /// <summary>Log-likelihood <c>log L = −NLL</c>.</summary>
    public double LogLikelihood => -Nll;

    /// <summary>
    /// Parameters the criteria count, <c>k</c>: the identified directions (the information's rank), as model comparison
    /// counts them — the mechanism's gauge does not count; every type's values and the <c>K − 1</c> weights do.
    /// </summary>
    public int Parameters { get; }

    /// <summary>What <see cref="Parameters"/> counts, in words.</summary>
    public string ParameterCountSource { get; }

    /// <summary>Akaike's criterion <c>2k − 2 log L</c> (lower is better).</summary>
    public double Aic => (2.0 * Parameters) - (2 * LogLikelihood);

    /// <summary>Schwarz's criterion <c>k ln N − 2 log L</c>, <c>N</c> the scored decisions (lower is better).</summary>
    public double Bic => (Parameters * Math.Log(Decisions)) - (2 * LogLikelihood);

    /// <summary>Schwarz's criterion with the subjects as the sample size, <c>k ln S − 2 log L</c> (the latent-class convention).</summary>
    public double BicBySubjects => (Parameters * Math.Log(Subjects)) - (2 * LogLikelihood);

    /// <summary>What a model file stores of the mixture (<c>$.learnerTypes</c>): the first <paramref name="mechanismParameters"/> entries of θ̂ are the mechanism's.</summary>
    public Fitting.SavedLearnerTypes ToSaved(int mechanismParameters) =>
        new(Subjects, Decisions, Nll, Parameters, Polish.Converged, Estimate[..mechanismParameters],
            Types.Select(t => new Fitting.SavedLearnerType(t.Weight, t.WeightStandardError, t.Values)).ToArray());

    /// <summary>Subject <paramref name="subject"/>'s most probable type (0-based; the first on a tie).</summary>
    public int ModalType(int subject)
    {
        int best = 0;
        for (int k = 1; k < Types.Count; k++)
            if (Posterior[subject, k] > Posterior[subject, best]) best = k;
        return best;
    }
}
