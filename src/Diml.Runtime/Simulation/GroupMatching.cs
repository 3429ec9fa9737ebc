using System.Globalization;

namespace Diml.Simulation;

/// <summary>
/// How the agents of a simulated session are matched into groups (<see cref="GroupedSimulator"/>): cut into groups of
/// <see cref="Sizes"/> (in order; they add up to the session's agents), either re-matched at random every step
/// (<see cref="Rematch"/>) or matched once at random and kept for the whole episode.
/// </summary>
public sealed record GroupMatching
{
    private GroupMatching(int[] sizes, bool rematch)
    {
        Sizes = sizes;
        Rematch = rematch;
    }

    /// <summary>The group sizes of every step, in order; they add up to the agents of a session.</summary>
    public IReadOnlyList<int> Sizes { get; }

    /// <summary>Whether the groups are drawn afresh every step (else once per episode).</summary>
    public bool Rematch { get; }

    /// <summary>Groups of <paramref name="size"/> agents out of sessions of <paramref name="agents"/> (a multiple of it).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The size is not positive or does not divide the agents.</exception>
    public static GroupMatching OfSize(int agents, int size, bool rematch = true)
    {
        if (size < 1 || size > agents || agents % size != 0)
            throw new ArgumentOutOfRangeException(nameof(size), size, string.Create(CultureInfo.InvariantCulture,
                $"{nameof(size)}: expected a group size that divides the {agents} agents of a session, found {size}."));
        return new GroupMatching(Enumerable.Repeat(size, agents / size).ToArray(), rematch);
    }

    /// <summary>Groups of the listed sizes out of sessions of <paramref name="agents"/> (the sizes add up to it).</summary>
    /// <exception cref="ArgumentException">A size is not positive, or the sizes do not add up to the agents.</exception>
    public static GroupMatching OfSizes(int agents, IEnumerable<int> sizes, bool rematch = true)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        int[] list = sizes.ToArray();
        if (list.Length == 0 || list.Any(s => s < 1) || list.Sum(s => (long)s) != agents)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{nameof(sizes)}: expected positive group sizes adding up to the {agents} agents of a session, found {string.Join(",", list)} (sum {list.Sum(s => (long)s)})."), nameof(sizes));
        return new GroupMatching(list, rematch);
    }

    /// <summary>Agents of a session.</summary>
    public int Agents => Sizes.Sum();
}
