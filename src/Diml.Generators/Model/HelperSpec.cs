namespace Diml.Generators.Model;

/// <summary>A <c>[Differentiable]</c> helper method and the type it lives in.</summary>
internal sealed record HelperSpec(TypeSpec Type, KernelMethod Method);
