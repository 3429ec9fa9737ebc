namespace Diml.Simulation;

/// <summary>
/// Every agent's payoff of every joint action of a small game, evaluated once: simulating thousands of steps
/// then costs a table look-up per counterfactual payoff instead of a mechanism evaluation. Joint actions are
/// indexed with agent 0 most significant: <c>index = Σ a_i·A^(n−1−i)</c>.
/// </summary>
internal sealed class PayoffTable
{
    /// <summary>Games with at most this many joint actions are tabulated.</summary>
    public const int MaxJointActions = 1 << 16;

    private readonly float[] _payoffs;   // [index, agent]
    private readonly int[] _place;       // A^(n−1−i): how far the index moves when agent i's action changes by one

    private PayoffTable(float[] payoffs, int[] place, int agents)
    {
        _payoffs = payoffs;
        _place = place;
        Agents = agents;
    }

    public int Agents { get; }

    /// <summary>The table of <paramref name="mechanism"/> at <paramref name="theta"/>, or null when the game is too large.</summary>
    public static PayoffTable? TryBuild(IMechanism mechanism, ReadOnlySpan<float> theta, int agents, int actions)
    {
        double size = Math.Pow(actions, agents);
        if (size > MaxJointActions) return null;
        int count = (int)size;
        var place = new int[agents];
        for (int i = agents - 1, p = 1; i >= 0; i--, p *= actions) place[i] = p;
        var payoffs = new float[count * agents];
        var joint = new int[agents];
        var kernel = PayoffKernel<float>.For(mechanism, agents, actions);
        for (int index = 0; index < count; index++)
        {
            for (int i = 0, rest = index; i < agents; i++)
            {
                joint[i] = rest / place[i];
                rest %= place[i];
            }
            kernel.Payoffs(theta, joint, payoffs.AsSpan(index * agents, agents));
        }
        return new PayoffTable(payoffs, place, agents);
    }

    /// <summary>Every agent's payoff of <paramref name="joint"/>.</summary>
    public void Payoffs(ReadOnlySpan<int> joint, Span<float> payoffs)
    {
        int n = Agents, index = 0;
        for (int i = 0; i < n; i++) index += joint[i] * _place[i];
        _payoffs.AsSpan(index * n, n).CopyTo(payoffs);
    }

    /// <summary><c>u[i, k] = M(k, a_{-i})_i</c> for every agent and own action, from the table.</summary>
    public void Counterfactual(ReadOnlySpan<int> joint, int actions, Span<float> payoffs)
    {
        int n = Agents, index = 0;
        for (int i = 0; i < n; i++) index += joint[i] * _place[i];
        for (int i = 0; i < n; i++)
        {
            int without = index - joint[i] * _place[i];
            for (int k = 0; k < actions; k++)
                payoffs[(i * actions) + k] = _payoffs[((without + k * _place[i]) * n) + i];
        }
    }
}
