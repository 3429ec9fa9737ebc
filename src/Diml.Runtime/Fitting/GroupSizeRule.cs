using System.Globalization;
using Diml.Data;

namespace Diml.Fitting;

/// <summary>
/// Which group sizes a mechanism's payoff form takes, and the kernel size a fit of grouped data uses. The anonymous form
/// takes any size (its query is the counts of the group-mates' actions, whatever their number); the joint and per-agent
/// forms evaluate a joint action of one fixed length, so every group of the data must have that size.
/// </summary>
public static class GroupSizeRule
{
    /// <summary>
    /// Null for data without groups or absent agents (the kernels take every agent, as always); otherwise the group size the
    /// kernels of <paramref name="mechanism"/> are built for: the largest group for the anonymous form, and for the joint
    /// and per-agent forms the one size of every group.
    /// </summary>
    /// <exception cref="DataFormatException">The mechanism's form needs one group size and the data have another, located at the first group concerned.</exception>
    public static int? KernelSize(IMechanism mechanism, Trajectories data)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        ArgumentNullException.ThrowIfNull(data);
        if (data.IsFullPlay) return null;
        var sizes = data.GroupSizes;
        if (sizes.Count == 0)
            throw new DataFormatException(data.Source, null, "agent", null, "no agent acts at any step", "at least one row", "only absent agents");
        if (mechanism.Form == PayoffForm.Anonymous) return sizes[^1];
        // The most common size is the one the others are measured against would need counting; the first group's size
        // names the mismatch as clearly and costs nothing.
        var (e0, t0, _, size0) = data.FirstGroupOfSize(_ => true)!.Value;
        if (data.FirstGroupOfSize(size => size != size0) is var (e, t, label, size))
            throw new DataFormatException(data.Source, null, "group", data.GroupColumn,
                string.Create(CultureInfo.InvariantCulture,
                    $"mechanism {mechanism.ModelName} ({mechanism.Form} form) takes one group size per fit (the first group, at episode {e0}, t {t0}, has {size0} agents)"),
                string.Create(CultureInfo.InvariantCulture, $"every group of {size0} agents (or an anonymous mechanism, which takes any size)"),
                string.Create(CultureInfo.InvariantCulture, $"a group of {size} agents (group {label}) at episode {e}, t {t}"));
        return size0;
    }
}
