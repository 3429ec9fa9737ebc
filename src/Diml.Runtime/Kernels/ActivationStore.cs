using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Diml.Kernels;

/// <summary>
/// Forward activations kept for the adjoint. A fit evaluates every distinct query of a minibatch forward (for the
/// learner) and later runs the adjoint of the same queries at the same parameters; a self-contained batched adjoint would
/// compute its dense layers' outputs again. Inside a <see cref="Keeping"/> scope, a generated batched forward kernel copies
/// each dense layer's output rows into the store (<see cref="Keep"/>); inside a <see cref="Loading"/> scope at the same
/// parameter version, the batched adjoint reads them back (<see cref="TryLoad"/>) instead of multiplying again. Outside
/// both, or when anything does not match, the kernels compute as before, so a store changes speed, never a result: a
/// kept output is bit for bit the one the adjoint would have computed. Where the call's rows are consecutive, neither side
/// need copy: the forward may write a layer straight into the store's rows (<see cref="RowsToKeep"/>) and the adjoint read
/// them where they lie (<see cref="TryRead"/>).
/// </summary>
/// <remarks>
/// <para>Each query of a call has a row of the store (the caller's numbering, e.g. its slot in the minibatch's table);
/// each kept layer (numbered by the generator in program order) its own buffer of rows. One store belongs to one caller,
/// which uses it from one thread at a time (a reduction block of <c>CounterfactualPayoffs</c>), so it needs no locks; it
/// grows on demand (by a quarter more than asked) up to <see cref="LimitFloats"/>, and a layer whose rows would not fit is
/// not kept for that version (its adjoint recomputes it). The caller loads only rows it kept under the same version.</para>
/// </remarks>
public sealed class ActivationStore(long limitFloats)
{
    [ThreadStatic] private static ActivationStore? _keeping, _loading;
    [ThreadStatic] private static int[]? _rows;
    [ThreadStatic] private static long _version;

    private float[][] _buffers = [];
    private int[] _strides = [];
    private long[] _keptVersion = [], _refusedVersion = [];
    private long _floats;

    /// <summary>The most floats the store holds over all its layers.</summary>
    public long LimitFloats { get; } = limitFloats;

    /// <summary>The floats the store holds now.</summary>
    public long Floats => _floats;

    private int _rowsAhead;

    /// <summary>
    /// Says that the coming kept calls number their rows below <paramref name="rows"/>, so that a layer's buffer grows once
    /// to hold them all rather than call by call.
    /// </summary>
    public void Expect(int rows) => _rowsAhead = Math.Max(0, rows);

    /// <summary>Until disposed, on this thread, batched forward kernels keep their layers' outputs in <paramref name="store"/>: query q in row <c>rows[q]</c>.</summary>
    public static Scope Keeping(ActivationStore store, int[] rows, long version) => new(store, null, rows, version);

    /// <summary>Until disposed, on this thread, batched adjoints read the outputs kept in <paramref name="store"/> under <paramref name="version"/>.</summary>
    public static Scope Loading(ActivationStore store, int[] rows, long version) => new(null, store, rows, version);

    /// <summary>The scope of <see cref="Keeping"/> or <see cref="Loading"/>.</summary>
    public readonly ref struct Scope
    {
        private readonly ActivationStore? _previousKeeping, _previousLoading;
        private readonly int[]? _previousRows;
        private readonly long _previousVersion;

        internal Scope(ActivationStore? keeping, ActivationStore? loading, int[] rows, long version)
        {
            (_previousKeeping, _previousLoading, _previousRows, _previousVersion) = (_keeping, _loading, _rows, _version);
            (_keeping, _loading, _rows, _version) = (keeping, loading, rows, version);
            _entered = true;
        }

        private readonly bool _entered;

        public void Dispose()
        {
            // The default scope (nothing entered) leaves the thread's state alone.
            if (_entered) (_keeping, _loading, _rows, _version) = (_previousKeeping, _previousLoading, _previousRows, _previousVersion);
        }
    }

    /// <summary>
    /// In a <see cref="Keeping"/> scope, keeps the <paramref name="count"/> rows of <paramref name="stride"/> floats of
    /// <paramref name="values"/> as layer <paramref name="layer"/>'s output; elsewhere does nothing. When
    /// <paramref name="values"/> are the rows <see cref="RowsToKeep"/> handed out, nothing is copied.
    /// </summary>
    public static void Keep(int layer, ReadOnlySpan<float> values, int stride, int count)
    {
        if (_keeping is not { } store) return;
        store.KeepRows(layer, values, stride, count, _rows!, _version);
    }

    /// <summary>
    /// In a <see cref="Keeping"/> scope where the <paramref name="count"/> queries' rows follow one another, the store's own
    /// rows for layer <paramref name="layer"/>'s output, for the kernel to write the layer into directly (a later
    /// <see cref="Keep"/> of them then copies nothing); otherwise <paramref name="otherwise"/>. The rows' contents are
    /// undefined until written.
    /// </summary>
    /// <remarks>The generator asks for them only for a buffer that the layer overwrites whole and nothing writes again.</remarks>
    public static Span<float> RowsToKeep(int layer, int stride, int count, Span<float> otherwise)
    {
        if (_keeping is not { } store || stride < 1 || !Consecutive(_rows!, count)) return otherwise;
        return store.Reserve(layer, stride, count, _rows!, _version) ? store.Rows(layer, stride, count, _rows!) : otherwise;
    }

