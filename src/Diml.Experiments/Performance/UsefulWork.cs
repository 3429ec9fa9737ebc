using Diml.Mechanisms;

namespace Diml.Experiments.Performance;

/// <summary>
/// The useful work of a training epoch, counted analytically from its distinct queries and the mechanism's layer sizes
/// (docs/performance.md, "The FLOP count"): 2 FLOP per multiply-add of the dense layers' matrix products, each product
/// counted once forward, once for the input gradient (where the input depends on θ) and once for the weight gradient.
/// A first-layer input block that does not depend on the counterfactual own action is counted once per distinct query
/// (context), everything else once per evaluation. Biases, activations, embedding look-ups and the learner are not
/// counted: they are O(width) per evaluation against the O(width²) of the products.
/// </summary>
/// <param name="PerQuery">FLOP once per distinct query (the hoisted, own-action-independent part).</param>
/// <param name="PerEvaluation">FLOP once per evaluation (a joint profile, or a context and one own action).</param>
public sealed record UsefulWork(double PerQuery, double PerEvaluation)
{
    /// <summary>The FLOP of <paramref name="queries"/> distinct queries and <paramref name="evaluations"/> evaluations, each forward and backward.</summary>
    public double Flop(long queries, long evaluations) => (PerQuery * queries) + (PerEvaluation * evaluations);

    /// <summary>
    /// The count for the mechanisms the benchmark cases use, from their layer sizes; null for a mechanism whose layers
    /// are not known here.
    /// </summary>
    public static UsefulWork? For(IMechanism mechanism) => mechanism switch
    {
        NeuralJoint joint => ForNeuralJoint(joint.Agents, joint.EmbeddingSize, joint.Hidden),
        AnonymousCount count => ForAnonymousCount(count.Actions, count.EmbeddingSize, count.Hidden),
        _ => null,
    };

    /// <summary>
    /// <see cref="NeuralJoint"/>: one evaluation per joint profile, all three layers per evaluation; every layer's input
    /// depends on θ (the first layer's is the agents' embeddings), so each product counts three times.
    /// </summary>
    public static UsefulWork ForNeuralJoint(int agents, int embeddingSize, int hidden) =>
        new(0, 3 * (Product(agents * embeddingSize, hidden) + Product(hidden, hidden) + Product(hidden, agents)));

    /// <summary>
    /// <see cref="AnonymousCount"/>: the first layer splits into the own action's embedding block (per evaluation,
    /// three times: its input is a parameter) and the opponent-shares block (per context, forward and weight gradient
    /// only: its input is data); the other two layers per evaluation, three times each.
    /// </summary>
    public static UsefulWork ForAnonymousCount(int actions, int embeddingSize, int hidden) =>
        new(2 * Product(actions, hidden),
            3 * (Product(embeddingSize, hidden) + Product(hidden, hidden) + Product(hidden, 1)));

    /// <summary>FLOP of one matrix–vector product of an <paramref name="outputs"/> × <paramref name="inputs"/> layer: 2 per multiply-add.</summary>
    private static double Product(int inputs, int outputs) => 2.0 * inputs * outputs;
}
