using Diml.Data;

namespace Diml.Evaluation.Counterfactuals;

/// <summary>
/// The baseline that ignores learning: each acting agent of the data plays the learner's logit response to the payoffs
/// it would get under the changed mechanism against what its group actually played, <c>π = (1 − ε)·softmax(β·u') + ε/A</c>
/// for Logit-Q (the learner's response with its state set to <c>u'</c>), averaged per period into action shares. It is
/// what one gets from a static model of the same payoffs: everybody re-optimises at once, nobody's experience lags.
/// </summary>
public static class StaticLogitResponse
{
    /// <summary>
    /// Per period the predicted action shares (index <c>t·A + k</c>) for <paramref name="data"/>'s acting agents under
    /// <paramref name="mechanism"/> at <paramref name="theta"/>, with <paramref name="learner"/>'s response (its state must be
    /// one value per action, as Logit-Q's is).
    /// </summary>
    public static double[] Shares(IMechanism mechanism, ReadOnlySpan<float> theta, ILearningRule learner, Trajectories data)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(data);
        int a = data.Shape.Actions, n = data.Agents, steps = data.Steps;
        if (learner.StateSize(a) != a)
            throw new ArgumentException($"{nameof(learner)}: the static response needs a learner whose state is one value per action (Logit-Q); {learner.RuleName} has {learner.StateSize(a)}.", nameof(learner));
        var payoffsBySize = new Dictionary<int, MechanismPayoffs>();
        var shares = new double[steps * a];
        var acting = new int[steps];
        var joint = new int[n];
        var u = new double[n * a];
        var state = new float[a];
        var logPolicy = new float[a];
        for (int e = 0; e < data.Episodes; e++)
            for (int t = 0; t < steps; t++)
            {
                var groups = data.Groups(e, t);
                for (int g = 0; g < groups.Count; g++)
                {
                    var members = groups.Members(g);
                    int size = members.Length;
                    if (!payoffsBySize.TryGetValue(size, out var payoffs))
                        payoffsBySize[size] = payoffs = new MechanismPayoffs(mechanism, theta, new GameShape(size, a));
                    for (int p = 0; p < size; p++) joint[p] = data.Action(e, t, members[p]);
                    payoffs.CounterfactualPayoffs(joint.AsSpan(0, size), u);
                    for (int p = 0; p < size; p++)
                    {
                        for (int k = 0; k < a; k++) state[k] = (float)u[(p * a) + k];
                        learner.Response(state, logPolicy);
                        for (int k = 0; k < a; k++) shares[(t * a) + k] += Math.Exp(logPolicy[k]);
                        acting[t]++;
                    }
                }
            }
        for (int t = 0; t < steps; t++)
            for (int k = 0; k < a; k++) shares[(t * a) + k] = acting[t] > 0 ? shares[(t * a) + k] / acting[t] : double.NaN;
        return shares;
    }

    /// <summary>The observed action shares per period (index <c>t·A + k</c>): the "no change" baseline, today's behaviour.</summary>
    public static double[] ObservedShares(Trajectories data)
    {
        ArgumentNullException.ThrowIfNull(data);
        int a = data.Shape.Actions, n = data.Agents, steps = data.Steps;
        var shares = new double[steps * a];
        var acting = new int[steps];
        for (int e = 0; e < data.Episodes; e++)
            for (int t = 0; t < steps; t++)
                for (int i = 0; i < n; i++)
                {
                    int action = data.Action(e, t, i);
                    if (action == Trajectories.Absent) continue;
                    shares[(t * a) + action]++;
                    acting[t]++;
                }
        for (int t = 0; t < steps; t++)
            for (int k = 0; k < a; k++) shares[(t * a) + k] = acting[t] > 0 ? shares[(t * a) + k] / acting[t] : double.NaN;
        return shares;
    }
}
