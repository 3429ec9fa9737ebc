using Diml.Data;
using Diml.Fitting;
using Diml.Simulation;
using MathNet.Numerics.Distributions;

namespace Diml.Evaluation.Inference;

/// <summary>
/// Comparing models of the same data (docs/inference.md, "Model comparison"): information criteria
/// (<see cref="ComparedModel"/>), likelihood-ratio tests of nested models, Vuong's test of non-nested ones, and k-fold
/// cross-validation by episode.
/// </summary>
public static class ModelComparison
{
    /// <summary>The NLL of every episode at <paramref name="theta"/>.</summary>
    public static double[] EpisodeNll(EpisodeLikelihood likelihood, ReadOnlySpan<double> theta)
    {
        ArgumentNullException.ThrowIfNull(likelihood);
        var nll = new double[likelihood.Episodes];
        for (int e = 0; e < nll.Length; e++) nll[e] = likelihood.EpisodeNll(e, theta, Span<double>.Empty);
        return nll;
    }

    /// <summary>The NLL of every episode of <paramref name="data"/> under a step scorer (a baseline).</summary>
    public static double[] EpisodeNll(IStepScorer scorer, Trajectories data)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        ArgumentNullException.ThrowIfNull(data);
        var steps = new double[data.Steps - 1];
        var nll = new double[data.Episodes];
        for (int e = 0; e < data.Episodes; e++)
        {
            scorer.ScoreEpisode(data, e, steps);
            double sum = 0;
            foreach (double v in steps) sum += v;
            nll[e] = sum;
        }
        return nll;
    }

    /// <summary>
    /// The likelihood-ratio test of <paramref name="restricted"/> nested in <paramref name="general"/>:
    /// <c>LR = 2(log L_g − log L_r)</c> against <c>χ²</c> with <c>k_g − k_r</c> degrees of freedom. Valid when the
    /// restricted model is the general one with some parameters fixed (not at a bound), both at their maxima on the same data.
    /// A negative statistic (the general model fitted worse: not nested, or not at its maximum) gives p = 1.
    /// </summary>
    public static LikelihoodRatioTest LikelihoodRatio(ComparedModel restricted, ComparedModel general)
    {
        ArgumentNullException.ThrowIfNull(restricted);
        ArgumentNullException.ThrowIfNull(general);
        CheckSameData(restricted, general);
        int df = general.Parameters - restricted.Parameters;
        if (df < 1)
            throw new ArgumentException($"{nameof(general)}: expected more parameters than the restricted model '{restricted.Name}' ({restricted.Parameters}), found {general.Parameters} in '{general.Name}'.", nameof(general));
        double statistic = 2 * (general.LogLikelihood - restricted.LogLikelihood);
        double p = statistic <= 0 ? 1 : 1 - ChiSquared.CDF(df, statistic);
        return new LikelihoodRatioTest(restricted.Name, general.Name, statistic, df, p);
    }

    /// <summary>
    /// Vuong's closeness test of two non-nested models, by episode: with <c>m_e</c> the difference of the episodes'
    /// log-likelihoods, <c>z = √G · mean(m)/sd(m)</c> is asymptotically standard normal when both are equally close to
    /// the truth. Summing within episodes keeps the test valid under dependence within them.
    /// </summary>
    public static VuongTest Vuong(ComparedModel first, ComparedModel second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        CheckSameData(first, second);
        int g = first.EpisodeNll.Length;
        if (g < 2) throw new ArgumentException($"{nameof(first)}: expected at least 2 episodes for Vuong's test, found {g}.", nameof(first));
        double mean = 0;
        for (int e = 0; e < g; e++) mean += second.EpisodeNll[e] - first.EpisodeNll[e];
        mean /= g;
        double variance = 0;
        for (int e = 0; e < g; e++)
        {
            double d = second.EpisodeNll[e] - first.EpisodeNll[e] - mean;
            variance += d * d;
        }
        variance /= g - 1;
        if (variance == 0) return new VuongTest(first.Name, second.Name, 0, 1);
        double z = Math.Sqrt(g) * mean / Math.Sqrt(variance);
        return new VuongTest(first.Name, second.Name, z, 2 * (1 - Normal.CDF(0, 1, Math.Abs(z))));
    }

    /// <summary>
    /// The fold (0..<paramref name="folds"/>−1) of each of <paramref name="episodes"/> episodes: a permutation drawn from
    /// <paramref name="seed"/>, dealt round-robin, so the folds differ in size by at most one.
    /// </summary>
    public static int[] Folds(int episodes, int folds, ulong seed)
    {
        if (folds < 2 || folds > episodes)
            throw new ArgumentOutOfRangeException(nameof(folds), folds, $"{nameof(folds)}: expected 2..{episodes} folds (at most one per episode), found {folds}.");
        var order = Enumerable.Range(0, episodes).ToArray();
        var random = SplitMix64.ForStream(seed, FoldStream);
        for (int j = episodes - 1; j > 0; j--)
        {
            int k = random.NextInt(j + 1);
            (order[j], order[k]) = (order[k], order[j]);
        }
        var fold = new int[episodes];
        for (int j = 0; j < episodes; j++) fold[order[j]] = j % folds;
        return fold;
    }

    private const ulong FoldStream = 0xC0FF01D;

    /// <summary>
    /// k-fold cross-validation by episode of a likelihood's maximum: for each fold, the polish from
    /// <paramref name="start"/> on the other folds (<see cref="MaximumLikelihood.Polish"/>), then the NLL of the fold's
    /// episodes there. Returns the held-out NLL of every episode.
    /// </summary>
    /// <remarks>
    /// The refit is warm-started from <paramref name="start"/> (typically the full-data estimate) so that it is cheap and
    /// lands in the same basin; for a likelihood with one maximum the start does not matter, for a multimodal one it
    /// leaks a little information from the held-out fold (docs/inference.md). With <paramref name="processes"/> (the
    /// ranks of an MPI job), process <c>r</c> refits the contiguous folds <c>⌊k·r/R⌋ .. ⌊k·(r+1)/R⌋ − 1</c> and one
    /// all-gather gives every process every episode's held-out NLL: the same numbers one process computes, since each
    /// fold's refit depends on nothing else. <paramref name="progress"/> hears the folds this process has refitted.
    /// </remarks>
    public static double[] CrossValidatedEpisodeNll(EpisodeLikelihood likelihood, ReadOnlySpan<double> start, int[] foldOf, PolishOptions? options = null,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default, IProcessGroup? processes = null)
    {
        ArgumentNullException.ThrowIfNull(likelihood);
        ArgumentNullException.ThrowIfNull(foldOf);
        if (foldOf.Length != likelihood.Episodes)
            throw new ArgumentException($"{nameof(foldOf)}: expected a fold for each of {likelihood.Episodes} episodes, found {foldOf.Length}.", nameof(foldOf));
        processes ??= LocalProcessGroup.Instance;
        int folds = foldOf.Max() + 1, size = processes.Size, rank = processes.Rank;
        // The episodes fold by fold, so that each process's folds are one contiguous part of the exchanged buffer.
        var byFold = Enumerable.Range(0, foldOf.Length).OrderBy(e => foldOf[e]).ThenBy(e => e).ToArray();
        var buffer = new double[byFold.Length];
        var offsets = new int[size];
        var counts = new int[size];
        for (int r = 0; r < size; r++)
        {
            int first = folds * r / size, end = folds * (r + 1) / size;
            int from = Array.FindIndex(byFold, e => foldOf[e] >= first), to = Array.FindIndex(byFold, e => foldOf[e] >= end);
            if (from < 0) from = byFold.Length;
            if (to < 0) to = byFold.Length;
            offsets[r] = from * sizeof(double);
            counts[r] = (to - from) * sizeof(double);
        }
        int done = 0;
        for (int f = folds * rank / size; f < folds * (rank + 1) / size; f++)
        {
            var training = Enumerable.Range(0, foldOf.Length).Where(e => foldOf[e] != f).ToArray();
            var fit = MaximumLikelihood.Polish(likelihood, start, options, training, cancellationToken);
            for (int j = 0; j < byFold.Length; j++)
                if (foldOf[byFold[j]] == f) buffer[j] = likelihood.EpisodeNll(byFold[j], fit.Estimate, Span<double>.Empty);
            progress?.Report(++done);
        }
        processes.AllGather(System.Runtime.InteropServices.MemoryMarshal.AsBytes(buffer.AsSpan()), offsets, counts);
        var heldOut = new double[likelihood.Episodes];
        for (int j = 0; j < byFold.Length; j++) heldOut[byFold[j]] = buffer[j];
        return heldOut;
    }

    /// <summary>
    /// k-fold cross-validation by episode of a model of play estimated by <paramref name="fit"/> (a behavioural baseline):
    /// refitted on the other folds, scored on each fold's episodes. Returns the held-out NLL of every episode.
    /// </summary>
    public static double[] CrossValidatedEpisodeNll(Func<Trajectories, IStepScorer> fit, Trajectories data, int[] foldOf)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(foldOf);
        if (foldOf.Length != data.Episodes)
            throw new ArgumentException($"{nameof(foldOf)}: expected a fold for each of {data.Episodes} episodes, found {foldOf.Length}.", nameof(foldOf));
        int folds = foldOf.Max() + 1;
        var heldOut = new double[data.Episodes];
        var steps = new double[data.Steps - 1];
        for (int f = 0; f < folds; f++)
        {
            var training = Enumerable.Range(0, foldOf.Length).Where(e => foldOf[e] != f).ToArray();
            var scorer = fit(data.SelectEpisodes(training));
            for (int e = 0; e < foldOf.Length; e++)
            {
                if (foldOf[e] != f) continue;
                scorer.ScoreEpisode(data, e, steps);
                double sum = 0;
                foreach (double v in steps) sum += v;
                heldOut[e] = sum;
            }
        }
        return heldOut;
    }

    /// <summary>
    /// The best model by each criterion: the highest log-likelihood, the lowest AIC and BIC, the lowest cross-validated
    /// NLL (when run). Ties go to the first listed.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Best(IReadOnlyList<ComparedModel> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        if (models.Count == 0) throw new ArgumentException($"{nameof(models)}: expected at least one model, found none.", nameof(models));
        var best = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["log_likelihood"] = models.MaxBy(m => m.LogLikelihood)!.Name,
            ["aic"] = models.MinBy(m => m.Aic)!.Name,
            ["bic"] = models.MinBy(m => m.Bic)!.Name,
        };
        if (models.Any(m => double.IsFinite(m.CrossValidatedNllPerDecision)))
            best["cv_nll"] = models.Where(m => double.IsFinite(m.CrossValidatedNllPerDecision)).MinBy(m => m.CrossValidatedNllPerDecision)!.Name;
        return best;
    }

    private static void CheckSameData(ComparedModel a, ComparedModel b)
    {
        if (a.EpisodeNll.Length != b.EpisodeNll.Length || a.Decisions != b.Decisions)
            throw new ArgumentException($"Models '{a.Name}' and '{b.Name}': expected scores of the same data, found {a.EpisodeNll.Length} and {b.EpisodeNll.Length} episodes ({a.Decisions} and {b.Decisions} decisions).");
    }
}
