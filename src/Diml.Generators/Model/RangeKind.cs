namespace Diml.Generators.Model;

/// <summary>Where a [Param] value may lie; the members mirror the runtime's <c>ParamRange</c>, by name.</summary>
internal enum RangeKind
{
    Real,
    Positive,
    UnitInterval,
}
