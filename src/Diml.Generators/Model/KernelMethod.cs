using Diml.Generators.Ir;

namespace Diml.Generators.Model;

/// <summary>A method the generator differentiates, as IR.</summary>
/// <param name="Name">The user's method name.</param>
/// <param name="IsStatic">Whether it is static (the generated twins follow it).</param>
/// <param name="Accessibility">Its accessibility keyword(s), repeated on the generated methods.</param>
/// <param name="Parameters">Its parameters in order.</param>
/// <param name="Returns"><see cref="ValueKind.Real"/> or <see cref="ValueKind.Void"/>.</param>
/// <param name="Body">The body, returns normalised to tail position.</param>
/// <param name="Signature">The user's signature as text, for the generated documentation.</param>
internal sealed record KernelMethod(
    string Name,
    bool IsStatic,
    string Accessibility,
    ImmutableEquatableArray<KernelParameter> Parameters,
    ValueKind Returns,
    Block Body,
    string Signature);
