namespace Diml.Kernels;

/// <summary>
/// Scratch memory for generated batched kernels, whose per-query buffers are too large for the stack: a
/// per-thread bump allocator over arrays that grow on demand and are then reused, so steady-state kernels
/// allocate nothing. A kernel takes a <see cref="Mark"/> on entry and <see cref="Release"/>s it on exit;
/// nested kernels nest their marks. Spans handed out are cleared, except by <see cref="FloatsToOverwrite"/>.
/// </summary>
public sealed class BatchArena
{
    [ThreadStatic] private static BatchArena? _current;

    private float[] _floats = new float[1 << 12];
    private int[] _ints = new int[1 << 10];
    private int _floatTop;
    private int _intTop;

    /// <summary>This thread's arena.</summary>
    public static BatchArena Current => _current ??= new BatchArena();

    /// <summary>The current allocation state, to pass back to <see cref="Release"/>.</summary>
    public (int Floats, int Ints) Mark() => (_floatTop, _intTop);

    /// <summary>Frees everything allocated since <paramref name="mark"/>.</summary>
    public void Release((int Floats, int Ints) mark) => (_floatTop, _intTop) = mark;

    /// <summary>A cleared span of <paramref name="length"/> floats, valid until the enclosing mark is released.</summary>
    public Span<float> Floats(int length)
    {
        if (_floatTop + length > _floats.Length) Grow(ref _floats, _floatTop + length);
        var span = _floats.AsSpan(_floatTop, length);
        _floatTop += length;
        span.Clear();
        return span;
    }

    /// <summary>
    /// A span of <paramref name="length"/> floats that is <b>not</b> cleared (it holds whatever an earlier kernel left), valid
    /// until the enclosing mark is released: for a buffer the kernel overwrites whole before reading it — a dense layer's
    /// or an elementwise primitive's output — where clearing cost as much as a tenth of a simulated step.
    /// </summary>
    public Span<float> FloatsToOverwrite(int length)
    {
        if (_floatTop + length > _floats.Length) Grow(ref _floats, _floatTop + length);
        var span = _floats.AsSpan(_floatTop, length);
        _floatTop += length;
        return span;
    }

    /// <summary>A cleared span of <paramref name="length"/> ints, valid until the enclosing mark is released.</summary>
    public Span<int> Ints(int length)
    {
        if (_intTop + length > _ints.Length) Grow(ref _ints, _intTop + length);
        var span = _ints.AsSpan(_intTop, length);
        _intTop += length;
        span.Clear();
        return span;
    }

    /// <summary>
    /// Grows by doubling. Spans handed out earlier keep pointing into the old array, which stays valid (it is
    /// still referenced by them), so growing in the middle of a kernel is safe; the next kernel uses the new one.
    /// </summary>
    private static void Grow<T>(ref T[] array, int needed)
    {
        int size = array.Length;
        while (size < needed) size *= 2;
        array = new T[size];
    }
}
