using System.Runtime.CompilerServices;

namespace Diml.Kernels;

/// <summary>
/// The stack generated adjoints save values on: the forward sweep pushes the old value of every variable the
/// reverse sweep reads before overwriting it (and the trip counts of nested loops and the sides of nested
/// branches), the reverse sweep pops them in reverse order. One tape per thread, grown on demand and then
/// reused, so adjoints allocate nothing in steady state. Nested adjoint calls share the tape: each pops
/// exactly what it pushed.
/// </summary>
public sealed class AdjointTape
{
    [ThreadStatic] private static AdjointTape? _current;

    private double[] _reals = new double[256];
    private int[] _ints = new int[64];
    private int _realCount;
    private int _intCount;

    /// <summary>This thread's tape.</summary>
    public static AdjointTape Current => _current ??= new AdjointTape();

    /// <summary>Values currently saved (0 between adjoint calls).</summary>
    public int Depth => _realCount + _intCount;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PushReal(double value)
    {
        if (_realCount == _reals.Length) Array.Resize(ref _reals, _reals.Length * 2);
        _reals[_realCount++] = value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double PopReal() => _reals[--_realCount];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PushInt(int value)
    {
        if (_intCount == _ints.Length) Array.Resize(ref _ints, _ints.Length * 2);
        _ints[_intCount++] = value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int PopInt() => _ints[--_intCount];

    public void PushSpan(ReadOnlySpan<float> values)
    {
        EnsureReals(values.Length);
        for (int i = 0; i < values.Length; i++) _reals[_realCount + i] = values[i];
        _realCount += values.Length;
    }

    public void PushSpan(ReadOnlySpan<double> values)
    {
        EnsureReals(values.Length);
        values.CopyTo(_reals.AsSpan(_realCount));
        _realCount += values.Length;
    }

    public void PopSpan(Span<float> destination)
    {
        _realCount -= destination.Length;
        for (int i = 0; i < destination.Length; i++) destination[i] = (float)_reals[_realCount + i];
    }

    public void PopSpan(Span<double> destination)
    {
        _realCount -= destination.Length;
        _reals.AsSpan(_realCount, destination.Length).CopyTo(destination);
    }

    private void EnsureReals(int extra)
    {
        if (_realCount + extra <= _reals.Length) return;
        int size = _reals.Length;
        while (size < _realCount + extra) size *= 2;
        Array.Resize(ref _reals, size);
    }
}
