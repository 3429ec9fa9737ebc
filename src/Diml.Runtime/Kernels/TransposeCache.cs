namespace Diml.Kernels;

/// <summary>
/// Transposed copies of the weight matrices batched dense layers read, per thread. Between two optimiser steps
/// the same weights are transposed again and again, once per batch of queries; a transposed copy is reused
/// when the weights are exactly equal to the ones it was made from (a vectorised comparison is several times
/// cheaper than the transpose). Each thread keeps a few entries, one per layer of a network.
/// </summary>
internal sealed class TransposeCache
{
    private const int Entries = 6;

    [ThreadStatic] private static TransposeCache? _current;

    private readonly float[][] _sources = new float[Entries][];
    private readonly float[][] _transposed = new float[Entries][];
    private readonly int[] _rows = new int[Entries];
    private int _next;

    public static TransposeCache Current => _current ??= new TransposeCache();

    private TransposeCache()
    {
        for (int i = 0; i < Entries; i++) _sources[i] = _transposed[i] = [];
    }

    /// <summary><paramref name="weights"/> (rows × cols, row-major) transposed to cols × rows.</summary>
    public ReadOnlySpan<float> Transposed(ReadOnlySpan<float> weights, int rows, int cols)
    {
        for (int i = 0; i < Entries; i++)
            if (_rows[i] == rows && _sources[i].Length == weights.Length && weights.SequenceEqual(_sources[i]))
                return _transposed[i];

        int slot = _next;
        _next = (_next + 1) % Entries;
        if (_sources[slot].Length != weights.Length)
        {
            _sources[slot] = new float[weights.Length];
            _transposed[slot] = new float[weights.Length];
        }
        weights.CopyTo(_sources[slot]);
        _rows[slot] = rows;
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
}
