namespace Diml.Kernels;

/// <summary>
/// Runs of a batch: maximal ranges of consecutive queries whose rows of one query input are equal. An anonymous
/// mechanism is asked for every own action of one opponent-count vector in a row, so a run is a context; what a
/// generated batched kernel computes from the counts alone (not from the own action) it computes once per run
/// (<see cref="BatchedDense.Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, Span{float}, int, int, int, int, ReadOnlySpan{int}, int, int)"/>).
/// </summary>
public static class BatchRuns
{
    /// <summary>
    /// Writes the first query of each run of <paramref name="rows"/> (<paramref name="count"/> rows of
    /// <paramref name="stride"/> ints) into <paramref name="starts"/>, followed by <paramref name="count"/>, and returns the
    /// number of runs. <paramref name="starts"/> needs room for <c>count + 1</c> entries.
    /// </summary>
    public static int Find(ReadOnlySpan<int> rows, int stride, int count, Span<int> starts)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, $"count: expected a query count ≥ 0; found {count}.");
        if (stride < 0 || (long)stride * count > rows.Length)
            throw new ArgumentException($"rows has length {rows.Length}; {count} rows of {stride} ints do not fit.", nameof(rows));
        if (starts.Length < count + 1)
            throw new ArgumentException($"starts has length {starts.Length}; expected at least {count + 1} (count + 1).", nameof(starts));
        int runs = 0;
        for (int q = 0; q < count; q++)
            if (q == 0 || !rows.Slice(q * stride, stride).SequenceEqual(rows.Slice((q - 1) * stride, stride)))
                starts[runs++] = q;
        starts[runs] = count;
        return runs;
    }
}
