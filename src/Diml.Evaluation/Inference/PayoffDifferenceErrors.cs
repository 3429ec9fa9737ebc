using Diml.Evaluation.Inspection;

namespace Diml.Evaluation.Inference;

/// <summary>
/// Delta-method standard errors of the payoff differences <c>diml inspect</c> prints: for a context and own action
/// <c>k</c>, <c>d(θ) = M_θ(k, context) − M_θ(0, context)</c> has standard error <c>√(∇dᵀ V ∇d)</c> at the estimate
/// (docs/inference.md). Payoff differences are identified (DESIGN §1), so they get one even when parameters alone do not.
/// </summary>
public static class PayoffDifferenceErrors
{
    /// <summary>
    /// Per listed context of <paramref name="table"/> and own action, the standard error of the difference against action 0
    /// (0 at action 0; NaN where the difference moves along an unidentified direction) under the covariance
    /// <paramref name="covariance"/> at <paramref name="estimate"/>.
    /// </summary>
    public static double[][] Compute(IMechanism mechanism, ReadOnlySpan<double> estimate, double[,] covariance, PayoffDifferenceTable table,
        Func<double[], bool>? identified = null)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        ArgumentNullException.ThrowIfNull(covariance);
        ArgumentNullException.ThrowIfNull(table);
        int p = estimate.Length, a = table.Shape.Actions;
        if (covariance.GetLength(0) != p || covariance.GetLength(1) != p)
            throw new ArgumentException($"{nameof(covariance)}: expected {p} × {p}, found {covariance.GetLength(0)} × {covariance.GetLength(1)}.", nameof(covariance));
        var errors = new double[table.Contexts.Count][];
        var gradient = new double[p];
        for (int c = 0; c < table.Contexts.Count; c++)
        {
            var context = table.Contexts[c];
            // The context's own group (every agent without groups): the payoff form takes a group of any size it supports.
            var profile = new int[context.GroupSize];
            int agent = Profile(table, context, profile);
            errors[c] = new double[a];
            for (int k = 0; k < a; k++)
            {
                if (k == PayoffDifferenceTable.ReferenceAction) continue;
                Array.Clear(gradient);
                profile[agent] = k;
                PayoffGradient.Payoff(mechanism, a, estimate, profile, agent, gradient, 1);
                profile[agent] = PayoffDifferenceTable.ReferenceAction;
                PayoffGradient.Payoff(mechanism, a, estimate, profile, agent, gradient, -1);
                if (identified is not null && !identified(gradient)) { errors[c][k] = double.NaN; continue; }
                double variance = 0;
                for (int i = 0; i < p; i++)
                {
                    if (gradient[i] == 0) continue;
                    for (int j = 0; j < p; j++) variance += gradient[i] * covariance[i, j] * gradient[j];
                }
                errors[c][k] = Math.Sqrt(Math.Max(0, variance));
            }
        }
        return errors;
    }

    /// <summary>The (group's) joint action a context stands for (the own slot to be filled) and whose payoff it is (the position).</summary>
    private static int Profile(PayoffDifferenceTable table, PayoffContext context, int[] profile)
    {
        if (table.Anonymous)
        {
            // Position 0 stands for every member, as in PayoffDifferences: group-mates fill slots 1.. by their counts.
            int slot = 1;
            for (int k = 0; k < context.Actions.Count; k++)
                for (int c = 0; c < context.Actions[k]; c++) profile[slot++] = k;
            return 0;
        }
        for (int j = 0; j < profile.Length; j++) profile[j] = context.Actions[j] == PayoffContext.OwnSlot ? 0 : context.Actions[j];
        return context.Agent;
    }
}
