using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;

namespace Diml.Generators.Model;

/// <summary>
/// An immutable array compared by value, so the generator's models can be cached by the incremental
/// pipeline (a plain array or ImmutableArray compares by reference).
/// </summary>
internal sealed class ImmutableEquatableArray<T> : IEquatable<ImmutableEquatableArray<T>>, IReadOnlyList<T>
{
    public static ImmutableEquatableArray<T> Empty { get; } = new(Array.Empty<T>());

    private readonly T[] _values;

    public ImmutableEquatableArray(IEnumerable<T> values) => _values = values.ToArray();

    public T this[int index] => _values[index];
    public int Count => _values.Length;

    public bool Equals(ImmutableEquatableArray<T>? other)
    {
        if (other is null || other._values.Length != _values.Length) return false;
        var comparer = EqualityComparer<T>.Default;
        for (int i = 0; i < _values.Length; i++)
            if (!comparer.Equals(_values[i], other._values[i])) return false;
        return true;
    }

    public override bool Equals(object? obj) => obj is ImmutableEquatableArray<T> other && Equals(other);

    public override int GetHashCode()
    {
        int hash = 17;
        foreach (T value in _values) hash = unchecked(hash * 31 + EqualityComparer<T>.Default.GetHashCode(value!));
        return hash;
    }

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_values).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => _values.GetEnumerator();
}

internal static class ImmutableEquatableArray
{
    public static ImmutableEquatableArray<T> ToEquatable<T>(this IEnumerable<T> values)
        => new(values);
}
