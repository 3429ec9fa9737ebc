using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace Diml.Generators.Parsing;

/// <summary>Compares by identity: IR records compare by value, but a side table needs the very node.</summary>
internal sealed class ReferenceComparer<T> : IEqualityComparer<T> where T : class
{
    public static readonly ReferenceComparer<T> Instance = new();
    public bool Equals(T? x, T? y) => ReferenceEquals(x, y);
    public int GetHashCode(T obj) => RuntimeHelpers.GetHashCode(obj);
}
