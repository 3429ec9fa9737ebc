namespace Diml.Evaluation.Inference;

/// <summary>
/// One model in a comparison (<see cref="ModelComparison"/>): its NLL per episode on the data, the decisions scored and
/// the parameters it estimated, from which every criterion follows (docs/inference.md, "Model comparison").
/// </summary>
/// <param name="Name">The name in tables (a model file, or a baseline's name).</param>
/// <param name="IsBaseline">Whether it is a built-in behavioural baseline.</param>
/// <param name="EpisodeNll">NLL of each episode at the model's estimate, in episode order.</param>
/// <param name="Decisions">Scored decisions of the data.</param>
/// <param name="Parameters">Parameters counted by the criteria: the identified ones (the information's rank) when known.</param>
public sealed record ComparedModel(string Name, bool IsBaseline, double[] EpisodeNll, long Decisions, int Parameters)
{
    /// <summary>Held-out NLL per decision of k-fold cross-validation by episode (NaN when not run).</summary>
    public double CrossValidatedNllPerDecision { get; init; } = double.NaN;

    /// <summary>What <see cref="Parameters"/> counts, in words (e.g. <c>identified (rank)</c>, <c>all</c>).</summary>
    public string ParameterCountSource { get; init; } = "all";

    /// <summary>Total log-likelihood <c>−Σ_e NLL_e</c>.</summary>
    public double LogLikelihood
    {
        get
        {
            double sum = 0;
            foreach (double nll in EpisodeNll) sum -= nll;
            return sum;
        }
    }

    /// <summary>Log-likelihood per scored decision.</summary>
    public double LogLikelihoodPerDecision => LogLikelihood / Decisions;

    /// <summary>Akaike's criterion <c>2k − 2 log L</c> (lower is better).</summary>
    public double Aic => (2.0 * Parameters) - (2 * LogLikelihood);

    /// <summary>Schwarz's criterion <c>k ln N − 2 log L</c>, <c>N</c> the scored decisions (lower is better).</summary>
    public double Bic => (Parameters * Math.Log(Decisions)) - (2 * LogLikelihood);
}
