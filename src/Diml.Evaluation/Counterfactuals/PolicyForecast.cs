namespace Diml.Evaluation.Counterfactuals;

/// <summary>
/// A prediction of behaviour under a policy change and without it (<see cref="PolicyPrediction"/>): per period, the share of
/// the acting agents playing each action and their mean payoff, each as a <see cref="Band"/>, and the change the policy
/// makes. Shares are pooled over every session of the design; the bands are percentiles over the replications (and
/// parameter draws), so they say where a re-run of the whole design would land.
/// </summary>
public sealed class PolicyForecast
{
    internal PolicyForecast(int steps, int actions, int replications, string policy,
        Band[] noChangeShares, Band[] policyShares, Band[] shareChange, Band[] noChangePayoff, Band[] policyPayoff, Band[] payoffChange)
    {
        Steps = steps;
        Actions = actions;
        Replications = replications;
        Policy = policy;
        _noChangeShares = noChangeShares;
        _policyShares = policyShares;
        _shareChange = shareChange;
        NoChangePayoff = noChangePayoff;
        PolicyPayoff = policyPayoff;
        PayoffChange = payoffChange;
    }

    private readonly Band[] _noChangeShares, _policyShares, _shareChange;

    /// <summary>Periods.</summary>
    public int Steps { get; }

    /// <summary>Actions.</summary>
    public int Actions { get; }

    /// <summary>Simulated replications in all (draws × replications per draw).</summary>
    public int Replications { get; }

    /// <summary>The policy, described.</summary>
    public string Policy { get; }

    /// <summary>The share playing <paramref name="action"/> at period <paramref name="t"/> without the change.</summary>
    public Band NoChangeShare(int t, int action) => _noChangeShares[Index(t, action)];

    /// <summary>The share playing <paramref name="action"/> at period <paramref name="t"/> under the change.</summary>
    public Band PolicyShare(int t, int action) => _policyShares[Index(t, action)];

    /// <summary>The change of that share (paired replication by replication).</summary>
    public Band ShareChange(int t, int action) => _shareChange[Index(t, action)];

    /// <summary>Mean payoff of the acting agents per period without the change (model units).</summary>
    public IReadOnlyList<Band> NoChangePayoff { get; }

    /// <summary>Mean payoff per period under the change, transfers (the shift itself) included.</summary>
    public IReadOnlyList<Band> PolicyPayoff { get; }

    /// <summary>The change of the mean payoff per period.</summary>
    public IReadOnlyList<Band> PayoffChange { get; }

    /// <summary>The mean shares of period <paramref name="t"/> under the change (a distribution over actions).</summary>
    public double[] PolicyDistribution(int t) => [.. Enumerable.Range(0, Actions).Select(k => PolicyShare(t, k).Mean)];

    /// <summary>The mean shares of period <paramref name="t"/> without the change.</summary>
    public double[] NoChangeDistribution(int t) => [.. Enumerable.Range(0, Actions).Select(k => NoChangeShare(t, k).Mean)];

    /// <summary>The mean shares under the change, every period (index <c>t·A + k</c>).</summary>
    public double[] PolicyShareTable() => [.. _policyShares.Select(b => b.Mean)];

    /// <summary>The mean shares without the change, every period (index <c>t·A + k</c>).</summary>
    public double[] NoChangeShareTable() => [.. _noChangeShares.Select(b => b.Mean)];

    private int Index(int t, int action)
    {
        if ((uint)t >= (uint)Steps) throw new ArgumentOutOfRangeException(nameof(t), t, $"{nameof(t)}: expected a period in 0..{Steps - 1}, found {t}.");
        if ((uint)action >= (uint)Actions) throw new ArgumentOutOfRangeException(nameof(action), action, $"{nameof(action)}: expected an action in 0..{Actions - 1}, found {action}.");
        return (t * Actions) + action;
    }
}
