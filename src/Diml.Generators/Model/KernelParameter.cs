namespace Diml.Generators.Model;

/// <summary>How a kernel method's parameter takes part in differentiation.</summary>
internal enum ParameterKind
{
    /// <summary><c>float</c>/<c>double</c>: a differentiable input, adjoint <c>ref float nameBar</c>.</summary>
    RealScalar,
    IntScalar,
    BoolScalar,
    /// <summary><c>ReadOnlySpan&lt;float&gt;</c>: a differentiable input, adjoint <c>Span&lt;float&gt; nameBar</c>.</summary>
    RealSpanInput,
    /// <summary><c>Span&lt;float&gt;</c>: an output, adjoint seed <c>ReadOnlySpan&lt;float&gt; nameBar</c>.</summary>
    RealSpanOutput,
    /// <summary><c>ReadOnlySpan&lt;int&gt;</c>: a constant input.</summary>
    IntSpanInput,
}

/// <param name="Name">The parameter's name, as the user wrote it.</param>
/// <param name="Kind">How it is differentiated.</param>
internal sealed record KernelParameter(string Name, ParameterKind Kind);