    /// <summary>
    /// In a <see cref="Loading"/> scope where layer <paramref name="layer"/>'s outputs were kept under the same version with
    /// the same row length, copies the <paramref name="count"/> queries' rows into <paramref name="values"/> and returns true;
    /// otherwise returns false and the caller computes them.
    /// </summary>
    public static bool TryLoad(int layer, Span<float> values, int stride, int count)
    {
        if (_loading is not { } store) return false;
        return store.LoadRows(layer, values, stride, count, _rows!, _version);
    }

    /// <summary>
    /// Like <see cref="TryLoad"/>, but where the queries' rows follow one another in the store, points
    /// <paramref name="values"/> at them instead of copying: the caller must only read them.
    /// </summary>
    public static bool TryRead(int layer, ref Span<float> values, int stride, int count)
    {
        if (_loading is not { } store) return false;
        if (stride > 0 && Consecutive(_rows!, count) && store.Holds(layer, stride, count, _rows!, _version))
        {
            values = store.Rows(layer, stride, count, _rows!);
            return true;
        }
        return store.LoadRows(layer, values, stride, count, _rows!, _version);
    }

    private static bool Consecutive(int[] rows, int count)
    {
        if (count < 1 || count > rows.Length) return false;
        for (int q = 1; q < count; q++)
            if (rows[q] != rows[0] + q) return false;
        return true;
    }

    private Span<float> Rows(int layer, int stride, int count, int[] rows) => _buffers[layer].AsSpan(rows[0] * stride, count * stride);

    /// <summary>Makes layer <paramref name="layer"/>'s buffer hold rows of <paramref name="stride"/> floats up to the call's last row; false when the limit refuses.</summary>
    private bool Reserve(int layer, int stride, int count, int[] rows, long version)
    {
        if (layer < 0 || stride < 0 || count < 0 || count > rows.Length)
            throw new ArgumentException($"Keep: layer {layer}, {count} rows of {stride} floats do not fit {rows.Length} row numbers.");
        if (layer >= _buffers.Length) GrowLayers(layer + 1);
        if (_refusedVersion[layer] == version) return false;
        if (_strides[layer] != stride)
        {
            // A new row length (another mechanism's layer): start the layer's buffer afresh.
            _floats -= _buffers[layer].Length;
            _buffers[layer] = [];
            _strides[layer] = stride;
            _keptVersion[layer] = 0;
        }
        int last = _rowsAhead - 1;
        for (int q = 0; q < count; q++) last = Math.Max(last, rows[q]);
        long needed = (long)(last + 1) * stride;
        if (needed > _buffers[layer].Length && !TryGrow(layer, needed))
        {
            _refusedVersion[layer] = version;
            return false;
        }
        return true;
    }

    private void KeepRows(int layer, ReadOnlySpan<float> values, int stride, int count, int[] rows, long version)
    {
        if ((long)count * stride > values.Length)
            throw new ArgumentException($"Keep: layer {layer}, {count} rows of {stride} floats do not fit {values.Length} values.");
        if (!Reserve(layer, stride, count, rows, version)) return;
        var buffer = _buffers[layer];
        bool inPlace = count > 0 && stride > 0 && Consecutive(rows, count)
            && Unsafe.AreSame(ref MemoryMarshal.GetReference(values), ref buffer[rows[0] * stride]);
        if (!inPlace)
            for (int q = 0; q < count; q++)
                values.Slice(q * stride, stride).CopyTo(buffer.AsSpan(rows[q] * stride, stride));
        _keptVersion[layer] = version;
    }

    private bool Holds(int layer, int stride, int count, int[] rows, long version)
    {
        if (layer >= _buffers.Length || _keptVersion[layer] != version || _refusedVersion[layer] == version || _strides[layer] != stride)
            return false;
        for (int q = 0; q < count; q++)
            if ((long)(rows[q] + 1) * stride > _buffers[layer].Length) return false;
        return true;
    }

    private bool LoadRows(int layer, Span<float> values, int stride, int count, int[] rows, long version)
    {
        if (!Holds(layer, stride, Math.Min(count, rows.Length), rows, version)) return false;
        if (count < 0 || count > rows.Length || (long)count * stride > values.Length)
            throw new ArgumentException($"TryLoad: layer {layer}, {count} rows of {stride} floats do not fit {values.Length} values and {rows.Length} row numbers.");
        var buffer = _buffers[layer];
        for (int q = 0; q < count; q++)
            buffer.AsSpan(rows[q] * stride, stride).CopyTo(values.Slice(q * stride, stride));
        return true;
    }

    private void GrowLayers(int layers)
    {
        Array.Resize(ref _buffers, layers);
        Array.Resize(ref _strides, layers);
        Array.Resize(ref _keptVersion, layers);
        Array.Resize(ref _refusedVersion, layers);
        for (int i = 0; i < layers; i++) _buffers[i] ??= [];
    }

    /// <summary>Grows layer <paramref name="layer"/>'s buffer to hold <paramref name="needed"/> floats and a quarter more, within the limit.</summary>
    private bool TryGrow(int layer, long needed)
    {
        long size = Math.Max(needed + needed / 4, (long)_buffers[layer].Length + _buffers[layer].Length / 4);
        if (_floats - _buffers[layer].Length + size > LimitFloats || size > Array.MaxLength)
        {
            size = needed;
            if (_floats - _buffers[layer].Length + size > LimitFloats || size > Array.MaxLength) return false;
        }
        var grown = new float[size];
        _buffers[layer].CopyTo(grown, 0);
        _floats += size - _buffers[layer].Length;
        _buffers[layer] = grown;
        return true;
    }
}
