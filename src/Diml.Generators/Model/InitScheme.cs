namespace Diml.Generators.Model;

/// <summary>How <c>InitializeParameters</c> fills a [Param] field; the members mirror the runtime's <c>ParamInit</c>, by name.</summary>
internal enum InitScheme
{
    Keep,
    Zeros,
    StandardNormal,
    FanInUniform,
}
