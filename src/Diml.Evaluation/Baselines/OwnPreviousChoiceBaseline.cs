using Diml.Data;

namespace Diml.Evaluation.Baselines;

/// <summary>
/// The own-previous-choice baseline: a multinomial logit of an agent's action on its own previous action,
/// <c>π(a | p) ∝ exp(c_a + s·[a = p])</c> — action intercepts <c>c_a</c> (<c>c_0 = 0</c>) and one stay bonus <c>s</c>
/// for repeating the previous action — fitted by maximum likelihood on the training decisions
/// (<see cref="BehaviouralBaseline.TransitionCounts"/>) with Newton's method.
/// </summary>
/// <remarks>
/// <para>
/// Why a stay bonus rather than a full <c>A×A</c> transition table: lab designs have many actions and few decisions
/// (A = 21 contributions, a few thousand decisions per data set), where a table's <c>A(A−1)</c> free probabilities
/// would be mostly prior; persistence, the effect a learning model must beat, is one parameter here. The frequency
/// model is nested in it (<c>s = 0</c>), so whatever it gains over <see cref="ActionFrequencyBaseline"/> is due to
/// persistence. The log-likelihood is concave in <c>(c, s)</c> and, with the prior below, strictly so with a finite
/// maximum, found by damped Newton steps from the frequency solution.
/// </para>
/// <para>
/// Prior: the frequency model's add-one prior spread evenly over previous actions — a pseudo-count of <c>1/A</c> in
/// every (previous, action) cell. At <c>s = 0</c> the intercepts then reproduce <see cref="ActionFrequencyBaseline"/>
/// exactly, every probability is positive and the stay bonus stays finite even on data where nobody ever switches.
/// </para>
/// <para>
/// With absent agents, an agent who joins an episode late has no previous action at her first decision: that decision is
/// predicted by the intercepts alone, <c>π(a) ∝ exp(c_a)</c>, and enters the fit as such (a row with no stay feature).
/// </para>
/// </remarks>
public sealed class OwnPreviousChoiceBaseline : BehaviouralBaseline
{
    private const int MaxIterations = 200;
    private readonly double[] _intercepts, _logProbabilities;

    private OwnPreviousChoiceBaseline(double[] intercepts, double stayBonus, int iterations) : base(intercepts.Length)
    {
        _intercepts = intercepts;
        StayBonus = stayBonus;
        Iterations = iterations;
        int a = intercepts.Length;
        // Row A: no previous action (RowLogPartition applies no stay bonus to it).
        _logProbabilities = new double[(a + 1) * a];
        var utilities = new double[a];
        for (int p = 0; p <= a; p++)
        {
            double logZ = RowLogPartition(intercepts, stayBonus, p, utilities);
            for (int k = 0; k < a; k++) _logProbabilities[(p * a) + k] = utilities[k] - logZ;
        }
    }

    /// <summary>Fits the intercepts and the stay bonus on <paramref name="training"/>.</summary>
    /// <exception cref="InvalidOperationException">Newton's method did not converge (not expected: the objective is strictly concave).</exception>
    public static OwnPreviousChoiceBaseline Fit(Trajectories training)
    {
        ArgumentNullException.ThrowIfNull(training);
        int a = training.Shape.Actions;
        var counts = TransitionCounts(training);
        // Rows 0..A−1 by previous action, with the prior; row A (decisions with no previous action) without it.
        var weights = new double[counts.Length];
        for (int j = 0; j < weights.Length; j++) weights[j] = counts[j] + (j < a * a ? 1.0 / a : 0);
        var (intercepts, stay, iterations) = Maximise(weights, a);
        return new OwnPreviousChoiceBaseline(intercepts, stay, iterations);
    }

    /// <inheritdoc/>
    public override string Name => "own_previous";

    /// <inheritdoc/>
    /// <remarks>A − 1 intercepts and the stay bonus.</remarks>
    public override int ParameterCount => Actions;

    /// <inheritdoc/>
    public override string Description => "logit on the agent's previous action: action intercepts + a stay bonus";

    /// <summary>The action intercepts <c>c_a</c>, <c>c_0 = 0</c>.</summary>
    public IReadOnlyList<double> Intercepts => _intercepts;

    /// <summary>The stay bonus <c>s</c>: the log-odds added to repeating one's previous action.</summary>
    public double StayBonus { get; }

    /// <summary>Newton iterations the fit took.</summary>
    public int Iterations { get; }

    /// <inheritdoc/>
    public override double LogProbability(int previous, int action) =>
        _logProbabilities[((previous == Trajectories.Absent ? Actions : previous) * Actions) + action];

