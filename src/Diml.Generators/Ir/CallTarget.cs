using Diml.Generators.Model;

namespace Diml.Generators.Ir;

internal enum CallKind
{
    /// <summary>A <c>[Differentiable]</c> method: the generator emits its adjoint and double twin.</summary>
    Differentiable,
    /// <summary>A primitive with a <c>[CustomAdjoint]</c>; the double twin is an overload of the same name.</summary>
    CustomAdjoint,
    /// <summary>A <c>[NonDifferentiable]</c> method, or any method called with constant arguments only.</summary>
    Constant,
}

/// <summary>How a call passes each argument (see CustomAdjointAttribute for the adjoint convention).</summary>
internal enum ArgumentRole
{
    Constant,
    Input,
    InputSpan,
    Output,
}

/// <summary>
/// The methods a call site emits: forward and adjoint, in float and in double. <see cref="DeclaredTypes"/>
/// are the callee's parameter types, used to convert arguments of a constant call in the double twin.
/// <see cref="AdjointReadsOutputs"/>: whether the adjoint reads the values the call wrote into its outputs (a custom
/// adjoint's <c>ReadsOutputs</c>); when not, a later overwrite of an output need not save it for this call's reverse.
/// </summary>
internal sealed record CallTarget(
    CallKind Kind,
    string DisplayName,
    string Forward,
    string ForwardDouble,
    string Adjoint,
    string AdjointDouble,
    ImmutableEquatableArray<ArgumentRole> Roles,
    ImmutableEquatableArray<string> DeclaredTypes,
    string ReturnType,
    BatchedForm Batch = BatchedForm.None,
    bool AdjointReadsOutputs = true);
