namespace Diml.Evaluation;

/// <summary>
/// The counterfactual payoffs of one step, <c>u[i·A + k] = M(k, a_{−i})_i</c> — what a learner updates on — for any
/// <see cref="IMechanismPayoffs"/>: through <see cref="ICounterfactualPayoffs"/> when the payoffs offer it, otherwise
/// one <see cref="IMechanismPayoffs.Payoff"/> call per agent and own action.
/// </summary>
public static class CounterfactualPayoffTable
{
    /// <summary>Fills <paramref name="payoffs"/> (length n·A); <paramref name="scratch"/> is a joint action buffer of length n.</summary>
    public static void Fill(IMechanismPayoffs mechanism, ReadOnlySpan<int> joint, Span<int> scratch, Span<double> payoffs)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        if (mechanism is ICounterfactualPayoffs fast)
        {
            fast.CounterfactualPayoffs(joint, payoffs);
            return;
        }
        int n = joint.Length, a = mechanism.Shape.Actions;
        joint.CopyTo(scratch);
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < a; k++)
            {
                scratch[i] = k;
                payoffs[(i * a) + k] = mechanism.Payoff(scratch, i);
            }
            scratch[i] = joint[i];
        }
    }
}
