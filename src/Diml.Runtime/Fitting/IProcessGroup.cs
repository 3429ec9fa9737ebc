namespace Diml.Fitting;

/// <summary>
/// The processes that share one fit (for example the ranks of an MPI job, see Diml.Distributed). Every process runs
/// the same fit on the same data; <see cref="CounterfactualPayoffs{T}"/> gives each process a contiguous share of its
/// fixed reduction blocks of mechanism queries, and <see cref="AllGather"/> then gives every process every block's
/// results, which each adds in block order as a single process does. The partition into blocks never depends on the
/// number of processes, so a fit on any number of them is bit-identical to one on a single process.
/// </summary>
/// <remarks>Every member is collective: all processes call it in the same order with the same layout.</remarks>
public interface IProcessGroup
{
    /// <summary>This process's index, 0 ≤ <see cref="Rank"/> &lt; <see cref="Size"/>; process 0 writes the outputs.</summary>
    int Rank { get; }

    /// <summary>Number of processes.</summary>
    int Size { get; }

    /// <summary>
    /// Process <c>r</c> holds its part of <paramref name="buffer"/> at bytes <c>offsets[r] .. offsets[r] + counts[r]</c>
    /// (the parts do not overlap); on return every process holds every part. The rest of the buffer is not touched.
    /// </summary>
    void AllGather(Span<byte> buffer, ReadOnlySpan<int> offsets, ReadOnlySpan<int> counts);
}

/// <summary>One process alone: the default, in which <see cref="AllGather"/> has nothing to do.</summary>
public sealed class LocalProcessGroup : IProcessGroup
{
    /// <summary>The single-process group.</summary>
    public static LocalProcessGroup Instance { get; } = new();

    private LocalProcessGroup()
    {
    }

    /// <inheritdoc/>
    public int Rank => 0;

    /// <inheritdoc/>
    public int Size => 1;

    /// <inheritdoc/>
    public void AllGather(Span<byte> buffer, ReadOnlySpan<int> offsets, ReadOnlySpan<int> counts)
    {
    }
}
