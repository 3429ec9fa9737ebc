namespace Diml;

/// <summary>
/// Marks a field of a <see cref="MechanismAttribute"/> class as a learned parameter. The field is a
/// <c>float</c> (a scalar), a <c>float[]</c> or a <c>float[,]</c>; its shape is whatever the constructor
/// allocates. The generated code reads parameters from a flat vector laid out field by field in declaration
/// order (see <see cref="ParameterLayout"/>); kernels may read parameters but never write them.
/// </summary>
[AttributeUsage(AttributeTargets.Field, Inherited = false)]
public sealed class ParamAttribute : Attribute
{
    /// <summary>How <see cref="IDifferentiableModel.InitializeParameters"/> fills this parameter.</summary>
    public ParamInit Init { get; set; } = ParamInit.Keep;
}
