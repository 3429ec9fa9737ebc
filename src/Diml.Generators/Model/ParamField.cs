namespace Diml.Generators.Model;

/// <summary>A <c>[Param]</c> field: name, rank (0 scalar, 1 vector, 2 matrix) and init scheme.</summary>
internal sealed record ParamField(string Name, int Rank, InitScheme Init);
