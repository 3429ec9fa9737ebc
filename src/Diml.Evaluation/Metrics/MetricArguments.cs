using Diml.Data;

namespace Diml.Evaluation;

/// <summary>The argument checks and the worker count every recovery metric shares.</summary>
internal static class MetricArguments
{
    /// <summary>Games of at most this many joint actions are evaluated on one worker (see <see cref="Workers"/>).</summary>
    private const long SmallGame = 1 << 14;

    /// <summary>
    /// The workers a payoff metric uses: one in small games, where a joint mechanism's payoff model keeps each profile's
    /// payoffs once computed (MechanismPayoffs) and the whole metric is a few hundred network evaluations — a second
    /// worker would only fill a second memo — else <paramref name="threads"/>. The values never depend on it.
    /// </summary>
    public static int Workers(GameShape shape, int threads) => shape.HasAtMostJointActions(SmallGame) ? 1 : Math.Max(1, threads);

    public static void Check(IPayoffModel truth, IPayoffModel estimate, GameShape shape)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(estimate);
        if (truth.Shape != shape)
            throw new ArgumentException($"truth: expected payoffs for a game of {shape}, found {truth.Shape}.", nameof(truth));
        if (estimate.Shape != shape)
            throw new ArgumentException($"estimate: expected payoffs for a game of {shape}, found {estimate.Shape}.", nameof(estimate));
    }
}
