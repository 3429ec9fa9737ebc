namespace Diml.Generators.Model;

/// <summary>
/// A <c>[Param]</c> field: name, rank (0 scalar, 1 vector, 2 matrix), init scheme and range (learning rules; every
/// mechanism parameter is <see cref="RangeKind.Real"/>).
/// </summary>
internal sealed record ParamField(string Name, int Rank, InitScheme Init, RangeKind Range = RangeKind.Real);
