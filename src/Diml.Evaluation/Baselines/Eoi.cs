using Diml.Evaluation;
using System.Globalization;
using Diml.Data;

namespace Diml.Evaluation.Baselines;

/// <summary>
/// EOI (DESIGN §1, baselines): static logit inversion on the opponents' modal action. It ignores the learning
/// dynamics and reads payoffs straight off behaviour, as if each agent's next action were a logit response to what
/// the others just did.
/// </summary>
/// <remarks>
/// <para>The reference code is not available; the description is "static logit inversion on the opponents' modal
/// action, gauge mean-zero". What is implemented, precisely:</para>
/// <list type="number">
/// <item><b>Context.</b> For agent <c>i</c> at step <c>t</c>, the context is <c>m = mode(a_{−i,t})</c>, the action
/// played by most of the <i>other</i> agents at step <c>t</c>, ties going to the smallest action index (NumPy's
/// <c>argmax(bincount(·))</c>). With one agent there are no opponents and every step has context 0. Reducing the
/// opponents' profile to one action keeps the number of contexts at <c>A</c> per agent whatever <c>n</c> is, so every
/// context has data even in E7's games; the price is that profiles sharing a mode share payoffs.</item>
/// <item><b>Frequencies.</b> Over every transition <c>t → t + 1</c> (<c>t = 0..T−2</c>, the same transitions the
/// likelihood scores), count <c>N[i, m, k]</c> = how often agent <c>i</c> played <c>k</c> at <c>t + 1</c> in context
/// <c>m</c>, and estimate <c>p[i, m, k] = (N[i, m, k] + c) / (Σ_k' N[i, m, k'] + A·c)</c> with an additive pseudocount
/// <c>c</c> (default 1, Laplace), so that actions never seen in a context get a finite payoff.</item>
/// <item><b>Inversion.</b> A static logit response has <c>log p_k = β·u_k + const</c>, so
/// <c>û[i, m, k] = (log p[i, m, k] − mean_k' log p[i, m, k']) / β</c>: the payoffs up to the gauge, fixed here by
/// making them mean-zero over own actions. β is the learner's known inverse temperature, the same scale DIML uses;
/// the exploration ε is not corrected for (a static logit has none).</item>
/// <item><b>Queries.</b> <c>M̂(a)_i = û[i, mode(a_{−i}), a_i]</c>. A context never observed gives 0 for every action
/// (no information).</item>
/// </list>
/// <para>Only payoff differences <c>M̂(k, a_{−i})_i − M̂(k', a_{−i})_i</c> are meaningful (<c>diff_mse</c>); the
/// mean-zero gauge makes <c>mse_on</c>/<c>mse_off</c> compare against the truth's own gauge, as for every model.</para>
/// <para>Instances are immutable after <see cref="Fit"/> and may be shared across threads (queries count on the stack).</para>
/// </remarks>
public sealed class Eoi : IPayoffModel
{
    /// <summary>The model name in reports.</summary>
    public const string Name = "EOI";

    /// <summary>The default additive pseudocount (Laplace smoothing).</summary>
    public const double DefaultPseudocount = 1.0;

    private readonly double[] _payoffs;   // [agent, context, action]
    private readonly long[] _counts;      // [agent, context, action]

    private Eoi(GameShape shape, double beta, double pseudocount, long[] counts)
    {
        Shape = shape;
        Beta = beta;
        Pseudocount = pseudocount;
        _counts = counts;
        _payoffs = new double[counts.Length];
        int actions = shape.Actions;
        for (int cell = 0; cell < counts.Length; cell += actions)
        {
            long total = 0;
            for (int k = 0; k < actions; k++) total += counts[cell + k];
            if (total == 0) continue;   // unobserved context: all zero
            double meanLog = 0;
            for (int k = 0; k < actions; k++)
            {
                double logP = Math.Log((counts[cell + k] + pseudocount) / (total + actions * pseudocount));
                _payoffs[cell + k] = logP;
                meanLog += logP;
            }
            meanLog /= actions;
            for (int k = 0; k < actions; k++)
                _payoffs[cell + k] = (_payoffs[cell + k] - meanLog) / beta;
        }
    }

    /// <summary>
    /// Inverts the next-action frequencies of <paramref name="data"/> (the training episodes) at inverse temperature
    /// <paramref name="beta"/>, with additive smoothing <paramref name="pseudocount"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">β or the pseudocount is not positive and finite, or the episodes have fewer than 2 steps.</exception>
    public static Eoi Fit(Trajectories data, double beta, double pseudocount = DefaultPseudocount)
    {
        ArgumentNullException.ThrowIfNull(data);
        data.RequireFullPlay("the EOI baseline");
        if (!(beta > 0) || double.IsInfinity(beta))
            throw new ArgumentOutOfRangeException(nameof(beta), beta, string.Create(CultureInfo.InvariantCulture, $"{nameof(beta)}: expected a positive finite inverse temperature; found {beta}."));
        if (!(pseudocount > 0) || double.IsInfinity(pseudocount))
            throw new ArgumentOutOfRangeException(nameof(pseudocount), pseudocount, string.Create(CultureInfo.InvariantCulture, $"{nameof(pseudocount)}: expected a positive finite count; found {pseudocount}."));
        if (data.Steps < 2)
            throw new ArgumentOutOfRangeException(nameof(data), data.Steps, string.Create(CultureInfo.InvariantCulture, $"{nameof(data)}: expected episodes of at least 2 steps (EOI counts transitions); found {data.Steps}."));
        int n = data.Agents, actions = data.Shape.Actions;
        var counts = new long[n * actions * actions];
        var scratch = new int[actions];
        for (int e = 0; e < data.Episodes; e++)
        {
            for (int t = 0; t + 1 < data.Steps; t++)
            {
                var context = data.Step(e, t);
                var next = data.Step(e, t + 1);
                for (int i = 0; i < n; i++)
                {
                    int mode = ModalOpponentAction(context, i, scratch);
                    counts[(i * actions + mode) * actions + next[i]]++;
                }
            }
        }
        return new Eoi(data.Shape, beta, pseudocount, counts);
    }