    /// <summary>
    /// Maximises <c>L = Σ_p Σ_a w[p,a]·u_p(a) − W_p·log Σ_a exp u_p(a)</c>, <c>u_p(a) = c_a + s·[a = p]</c>, over
    /// <c>x = (c_1..c_{A−1}, s)</c>: Newton steps on the negative Hessian (the weighted covariance of the features
    /// <c>(e_a, [a = p])</c>, positive definite), halved until the objective rises. <paramref name="w"/> has a row per
    /// previous action and, when it has <c>A + 1</c> rows, a last one for decisions with none (no stay feature).
    /// </summary>
    private static (double[] Intercepts, double Stay, int Iterations) Maximise(double[] w, int a)
    {
        int rows = w.Length / a;
        var rowTotals = new double[rows];
        double total = 0;
        for (int p = 0; p < rows; p++)
        {
            for (int k = 0; k < a; k++) rowTotals[p] += w[(p * a) + k];
            total += rowTotals[p];
        }
        // Start at the frequency solution: s = 0, c_a = log(column total / column total of action 0).
        var c = new double[a];
        var column = new double[a];
        for (int p = 0; p < rows; p++)
            for (int k = 0; k < a; k++) column[k] += w[(p * a) + k];
        for (int k = 0; k < a; k++) c[k] = Math.Log(column[k] / column[0]);
        double s = 0;

        int d = a; // c_1..c_{A−1} and s
        var gradient = new double[d];
        var hessian = new double[d * d];
        var step = new double[d];
        var utilities = new double[a];
        var probabilities = new double[a];
        var trialC = new double[a];
        double objective = Objective(w, rowTotals, c, s, a, utilities);
        for (int iteration = 1; iteration <= MaxIterations; iteration++)
        {
            Array.Clear(gradient);
            Array.Clear(hessian);
            for (int p = 0; p < rows; p++)
            {
                double logZ = RowLogPartition(c, s, p, utilities);
                for (int k = 0; k < a; k++) probabilities[k] = Math.Exp(utilities[k] - logZ);
                // The row of decisions without a previous action has no stay feature.
                double wp = rowTotals[p], stayProbability = p < a ? probabilities[p] : 0;
                for (int k = 1; k < a; k++)
                {
                    gradient[k - 1] += w[(p * a) + k] - (wp * probabilities[k]);
                    for (int l = 1; l < a; l++)
                        hessian[((k - 1) * d) + (l - 1)] += wp * (((k == l) ? probabilities[k] : 0) - (probabilities[k] * probabilities[l]));
                    double cross = wp * (((k == p) ? stayProbability : 0) - (probabilities[k] * stayProbability));
                    hessian[((k - 1) * d) + (d - 1)] += cross;
                    hessian[((d - 1) * d) + (k - 1)] += cross;
                }
                if (p < a) gradient[d - 1] += w[(p * a) + p] - (wp * stayProbability);
                hessian[((d - 1) * d) + (d - 1)] += wp * stayProbability * (1 - stayProbability);
            }
            SolvePositiveDefinite(hessian, gradient, step, d);
            double decrement = 0;
            for (int j = 0; j < d; j++) decrement += gradient[j] * step[j];
            // The Newton decrement is about twice the gain left; Newton converges quadratically, so iterate to rounding level.
            if (decrement <= 1e-26 * Math.Max(1, total)) return (c, s, iteration);
            double length = 1;
            while (true)
            {
                trialC[0] = 0;
                for (int k = 1; k < a; k++) trialC[k] = c[k] + (length * step[k - 1]);
                double trialS = s + (length * step[d - 1]);
                double trial = Objective(w, rowTotals, trialC, trialS, a, utilities);
                // No step improves at all: the objective is at its maximum to rounding.
                if (length < 1e-10) return (c, s, iteration);
                if (trial >= objective + (1e-4 * length * decrement))
                {
                    // On large data the bound above can sit below the objective's own rounding (a few ulps summed over the
                    // cells): once the gain left is that small, the gain made is rounding noise, and so is any further step.
                    bool atRounding = decrement <= 1e-12 * Math.Max(1, Math.Abs(objective))
                        && trial - objective <= 1e-14 * Math.Max(1, Math.Abs(objective));
                    Array.Copy(trialC, c, a);
                    s = trialS;
                    objective = trial;
                    if (atRounding) return (c, s, iteration);
                    break;
                }
                length /= 2;
            }
        }
        throw new InvalidOperationException($"The own-previous-choice baseline did not converge in {MaxIterations} Newton iterations.");
    }

    private static double Objective(double[] w, double[] rowTotals, double[] c, double s, int a, double[] utilities)
    {
        double sum = 0;
        for (int p = 0; p < rowTotals.Length; p++)
        {
            double logZ = RowLogPartition(c, s, p, utilities);
            for (int k = 0; k < a; k++) sum += w[(p * a) + k] * utilities[k];
            sum -= rowTotals[p] * logZ;
        }
        return sum;
    }

    /// <summary>Writes the utilities of row <paramref name="previous"/> (<c>A</c>: no previous action) and returns their log-sum-exp.</summary>
    private static double RowLogPartition(double[] c, double s, int previous, double[] utilities)
    {
        double max = double.NegativeInfinity;
        for (int k = 0; k < c.Length; k++)
        {
            utilities[k] = c[k] + (k == previous ? s : 0);
            max = Math.Max(max, utilities[k]);
        }
        double sum = 0;
        for (int k = 0; k < c.Length; k++) sum += Math.Exp(utilities[k] - max);
        return max + Math.Log(sum);
    }

    /// <summary>Solves <c>H·x = b</c> for a symmetric positive definite <c>H</c> (row-major, overwritten) by Cholesky.</summary>
    private static void SolvePositiveDefinite(double[] h, double[] b, double[] x, int d)
    {
        for (int j = 0; j < d; j++)
        {
            double diagonal = h[(j * d) + j];
            for (int k = 0; k < j; k++) diagonal -= h[(j * d) + k] * h[(j * d) + k];
            if (!(diagonal > 0)) throw new InvalidOperationException("The own-previous-choice baseline's Hessian is not positive definite.");
            double root = Math.Sqrt(diagonal);
            h[(j * d) + j] = root;
            for (int i = j + 1; i < d; i++)
            {
                double v = h[(i * d) + j];
                for (int k = 0; k < j; k++) v -= h[(i * d) + k] * h[(j * d) + k];
                h[(i * d) + j] = v / root;
            }
        }
        for (int i = 0; i < d; i++)
        {
            double v = b[i];
            for (int k = 0; k < i; k++) v -= h[(i * d) + k] * x[k];
            x[i] = v / h[(i * d) + i];
        }
        for (int i = d - 1; i >= 0; i--)
        {
            double v = x[i];
            for (int k = i + 1; k < d; k++) v -= h[(k * d) + i] * x[k];
            x[i] = v / h[(i * d) + i];
        }
    }
}
