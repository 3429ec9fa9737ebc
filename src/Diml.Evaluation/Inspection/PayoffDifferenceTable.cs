using System.Globalization;
using Diml.Data;

namespace Diml.Evaluation.Inspection;

/// <summary>
/// The recovered payoff differences of a model by context (<see cref="PayoffDifferences.Compute"/>): for each context,
/// the payoff of every own action relative to <see cref="ReferenceAction"/>, and how often the data visited it.
/// Payoffs are identified only up to a term that does not depend on the own action, so differences are what a fit
/// recovers.
/// </summary>
public sealed class PayoffDifferenceTable
{
    internal PayoffDifferenceTable(GameShape shape, bool anonymous, bool grouped, IReadOnlyList<PayoffContext> contexts, double possibleContexts, int visitedContexts)
    {
        VisitedContexts = visitedContexts;
        Shape = shape;
        Anonymous = anonymous;
        Grouped = grouped;
        Contexts = contexts;
        PossibleContexts = possibleContexts;
    }

    /// <summary>The own action every difference is taken against: action 0.</summary>
    public const int ReferenceAction = 0;

    /// <summary>The game.</summary>
    public GameShape Shape { get; }

    /// <summary>Whether contexts are group-mates' action counts (anonymous mechanisms) rather than joint actions.</summary>
    public bool Anonymous { get; }

    /// <summary>
    /// Whether the data had groups or absent agents: contexts are then the agent's own group at the step (its size, and for
    /// joint contexts the agent's position in it and the group's joint action).
    /// </summary>
    public bool Grouped { get; }

    /// <summary>
    /// The contexts listed: every possible one when there are at most the limit given to
    /// <see cref="PayoffDifferences.Compute"/>, else the visited ones only (the most visited, up to that limit). Anonymous contexts are ordered by the
    /// group size, the group-mates' total action, then their counts; joint ones by group size, agent (its position in the
    /// group), then the others' actions.
    /// </summary>
    public IReadOnlyList<PayoffContext> Contexts { get; }

    /// <summary>How many contexts there are in all (as a double: it can exceed any integer type).</summary>
    public double PossibleContexts { get; }

    /// <summary>Whether every possible context is listed (else only the visited ones).</summary>
    public bool ListsEveryContext => Contexts.Count == PossibleContexts;

    /// <summary>Distinct contexts the data visited.</summary>
    public int VisitedContexts { get; }

    /// <summary>Listed contexts the data never visited.</summary>
    public int UnvisitedListed => Contexts.Count(c => !c.Visited);

    /// <summary>Visited contexts not listed, beyond the limit (0 unless more contexts were visited than the limit).</summary>
    public int VisitedNotListed => VisitedContexts - Contexts.Count(c => c.Visited);

    /// <summary>Unvisited contexts not listed (0 when every context is listed).</summary>
    public double UnvisitedNotListed => PossibleContexts - VisitedContexts - UnvisitedListed;

    /// <summary>
    /// Writes the table as CSV, one row per context and own action other than the reference (format in
    /// <c>docs/formats.md</c>): anonymous,
    /// <c>group_size,mates_0..mates_{A−1},mates_action_sum,visits,visited,own_action,difference_vs_action_0</c>;
    /// otherwise <c>agent,a_0..a_{n−1},visits,visited,own_action,difference_vs_action_0</c> with the agent's own
    /// <c>a_i</c> empty — on grouped data <c>group_size,position,a_0..a_{m−1},…</c> with <c>m</c> the largest group and the
    /// slots past a smaller group's size empty. Numbers in the invariant culture, shortest round-trip form.
    /// </summary>
    public void WriteCsv(TextWriter writer) => WriteCsv(writer, null);

    /// <summary>
    /// As <see cref="WriteCsv(TextWriter)"/>, with three more columns when <paramref name="standardErrors"/> is given (per
    /// listed context and own action, e.g. from <c>PayoffDifferenceErrors</c>): <c>standard_error,ci_low,ci_high</c>, the
    /// delta-method standard error and the normal 95% interval (empty where the difference is not identified).
    /// </summary>
    public void WriteCsv(TextWriter writer, double[][]? standardErrors)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (standardErrors is not null && standardErrors.Length != Contexts.Count)
            throw new ArgumentException($"{nameof(standardErrors)}: expected one row per listed context ({Contexts.Count}), found {standardErrors.Length}.", nameof(standardErrors));
        int a = Shape.Actions;
        var header = new List<string>();
        if (Anonymous)
        {
            header.Add("group_size");
            for (int k = 0; k < a; k++) header.Add(Invariant($"mates_{k}"));
            header.Add("mates_action_sum");
        }
        else
        {
            if (Grouped) header.AddRange(["group_size", "position"]);
            else header.Add("agent");
            for (int i = 0; i < JointSlots; i++) header.Add(Invariant($"a_{i}"));
        }
        header.AddRange(["visits", "visited", "own_action", "difference_vs_action_0"]);
        if (standardErrors is not null) header.AddRange(["standard_error", "ci_low", "ci_high"]);
        writer.WriteLine(string.Join(',', header));
        var fields = new List<string>();
        for (int index = 0; index < Contexts.Count; index++)
        {
            var context = Contexts[index];
            fields.Clear();
            if (Anonymous)
            {
                fields.Add(Invariant($"{context.GroupSize}"));
                foreach (int count in context.Actions) fields.Add(Invariant($"{count}"));
                fields.Add(Invariant($"{context.MatesActionSum}"));
            }
            else
            {
                if (Grouped) fields.Add(Invariant($"{context.GroupSize}"));
                fields.Add(Invariant($"{context.Agent}"));
                foreach (int action in context.Actions) fields.Add(action == PayoffContext.OwnSlot ? "" : Invariant($"{action}"));
                for (int i = context.Actions.Count; i < JointSlots; i++) fields.Add("");
            }
            fields.Add(Invariant($"{context.Visits}"));
            fields.Add(context.Visited ? "true" : "false");
            string prefix = string.Join(',', fields);
            for (int k = 0; k < a; k++)
            {
                if (k == ReferenceAction) continue;
                string line = prefix + "," + Invariant($"{k}") + "," + context.Differences[k].ToString("R", CultureInfo.InvariantCulture);
                if (standardErrors is not null)
                {
                    double se = standardErrors[index][k], d = context.Differences[k];
                    line += double.IsFinite(se)
                        ? "," + se.ToString("R", CultureInfo.InvariantCulture) + "," + (d - (Z95 * se)).ToString("R", CultureInfo.InvariantCulture) + ","
                          + (d + (Z95 * se)).ToString("R", CultureInfo.InvariantCulture)
                        : ",,,";
                }
                writer.WriteLine(line);
            }
        }
    }

    /// <summary>The normal quantile of a two-sided 95% interval.</summary>
    private const double Z95 = 1.959963984540054;

    /// <summary>Columns of a joint context: the largest group's size (every agent without groups).</summary>
    private int JointSlots => Grouped ? Contexts.Select(c => c.GroupSize).DefaultIfEmpty(0).Max() : Shape.Agents;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