    /// <inheritdoc/>
    public GameShape Shape { get; }

    /// <summary>The inverse temperature the frequencies were inverted at (the payoff scale).</summary>
    public double Beta { get; }

    /// <summary>The additive smoothing count.</summary>
    public double Pseudocount { get; }

    /// <summary>
    /// The action most of the agents other than <paramref name="agent"/> play in <paramref name="joint"/>, the smallest
    /// on ties; 0 when there are no other agents. <paramref name="counts"/> is scratch of length A.
    /// </summary>
    public static int ModalOpponentAction(ReadOnlySpan<int> joint, int agent, Span<int> counts)
    {
        counts.Clear();
        for (int j = 0; j < joint.Length; j++)
            if (j != agent) counts[joint[j]]++;
        int mode = 0;
        for (int k = 1; k < counts.Length; k++)
            if (counts[k] > counts[mode]) mode = k;
        return mode;
    }

    /// <summary>The estimated payoff <c>û[i, m, k]</c> of agent <paramref name="agent"/> playing <paramref name="action"/> when the opponents' modal action is <paramref name="context"/>.</summary>
    public double Estimate(int agent, int context, int action) => _payoffs[Cell(agent, context, action)];

    /// <summary>How often agent <paramref name="agent"/> played <paramref name="action"/> next in context <paramref name="context"/>.</summary>
    public long Count(int agent, int context, int action) => _counts[Cell(agent, context, action)];

    /// <inheritdoc/>
    public double Payoff(ReadOnlySpan<int> joint, int agent)
    {
        CheckJoint(joint);
        if ((uint)agent >= (uint)Shape.Agents)
            throw new ArgumentOutOfRangeException(nameof(agent), agent, string.Create(CultureInfo.InvariantCulture, $"{nameof(agent)}: expected 0..{Shape.Agents - 1}; found {agent}."));
        Span<int> counts = Shape.Actions <= 256 ? stackalloc int[Shape.Actions] : new int[Shape.Actions];
        return _payoffs[(agent * Shape.Actions + ModalOpponentAction(joint, agent, counts)) * Shape.Actions + joint[agent]];
    }

    /// <inheritdoc/>
    public void Payoffs(ReadOnlySpan<int> joint, Span<double> payoffs)
    {
        CheckJoint(joint);
        if (payoffs.Length != Shape.Agents)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{nameof(payoffs)}: expected {Shape.Agents} entries; found {payoffs.Length}."), nameof(payoffs));
        Span<int> counts = Shape.Actions <= 256 ? stackalloc int[Shape.Actions] : new int[Shape.Actions];
        for (int i = 0; i < joint.Length; i++)
            payoffs[i] = _payoffs[(i * Shape.Actions + ModalOpponentAction(joint, i, counts)) * Shape.Actions + joint[i]];
    }

    private int Cell(int agent, int context, int action)
    {
        int a = Shape.Actions;
        if ((uint)agent >= (uint)Shape.Agents)
            throw new ArgumentOutOfRangeException(nameof(agent), agent, string.Create(CultureInfo.InvariantCulture, $"{nameof(agent)}: expected 0..{Shape.Agents - 1}; found {agent}."));
        if ((uint)context >= (uint)a)
            throw new ArgumentOutOfRangeException(nameof(context), context, string.Create(CultureInfo.InvariantCulture, $"{nameof(context)}: expected an action in 0..{a - 1}; found {context}."));
        if ((uint)action >= (uint)a)
            throw new ArgumentOutOfRangeException(nameof(action), action, string.Create(CultureInfo.InvariantCulture, $"{nameof(action)}: expected an action in 0..{a - 1}; found {action}."));
        return (agent * a + context) * a + action;
    }

    private void CheckJoint(ReadOnlySpan<int> joint)
    {
        if (joint.Length != Shape.Agents)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{nameof(joint)}: expected {Shape.Agents} actions; found {joint.Length}."), nameof(joint));
        for (int i = 0; i < joint.Length; i++)
            if ((uint)joint[i] >= (uint)Shape.Actions)
                throw new ArgumentOutOfRangeException(nameof(joint), joint[i], string.Create(CultureInfo.InvariantCulture,
                    $"{nameof(joint)}[{i}]: expected an action in 0..{Shape.Actions - 1}; found {joint[i]}."));
    }
}
