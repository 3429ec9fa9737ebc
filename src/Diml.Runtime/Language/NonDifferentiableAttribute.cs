namespace Diml;

/// <summary>
/// Declares that a method's result is treated as a constant by the differentiator (its derivative is taken
/// to be zero), so kernels may call it with active arguments. Use it for genuinely piecewise-constant
/// functions such as rounding or arg-max, never to silence an error.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class NonDifferentiableAttribute : Attribute;
