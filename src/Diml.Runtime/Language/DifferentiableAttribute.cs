namespace Diml;

/// <summary>
/// Marks a helper method the generator differentiates so that kernels can call it. The method's class must
/// be <c>partial</c>. For a method <c>F</c> the generator emits <c>FAdjoint</c> (reverse mode, accumulating into
/// the adjoints of its <c>float</c> and <c>ReadOnlySpan&lt;float&gt;</c> parameters), the <c>double</c> twins
/// <c>FDouble</c> and <c>FDoubleAdjoint</c>, and, when every parameter is a float scalar or span,
/// <c>FCheckGradient</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class DifferentiableAttribute : Attribute;
