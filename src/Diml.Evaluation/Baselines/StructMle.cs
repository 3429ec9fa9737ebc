using Diml.Mechanisms;
using Diml.Fitting;

namespace Diml.Evaluation.Baselines;

/// <summary>
/// StructMLE (DESIGN §1, baselines): the DIML estimator with the correctly specified parametric family of the true
/// mechanism instead of a neural network, fitted through the agents' true learning rule. It shows what knowing the
/// functional form is worth: E2 fits <see cref="Congestion"/>, E3 fits <see cref="PublicGoods"/>.
/// </summary>
public static class StructMle
{
    /// <summary>The model name in reports.</summary>
    public const string Name = "StructMLE";

    /// <summary>The estimator for an arbitrary family; the fit starts from <paramref name="family"/>'s current parameters.</summary>
    public static MechanismEstimator Create(IMechanism family, ILearningRule rule, FitOptions options) =>
        new(Name, family, rule, options);

    /// <summary>E2's family: <see cref="Congestion"/> with every cost and toll starting at zero (all payoffs equal).</summary>
    public static MechanismEstimator ForCongestion(int actions, ILearningRule rule, FitOptions options) =>
        Create(new Congestion(actions), rule, options);

    /// <summary>
    /// E3's family: <see cref="PublicGoods"/> starting at the paper's <c>k = 2, s = 1, c = 0.8</c>, its subsidy network
    /// drawn with PyTorch's default initialisation from <paramref name="random"/>.
    /// </summary>
    public static MechanismEstimator ForPublicGoods(int actions, ILearningRule rule, FitOptions options, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var family = new PublicGoods(actions);
        family.InitializeParameters(random);
        return Create(family, rule, options);
    }
}
