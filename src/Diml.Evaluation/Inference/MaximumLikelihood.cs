namespace Diml.Evaluation.Inference;

/// <summary>
/// Deterministic maximum likelihood in double: the polish after the stochastic fit. Minibatch Adam with windows and a
/// regularizer stops near, not at, the maximum of the full-data likelihood; standard errors and likelihood-ratio tests
/// need the maximum itself, where the gradient vanishes. <see cref="Polish"/> runs L-BFGS on the exact total NLL.
/// </summary>
public static class MaximumLikelihood
{
    private const double Armijo = 1e-4;
    private const int MaxBacktracks = 40;

    /// <summary>
    /// Minimises the NLL of <paramref name="episodes"/> (all of them when empty; listed ones counted with multiplicity)
    /// from <paramref name="start"/> by L-BFGS with a backtracking (Armijo) line search. Directions where the NLL is flat —
    /// the gauge of DESIGN §1 — get no gradient and so are left where they started. Deterministic: the same input gives
    /// the same bits.
    /// </summary>
    public static PolishResult Polish(EpisodeLikelihood likelihood, ReadOnlySpan<double> start, PolishOptions? options = null,
        ReadOnlySpan<int> episodes = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(likelihood);
        options ??= new PolishOptions();
        options.Validate();
        int p = likelihood.ParameterCount;
        if (start.Length != p) throw new ArgumentException($"{nameof(start)}: expected {p} parameters, found {start.Length}.", nameof(start));
        var selected = episodes.IsEmpty ? likelihood.AllEpisodes.ToArray() : episodes.ToArray();
        long decisions = 0;
        foreach (int e in selected) decisions += likelihood.ScoredDecisions(e);
        double tolerance = options.GradientTolerancePerDecision * Math.Max(1, decisions);

        var x = start.ToArray();
        var g = new double[p];
        int evaluations = 1;
        double f = likelihood.Nll(selected, x, g);
        if (!double.IsFinite(f)) throw new ArgumentException($"{nameof(start)}: expected parameters where the NLL is finite, found NLL {f}.", nameof(start));
        double startNll = f;

        int m = options.Memory;
        var s = new double[m][];
        var y = new double[m][];
        var rho = new double[m];
        for (int k = 0; k < m; k++) { s[k] = new double[p]; y[k] = new double[p]; }
        var alpha = new double[m];
        int stored = 0, newest = -1;
        var d = new double[p];
        var xNew = new double[p];
        var gNew = new double[p];
        string status = "ran out of iterations";
        bool converged = false;
        int iteration = 0;
        int stalls = 0;
        for (; iteration < options.MaxIterations; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (MaxAbs(g) <= tolerance) { converged = true; status = "gradient below tolerance"; break; }

            // Two-loop recursion: d = −H·g with the stored curvature pairs.
            for (int j = 0; j < p; j++) d[j] = -g[j];
            for (int k = 0; k < stored; k++)
            {
                int slot = ((newest - k) % m + m) % m;
                alpha[slot] = rho[slot] * Dot(s[slot], d);
                Axpy(-alpha[slot], y[slot], d);
            }
            if (stored > 0)
            {
                double gamma = Dot(s[newest], y[newest]) / Dot(y[newest], y[newest]);
                for (int j = 0; j < p; j++) d[j] *= gamma;
            }
            for (int k = stored - 1; k >= 0; k--)
            {
                int slot = ((newest - k) % m + m) % m;
                double beta = rho[slot] * Dot(y[slot], d);
                Axpy(alpha[slot] - beta, s[slot], d);
            }
            double slope = Dot(g, d);
            if (!(slope < 0))
            {
                // Not a descent direction (rounding in the pairs): restart from steepest descent.
                stored = 0;
                for (int j = 0; j < p; j++) d[j] = -g[j];
                slope = Dot(g, d);
            }

            double step = stored == 0 ? Math.Min(1, 1 / Math.Sqrt(Dot(g, g))) : 1;
            double fNew = double.NaN;
            bool accepted = false;
            for (int b = 0; b < MaxBacktracks; b++)
            {
                for (int j = 0; j < p; j++) xNew[j] = x[j] + step * d[j];
                fNew = likelihood.Nll(selected, xNew, gNew);
                evaluations++;
                if (double.IsFinite(fNew) && fNew <= f + Armijo * step * slope) { accepted = true; break; }
                step *= 0.5;
            }
            if (!accepted)
            {
                if (stored > 0 && stalls++ == 0) { stored = 0; continue; } // retry once along the gradient
                status = "line search made no progress (the NLL is flat to rounding along the search direction)";
                break;
            }
            stalls = 0;
            int next = (newest + 1) % m;
            for (int j = 0; j < p; j++)
            {
                s[next][j] = xNew[j] - x[j];
                y[next][j] = gNew[j] - g[j];
            }
            double sy = Dot(s[next], y[next]);
            // Keep only pairs of positive curvature: the update stays positive definite.
            if (sy > 1e-12 * Math.Sqrt(Dot(s[next], s[next]) * Dot(y[next], y[next])))
            {
                rho[next] = 1 / sy;
                newest = next;
                stored = Math.Min(stored + 1, m);
            }
            double previous = f;
            Array.Copy(xNew, x, p);
            Array.Copy(gNew, g, p);
            f = fNew;
            if (previous - f <= 1e-15 * Math.Max(1, Math.Abs(f)) && MaxAbs(g) > tolerance && stored == 0)
            {
                status = "no further decrease (the NLL is flat to rounding)";
                iteration++;
                break;
            }
        }
        if (!converged && MaxAbs(g) <= tolerance) { converged = true; status = "gradient below tolerance"; }
        return new PolishResult(x, f, Math.Sqrt(Dot(g, g)), MaxAbs(g), startNll, iteration, evaluations, converged, status);
    }

    internal static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0;
        for (int j = 0; j < a.Length; j++) sum += a[j] * b[j];
        return sum;
    }

    private static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        for (int j = 0; j < y.Length; j++) y[j] += a * x[j];
    }

    private static double MaxAbs(ReadOnlySpan<double> v)
    {
        double max = 0;
        foreach (double value in v) max = Math.Max(max, Math.Abs(value));
        return max;
    }
}
