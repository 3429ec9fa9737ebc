using Diml.Data;

namespace Diml.Evaluation;

/// <summary>The argument checks every recovery metric shares.</summary>
internal static class MetricArguments
{
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
