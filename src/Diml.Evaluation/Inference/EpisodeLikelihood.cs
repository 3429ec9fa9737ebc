namespace Diml.Evaluation.Inference;

/// <summary>
/// The negative log-likelihood of a panel of episodes (sessions) as a function of one flat parameter vector, in double
/// precision, episode by episode, with its exact gradient. Everything in this folder — the polish, the observed
/// information, the standard errors, the model comparison and the bootstrap — is written against this abstraction
/// only, so it covers whatever the vector holds: a mechanism's parameters (<see cref="MechanismLikelihood"/>), and
/// estimated learner parameters beside them when a likelihood supplies those.
/// </summary>
/// <remarks>
/// Episodes are the clusters of the cluster-robust standard errors and the units the bootstrap resamples: the
/// likelihood of a panel is the product of its episodes' likelihoods, so <c>NLL(θ) = Σ_e NLL_e(θ)</c>.
/// </remarks>
public abstract class EpisodeLikelihood
{
    private int[]? _all;

    /// <summary>Length of the parameter vector θ.</summary>
    public abstract int ParameterCount { get; }

    /// <summary>Episodes (sessions) of the data.</summary>
    public abstract int Episodes { get; }

    /// <summary>A readable name per parameter, such as <c>Toll[2]</c>.</summary>
    public abstract IReadOnlyList<string> ParameterNames { get; }

    /// <summary>Scored decisions (agent-steps) of episode <paramref name="episode"/>.</summary>
    public abstract int ScoredDecisions(int episode);

    /// <summary>
    /// <c>Σ_{e ∈ episodes} NLL_e(θ)</c>, each listed episode counted as often as it is listed (a bootstrap resample);
    /// when <paramref name="gradient"/> is not empty it is <b>overwritten</b> with the gradient of that sum.
    /// </summary>
    public abstract double Nll(ReadOnlySpan<int> episodes, ReadOnlySpan<double> theta, Span<double> gradient);

    /// <summary>Every episode, once, in order.</summary>
    public ReadOnlySpan<int> AllEpisodes => _all ??= Enumerable.Range(0, Episodes).ToArray();

    /// <summary>The NLL of the whole panel (and its gradient when <paramref name="gradient"/> is not empty).</summary>
    public double TotalNll(ReadOnlySpan<double> theta, Span<double> gradient) => Nll(AllEpisodes, theta, gradient);

    /// <summary>The NLL of one episode (and its gradient, the episode's score, when <paramref name="gradient"/> is not empty).</summary>
    public double EpisodeNll(int episode, ReadOnlySpan<double> theta, Span<double> gradient)
    {
        if ((uint)episode >= (uint)Episodes)
            throw new ArgumentOutOfRangeException(nameof(episode), episode, $"{nameof(episode)}: expected an episode in 0..{Episodes - 1}, found {episode}.");
        Span<int> one = [episode];
        return Nll(one, theta, gradient);
    }

    /// <summary>Scored decisions of the whole panel.</summary>
    public long TotalScoredDecisions
    {
        get
        {
            long total = 0;
            for (int e = 0; e < Episodes; e++) total += ScoredDecisions(e);
            return total;
        }
    }

    /// <summary>Throws unless <paramref name="theta"/> has <see cref="ParameterCount"/> entries.</summary>
    protected void CheckTheta(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        if (theta.Length != ParameterCount)
            throw new ArgumentException($"{nameof(theta)}: expected {ParameterCount} parameters, found {theta.Length}.", nameof(theta));
        if (!gradient.IsEmpty && gradient.Length != ParameterCount)
            throw new ArgumentException($"{nameof(gradient)}: expected empty or {ParameterCount} entries, found {gradient.Length}.", nameof(gradient));
    }

    /// <summary>The readable names of a layout's parameters: <c>Name</c>, <c>Name[r]</c> or <c>Name[r,c]</c>.</summary>
    public static string[] NamesOf(ParameterLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var names = new string[layout.TotalLength];
        foreach (var block in layout.Blocks)
            for (int r = 0; r < block.Rows; r++)
                for (int c = 0; c < block.Cols; c++)
                    names[block.Offset + (r * block.Cols) + c] = block.Rank switch
                    {
                        0 => block.Name,
                        1 => FormattableString.Invariant($"{block.Name}[{r}]"),
                        _ => FormattableString.Invariant($"{block.Name}[{r},{c}]"),
                    };
        return names;
    }
}
