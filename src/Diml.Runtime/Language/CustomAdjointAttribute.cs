namespace Diml;

/// <summary>
/// Gives an opaque primitive a hand-written adjoint (like JAX's <c>custom_vjp</c>). The differentiator calls
/// the primitive in the forward sweep and <paramref name="adjointMethod"/> in the reverse sweep.
/// </summary>
/// <remarks>
/// Parameters of the primitive are classified by type: <c>float</c> and <c>ReadOnlySpan&lt;float&gt;</c> are
/// differentiable inputs; <c>int</c>, <c>bool</c> and <c>ReadOnlySpan&lt;int&gt;</c> are constants;
/// <c>Span&lt;float&gt;</c> are outputs the primitive overwrites completely (they must not alias an input).
/// The adjoint takes, in order: every parameter of the primitive (outputs hold the forward results); then
/// <c>float resultBar</c> if the primitive returns <c>float</c>; then <c>ReadOnlySpan&lt;float&gt; outputBar</c>
/// for each output; then, for each differentiable input, <c>ref float inputBar</c> or
/// <c>Span&lt;float&gt; inputBar</c>, into which it <b>adds</b> its contribution. An empty span bar (length 0,
/// e.g. <c>default</c>) means the caller does not need that input's adjoint: the adjoint must skip that
/// accumulation and its work, not throw (<c>outputBar</c> lengths are still checked). The same names must exist as
/// <c>double</c> overloads for the gradient checks.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class CustomAdjointAttribute(string adjointMethod) : Attribute
{
    /// <summary>Name of the adjoint method, in the same class.</summary>
    public string AdjointMethod { get; } = adjointMethod;

    /// <summary>
    /// How batched kernels (one call for many queries) run this primitive; <see cref="BatchForm.None"/> runs it
    /// once per query.
    /// </summary>
    public BatchForm Batch { get; set; }

    /// <summary>
    /// Whether the adjoint reads the values the primitive wrote into its outputs (default <c>true</c>, the safe
    /// assumption). Set it to <c>false</c> when the adjoint uses only the outputs' lengths — a dense layer or an
    /// embedding, whose adjoints need the inputs and the outputs' adjoints — so that the differentiator does not save
    /// an output on the tape before a later statement overwrites part of it.
    /// </summary>
    public bool ReadsOutputs { get; set; } = true;
}
