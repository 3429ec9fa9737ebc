namespace Diml.Kernels;

/// <summary>
/// Groups of a batch's queries that share one query input, for the dense layers whose input holds a block that depends on
/// that input alone (<see cref="SharedColumns"/>). An anonymous mechanism is asked for every own action of one
/// opponent-count vector in a row: the queries of a context form a <see cref="Runs">run</see>, and the queries of one own
/// action a group <see cref="ByKey">by key</see>. Each query gets the index of its group, each group its first query.
/// </summary>
public static class BatchGroups
{
    /// <summary>
    /// Runs: maximal ranges of consecutive queries whose rows of <paramref name="rows"/> (<paramref name="count"/> rows of
    /// <paramref name="stride"/> ints) are equal. Writes each query's run into <paramref name="groupOf"/> and each run's
    /// first query into <paramref name="leaders"/> (both of room <paramref name="count"/>); returns the number of runs.
    /// </summary>
    public static int Runs(ReadOnlySpan<int> rows, int stride, int count, Span<int> groupOf, Span<int> leaders)
    {
        CheckRoom(count, groupOf, leaders);
        if (stride < 0 || (long)stride * count > rows.Length)
            throw new ArgumentException($"rows has length {rows.Length}; {count} rows of {stride} ints do not fit.", nameof(rows));
        int runs = 0;
        for (int q = 0; q < count; q++)
        {
            if (q == 0 || !rows.Slice(q * stride, stride).SequenceEqual(rows.Slice((q - 1) * stride, stride)))
                leaders[runs++] = q;
            groupOf[q] = runs - 1;
        }
        return runs;
    }

    /// <summary>
    /// Groups of the queries with equal <paramref name="keys"/>, wherever they are in the batch, numbered in order of their
    /// first query; writes as <see cref="Runs"/> does and returns the number of groups.
    /// </summary>
    public static int ByKey(ReadOnlySpan<int> keys, int count, Span<int> groupOf, Span<int> leaders)
    {
        CheckRoom(count, groupOf, leaders);
        if (keys.Length < count) throw new ArgumentException($"keys has length {keys.Length}; expected at least the count {count}.", nameof(keys));
        // Open addressing over a power-of-two table of group numbers + 1 (0: empty), at most half full.
        int bits = 1;
        while ((1 << bits) < 2 * count) bits++;
        int size = 1 << bits;
        var arena = BatchArena.Current;
        var mark = arena.Mark();
        var table = arena.Ints(size);
        int groups = 0;
        for (int q = 0; q < count; q++)
        {
            int key = keys[q];
            int slot = (int)(((uint)key * 2654435769u) >> (32 - bits));   // Fibonacci hashing: the product's top bits
            while (table[slot] != 0 && keys[leaders[table[slot] - 1]] != key) slot = (slot + 1) & (size - 1);
            if (table[slot] == 0)
            {
                leaders[groups] = q;
                table[slot] = ++groups;
            }
            groupOf[q] = table[slot] - 1;
        }
        arena.Release(mark);
        return groups;
    }

    private static void CheckRoom(int count, Span<int> groupOf, Span<int> leaders)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, $"count: expected a query count ≥ 0; found {count}.");
        if (groupOf.Length < count) throw new ArgumentException($"groupOf has length {groupOf.Length}; expected at least the count {count}.", nameof(groupOf));
        if (leaders.Length < count) throw new ArgumentException($"leaders has length {leaders.Length}; expected at least the count {count}.", nameof(leaders));
    }
}

/// <summary>
/// A block of a batched dense layer's input columns, <c>[Start, Start + Columns)</c>, that is equal for all queries of a group:
/// query q is in group <c>GroupOf[q]</c>, whose first query is <c>Leaders[GroupOf[q]]</c> (<see cref="BatchGroups"/>). The
/// default value is no block.
/// </summary>
public readonly ref struct SharedColumns(int start, int columns, ReadOnlySpan<int> groupOf, ReadOnlySpan<int> leaders)
{
    public int Start { get; } = start;
    public int Columns { get; } = columns;
    public ReadOnlySpan<int> GroupOf { get; } = groupOf;
    public ReadOnlySpan<int> Leaders { get; } = leaders;
    public int End => Start + Columns;
}
