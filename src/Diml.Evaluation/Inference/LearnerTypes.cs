using Diml.Simulation;

namespace Diml.Evaluation.Inference;

/// <summary>
/// The maximum-likelihood estimator of a finite mixture of learner types (docs/inference.md, "Latent learner types"):
/// direct maximisation of the mixture log-likelihood by L-BFGS (<see cref="MaximumLikelihood.Polish"/> on
/// <see cref="LearnerTypeMixture"/>) from several starts, the best kept; the types then put in a canonical order; standard
/// errors from the observed information of the mixture likelihood (<see cref="StandardErrors.Compute"/>), the weights' by
/// the delta method through the softmax.
/// </summary>
public static class LearnerTypes
{
    /// <summary>
    /// Fits <paramref name="mixture"/> from the one-type estimate — the mechanism's parameters
    /// <paramref name="mechanismStart"/> and the raw learner values <paramref name="learnerStart"/>, as an ordinary fit
    /// with the same estimated parameters gives them — with equal weights. Deterministic for
    /// <see cref="LearnerTypesOptions.Seed"/>.
    /// </summary>
    /// <remarks>
    /// Types are only defined up to their labels (any permutation of the types gives the same likelihood: label
    /// switching). The result orders them by their raw learner values, lexicographically in the order of the estimated
    /// parameters (type 1 has the smallest first parameter), so that two fits of the same data name the same types alike.
    /// </remarks>
    public static LearnerTypesResult Fit(LearnerTypeMixture mixture, ReadOnlySpan<double> mechanismStart, ReadOnlySpan<double> learnerStart,
        LearnerTypesOptions? options = null, StandardErrorKind kind = StandardErrorKind.Classical, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        options ??= new LearnerTypesOptions();
        options.Validate();
        int K = mixture.Types, L = mixture.LearnerParameterCount;
        if (mechanismStart.Length != mixture.MechanismParameterCount)
            throw new ArgumentException($"{nameof(mechanismStart)}: expected {mixture.MechanismParameterCount} parameters, found {mechanismStart.Length}.", nameof(mechanismStart));
        if (learnerStart.Length != L)
            throw new ArgumentException($"{nameof(learnerStart)}: expected {L} raw learner values, found {learnerStart.Length}.", nameof(learnerStart));

        var equal = Enumerable.Repeat(1.0 / K, K).ToArray();
        // One type has nothing to spread: every start would be the same.
        int starts = K == 1 ? 1 : options.Starts;
        var nlls = new double[starts];
        PolishResult? best = null;
        int bestStart = 0;
        for (int start = 0; start < starts; start++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var typeRaw = StartValues(learnerStart, K, start, options);
            var theta = mixture.Pack(mechanismStart, typeRaw, equal);
            var polish = MaximumLikelihood.Polish(mixture, theta, options.Polish, cancellationToken: cancellationToken);
            nlls[start] = polish.Nll;
            if (best is null || polish.Nll < best.Nll) { best = polish; bestStart = start; }
        }

        var estimate = Canonical(mixture, best!.Estimate);
        // Equilibrated: a weight, informed by the subjects, has a curvature orders of magnitude below the payoffs' (docs/inference.md).
        var inference = StandardErrors.Compute(mixture, estimate, kind, cancellationToken: cancellationToken, equilibrate: true);
        var weights = mixture.Weights(estimate);
        var (_, posterior) = mixture.Classify(estimate);
        var types = new LearnerTypeEstimate[K];
        var gradient = new double[estimate.Length];
        for (int k = 0; k < K; k++)
        {
            // ∂w_k/∂v_j = w_k (δ_kj − w_j) for the free logits j = 2..K (v_1 = 0).
            Array.Clear(gradient);
            for (int j = 1; j < K; j++) gradient[mixture.WeightOffset + j - 1] = weights[k] * ((k == j ? 1 : 0) - weights[j]);
            double expected = 0;
            int modal = 0;
            for (int s = 0; s < mixture.Subjects; s++)
            {
                expected += posterior[s, k];
                int top = 0;
                for (int j = 1; j < K; j++) if (posterior[s, j] > posterior[s, top]) top = j;
                if (top == k) modal++;
            }
            types[k] = new LearnerTypeEstimate(weights[k], inference.StandardErrorOf(gradient),
                ModelInference.NaturalScale(inference, mixture.Learner, mixture.TypeOffset(k)), expected, modal);
        }
        return new LearnerTypesResult(mixture, estimate, best, nlls, bestStart, inference, types, posterior);
    }

    /// <summary>
    /// The raw learner values of each type at start <paramref name="start"/>: the first spreads them evenly over
    /// <c>r̂ ± Spread</c> (every parameter the same way), the others draw <c>r̂ + Spread·z</c> from the seed's stream of the start.
    /// </summary>
    internal static double[][] StartValues(ReadOnlySpan<double> learnerStart, int types, int start, LearnerTypesOptions options)
    {
        var values = new double[types][];
        var random = SplitMix64.ForStream(options.Seed, (ulong)start);
        for (int k = 0; k < types; k++)
        {
            values[k] = learnerStart.ToArray();
            for (int j = 0; j < values[k].Length; j++)
                values[k][j] += start == 0
                    ? (types == 1 ? 0 : options.Spread * ((2.0 * k / (types - 1)) - 1))
                    : options.Spread * StandardNormal(ref random);
        }
        return values;
    }

    /// <summary>θ with the types ordered by their raw values (lexicographically) and the weights permuted with them: the canonical labels of <see cref="Fit"/>.</summary>
    public static double[] Canonical(LearnerTypeMixture mixture, double[] theta)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        ArgumentNullException.ThrowIfNull(theta);
        if (theta.Length != mixture.ParameterCount)
            throw new ArgumentException($"{nameof(theta)}: expected {mixture.ParameterCount} parameters, found {theta.Length}.", nameof(theta));
        int K = mixture.Types, L = mixture.LearnerParameterCount;
        var raw = Enumerable.Range(0, K).Select(k => theta.AsSpan(mixture.TypeOffset(k), L).ToArray()).ToArray();
        var order = Enumerable.Range(0, K).ToArray();
        Array.Sort(order, (a, b) =>
        {
            for (int j = 0; j < L; j++)
            {
                int c = raw[a][j].CompareTo(raw[b][j]);
                if (c != 0) return c;
            }
            return a.CompareTo(b);
        });
        // The logits relative to the new first type, v'_k = v_order[k] − v_order[0] (v_1 = 0): no round trip through weights that may underflow.
        var logits = new double[K];
        for (int k = 1; k < K; k++) logits[k] = theta[mixture.WeightOffset + k - 1];
        var result = (double[])theta.Clone();
        for (int k = 0; k < K; k++)
        {
            raw[order[k]].CopyTo(result, mixture.TypeOffset(k));
            if (k > 0) result[mixture.WeightOffset + k - 1] = logits[order[k]] - logits[order[0]];
        }
        return result;
    }

    /// <summary>A standard normal draw (Box–Muller, one of the pair).</summary>
    private static double StandardNormal(ref SplitMix64 random)
    {
        double u = 1 - random.NextDouble(), v = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }
}
