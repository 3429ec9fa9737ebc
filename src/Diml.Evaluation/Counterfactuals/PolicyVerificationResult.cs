using System.Globalization;
using System.Text;

namespace Diml.Evaluation.Counterfactuals;

/// <summary>
/// The outcome of <see cref="PolicyVerification.Compare"/>: per-period share tables (index <c>t·A + k</c>) of the truth
/// under the policy, the fitted model's prediction and the two baselines, and their KL divergences from the truth.
/// </summary>
public sealed class PolicyVerificationResult
{
    internal PolicyVerificationResult(string policy, int steps, int actions, double[] truth, double[] fitted, double[] noChange, double[] staticLogit, double[] trueNoChange)
    {
        Policy = policy;
        Steps = steps;
        Actions = actions;
        TrueShares = truth;
        FittedShares = fitted;
        NoChangeShares = noChange;
        StaticShares = staticLogit;
        TrueNoChangeShares = trueNoChange;
        FittedKl = ShareDivergence.PerPeriod(truth, fitted, actions);
        NoChangeKl = ShareDivergence.PerPeriod(truth, noChange, actions);
        StaticKl = ShareDivergence.PerPeriod(truth, staticLogit, actions);
    }

    /// <summary>The policy.</summary>
    public string Policy { get; }

    /// <summary>Periods.</summary>
    public int Steps { get; }

    /// <summary>Actions.</summary>
    public int Actions { get; }

    /// <summary>The true shares under the policy (mean over the replications).</summary>
    public double[] TrueShares { get; }

    /// <summary>The fitted model's predicted shares under the policy.</summary>
    public double[] FittedShares { get; }

    /// <summary>"No change": the data's own shares.</summary>
    public double[] NoChangeShares { get; }

    /// <summary>The static logit response to the changed fitted payoffs.</summary>
    public double[] StaticShares { get; }

    /// <summary>The true shares without the policy (how much the policy moves behaviour).</summary>
    public double[] TrueNoChangeShares { get; }

    /// <summary>KL(truth ‖ fitted prediction) per period.</summary>
    public double[] FittedKl { get; }

    /// <summary>KL(truth ‖ no change) per period.</summary>
    public double[] NoChangeKl { get; }

    /// <summary>KL(truth ‖ static logit) per period.</summary>
    public double[] StaticKl { get; }

    /// <summary>The mean of a per-period KL over periods 1 … T−1 (period 0 is the data's first actions for the simulations).</summary>
    public static double MeanAfterFirst(double[] kl) => kl.Skip(1).Average();

    /// <summary>The final period's value.</summary>
    public static double Final(double[] kl) => kl[^1];

    /// <summary>The final-period distribution of a share table.</summary>
    public double[] FinalShares(double[] table) => table[((Steps - 1) * Actions)..];

    /// <summary>A Markdown table of the comparison, for the study.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        string F(double v) => v.ToString("G3", CultureInfo.InvariantCulture);
        string Shares(double[] table) => "[" + string.Join(", ", FinalShares(table).Select(v => v.ToString("F3", CultureInfo.InvariantCulture))) + "]";
        text.AppendLine(CultureInfo.InvariantCulture, $"Policy: {Policy}; {Steps} periods, {Actions} actions.");
        text.AppendLine();
        text.AppendLine("| prediction | mean KL, periods 1..T-1 | final-period KL | final-period shares |");
        text.AppendLine("|---|---|---|---|");
        text.AppendLine(CultureInfo.InvariantCulture, $"| truth under the policy | — | — | {Shares(TrueShares)} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| fitted model (DIML) | {F(MeanAfterFirst(FittedKl))} | {F(Final(FittedKl))} | {Shares(FittedShares)} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| no change (the data) | {F(MeanAfterFirst(NoChangeKl))} | {F(Final(NoChangeKl))} | {Shares(NoChangeShares)} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| static logit response | {F(MeanAfterFirst(StaticKl))} | {F(Final(StaticKl))} | {Shares(StaticShares)} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| (truth without the policy) | — | — | {Shares(TrueNoChangeShares)} |");
        return text.ToString();
    }
}
