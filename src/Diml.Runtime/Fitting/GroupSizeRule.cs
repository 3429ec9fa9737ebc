using System.Globalization;
using Diml.Data;

namespace Diml.Fitting;

/// <summary>
/// Which group sizes a mechanism's payoff form takes, and the sizes a fit of grouped data builds kernels for. The anonymous
/// form takes any size (its query is the counts of the group-mates' actions, whatever their number) and so does the
/// per-agent form (a kernel per size, the mechanism being called with the group's joint action); the joint form
/// evaluates a joint action of one fixed length into that many payoffs, so every group of the data must have one size.
/// </summary>
public static class GroupSizeRule
{
    /// <summary>
    /// Null for data without groups or absent agents (the kernels take every agent, as always); otherwise the data's group
    /// sizes, increasing, which the kernels of <paramref name="mechanism"/> are built for.
    /// </summary>
    /// <exception cref="DataFormatException">A joint-form mechanism on data with several group sizes, located at the first group of another size.</exception>
    public static IReadOnlyList<int>? KernelSizes(IMechanism mechanism, Trajectories data)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        ArgumentNullException.ThrowIfNull(data);
        if (data.IsFullPlay) return null;
        var sizes = data.GroupSizes;
        if (sizes.Count == 0)
            throw new DataFormatException(data.Source, null, "agent", null, "no agent acts at any step", "at least one row", "only absent agents");
        if (mechanism.Form != PayoffForm.Joint || sizes.Count == 1) return sizes;
        var (e0, t0, _, size0) = data.FirstGroupOfSize(_ => true)!.Value;
        var (e, t, label, size) = data.FirstGroupOfSize(s => s != size0)!.Value;
        throw new DataFormatException(data.Source, null, "group", data.GroupColumn,
            string.Create(CultureInfo.InvariantCulture,
                $"mechanism {mechanism.ModelName} (joint form) takes one group size per fit (the first group, at episode {e0}, t {t0}, has {size0} agents)"),
            string.Create(CultureInfo.InvariantCulture, $"every group of {size0} agents (or a per-agent or anonymous mechanism, which take any size)"),
            string.Create(CultureInfo.InvariantCulture, $"a group of {size} agents (group {label}) at episode {e}, t {t}"));
    }
}
