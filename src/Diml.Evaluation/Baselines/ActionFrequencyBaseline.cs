using Diml.Data;

namespace Diml.Evaluation.Baselines;

/// <summary>
/// The static action-frequency baseline: every decision is drawn from one distribution over actions, the same for
/// every agent and step, estimated on the training decisions (<see cref="BehaviouralBaseline.TransitionCounts"/>:
/// steps <c>t ≥ 1</c>, all agents and episodes pooled) with an add-one (Laplace) prior,
/// <c>p(a) = (N_a + 1) / (N + A)</c> — the posterior mean under a uniform Dirichlet prior — so an action never played
/// in training keeps a positive probability and a finite NLL.
/// </summary>
public sealed class ActionFrequencyBaseline : BehaviouralBaseline
{
    private readonly double[] _probabilities, _logProbabilities;

    private ActionFrequencyBaseline(double[] probabilities) : base(probabilities.Length)
    {
        _probabilities = probabilities;
        _logProbabilities = Array.ConvertAll(probabilities, p => Math.Log(p));
    }

    /// <summary>Estimates the frequencies on <paramref name="training"/>.</summary>
    public static ActionFrequencyBaseline Fit(Trajectories training)
    {
        ArgumentNullException.ThrowIfNull(training);
        int a = training.Shape.Actions;
        var counts = TransitionCounts(training);
        var probabilities = new double[a];
        double total = a;
        int rows = counts.Length / a;
        for (int k = 0; k < a; k++)
        {
            double n = 1;
            for (int p = 0; p < rows; p++) n += counts[(p * a) + k];
            probabilities[k] = n;
            total += n - 1;
        }
        for (int k = 0; k < a; k++) probabilities[k] /= total;
        return new ActionFrequencyBaseline(probabilities);
    }

    /// <inheritdoc/>
    public override string Name => "action_frequencies";

    /// <inheritdoc/>
    /// <remarks>A − 1 free probabilities.</remarks>
    public override int ParameterCount => Actions - 1;

    /// <inheritdoc/>
    public override string Description => "static action frequencies of the training decisions, add-one prior";

    /// <summary>The estimated probability of each action.</summary>
    public IReadOnlyList<double> Probabilities => _probabilities;

    /// <inheritdoc/>
    public override double LogProbability(int previous, int action) => _logProbabilities[action];
}
