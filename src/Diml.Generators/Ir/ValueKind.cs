namespace Diml.Generators.Ir;

/// <summary>
/// The types a kernel computes with. <see cref="Real"/> is <c>float</c> in the emitted float kernels and
/// <c>double</c> in their double twins; integers and booleans are never differentiated.
/// </summary>
internal enum ValueKind
{
    Void,
    Real,
    Int,
    Bool,
    /// <summary>A span or array of reals (a local span, a span parameter, a parameter field, a constant array).</summary>
    RealSpan,
    /// <summary>A span or array of ints.</summary>
    IntSpan,
}
