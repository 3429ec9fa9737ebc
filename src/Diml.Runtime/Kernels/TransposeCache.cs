namespace Diml.Kernels;

/// <summary>
/// Transposed copies of the weight matrices batched dense layers read, per thread. Between two optimiser steps
/// the same weights are transposed again and again, once per batch of queries; a transposed copy is reused
/// when the weights are exactly equal to the ones it was made from (a vectorised comparison is several times
/// cheaper than the transpose). Each thread keeps a few entries, one per layer of a network.
/// </summary>
/// <remarks>
/// The comparison reads every weight, which costs as much as the product itself when a batch holds only a few queries
/// (a simulated step of a small game). A caller whose parameters cannot change — a fitted model's payoffs — says so
/// with <see cref="Freeze(float[])"/>: inside that scope a slice of the frozen array is recognised by its position in it, with no
/// comparison. A caller whose parameters change at known points — a fit, once per optimiser step — pins them with
/// <see cref="Freeze(float[], long)"/> and a new version after every write: a slice is then recognised by its position and
/// the version, so the weights of one step are compared at most once per thread and layer (on the first call of a new
/// version, where they differ at once). An entry keeps its frozen array alive, so the array it names is never another one.
/// </remarks>
internal sealed class TransposeCache
{
    private const int Entries = 6;

    [ThreadStatic] private static TransposeCache? _current;
    [ThreadStatic] private static float[]? _frozen;
    [ThreadStatic] private static long _frozenVersion;
    private static long _lastVersion;

    private readonly float[][] _sources = new float[Entries][];
    private readonly float[][] _transposed = new float[Entries][];
    private readonly int[] _rows = new int[Entries];
    // Entry i was made from _owners[i][_offsets[i] ..] inside a Freeze of that array (null: compare by value only).
    private readonly float[]?[] _owners = new float[]?[Entries];
    private readonly int[] _offsets = new int[Entries];
    private readonly long[] _versions = new long[Entries];
    private int _next;

    public static TransposeCache Current => _current ??= new TransposeCache();

    private TransposeCache()
    {
        for (int i = 0; i < Entries; i++) _sources[i] = _transposed[i] = [];
    }

    /// <summary>
    /// Until the scope is disposed, on this thread, weights read from <paramref name="parameters"/> are taken to be
    /// unchanged since they were last transposed. The caller must never write <paramref name="parameters"/> again.
    /// </summary>
    public static FrozenScope Freeze(float[] parameters) => Freeze(parameters, version: 0);

    /// <summary>
    /// Until the scope is disposed, on this thread, weights read from <paramref name="parameters"/> are taken to be what
    /// they were when last transposed under the same <paramref name="version"/>. The caller takes a new version from
    /// <see cref="NewVersion"/> after every write to <paramref name="parameters"/>, before the next scope.
    /// </summary>
    public static FrozenScope Freeze(float[] parameters, long version)
    {
        var scope = new FrozenScope(_frozen, _frozenVersion);
        _frozen = parameters;
        _frozenVersion = version;
        return scope;
    }

    /// <summary>A version no caller has had before (never 0, the version of arrays that are never written).</summary>
    public static long NewVersion() => Interlocked.Increment(ref _lastVersion);

    /// <summary>Ends a <see cref="Freeze(float[], long)"/>.</summary>
    public readonly ref struct FrozenScope(float[]? previous, long previousVersion)
    {
        public void Dispose()
        {
            _frozen = previous;
            _frozenVersion = previousVersion;
        }
    }

    /// <summary><paramref name="weights"/> (rows × cols, row-major) transposed to cols × rows.</summary>
    public ReadOnlySpan<float> Transposed(ReadOnlySpan<float> weights, int rows, int cols)
    {
        var frozen = _frozen;
        long version = _frozenVersion;
        int offset = frozen is null ? -1 : OffsetIn(frozen, weights);
        if (offset >= 0)
            for (int i = 0; i < Entries; i++)
                if (ReferenceEquals(_owners[i], frozen) && _offsets[i] == offset && _versions[i] == version && _rows[i] == rows && _sources[i].Length == weights.Length)
                    return _transposed[i];
        for (int i = 0; i < Entries; i++)
            if (_rows[i] == rows && _sources[i].Length == weights.Length && weights.SequenceEqual(_sources[i]))
            {
                // Equal now and frozen: equal for as long as the frozen array lives at this version. Owning the entry saves the
                // comparison on every later call — a fitted model's payoff models are fresh copies of one parameter
                // array (one per worker, per metric), which would otherwise all be compared weight by weight.
                if (offset >= 0)
                {
                    _owners[i] = frozen;
                    _offsets[i] = offset;
                    _versions[i] = version;
                }
                return _transposed[i];
            }

        int slot = _next;
        _next = (_next + 1) % Entries;
        if (_sources[slot].Length != weights.Length)
        {
            _sources[slot] = new float[weights.Length];
            _transposed[slot] = new float[weights.Length];
        }
        weights.CopyTo(_sources[slot]);
        _rows[slot] = rows;
        _owners[slot] = offset >= 0 ? frozen : null;
        _offsets[slot] = offset;
        _versions[slot] = version;
        var transposed = _transposed[slot];
        // Blocks of 16 × 16 keep both the reads and the writes within a few cache lines.
        const int Block = 16;
        for (int r0 = 0; r0 < rows; r0 += Block)
            for (int c0 = 0; c0 < cols; c0 += Block)
            {
                int rEnd = Math.Min(r0 + Block, rows), cEnd = Math.Min(c0 + Block, cols);
                for (int r = r0; r < rEnd; r++)
                    for (int c = c0; c < cEnd; c++)
                        transposed[c * rows + r] = weights[r * cols + c];
            }
        return transposed;
    }

    /// <summary>Where <paramref name="weights"/> starts in <paramref name="array"/>, or −1 when it is not a slice of it.</summary>
    private static int OffsetIn(float[] array, ReadOnlySpan<float> weights)
    {
        if (array.Length == 0 || weights.IsEmpty) return -1;
        long bytes = System.Runtime.CompilerServices.Unsafe.ByteOffset(ref array[0], ref System.Runtime.InteropServices.MemoryMarshal.GetReference(weights));
        if (bytes < 0 || bytes % sizeof(float) != 0) return -1;
        long start = bytes / sizeof(float);
        return start + weights.Length <= array.Length ? (int)start : -1;
    }
}
