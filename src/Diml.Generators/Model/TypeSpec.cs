namespace Diml.Generators.Model;

/// <summary>
/// Where generated code goes: the annotated type, its namespace and its containing types (outermost first),
/// each as the declaration keyword and name to repeat in a partial declaration.
/// </summary>
/// <param name="Namespace">Namespace, empty for the global namespace.</param>
/// <param name="Declarations">Partial declarations from the outermost type to the annotated type, e.g. <c>partial class Outer</c>.</param>
/// <param name="Name">The annotated type's name.</param>
/// <param name="FullName">Its fully qualified name with <c>global::</c>, for generated references.</param>
internal sealed record TypeSpec(string Namespace, ImmutableEquatableArray<string> Declarations, string Name, string FullName);
