namespace Diml;

/// <summary>
/// Marks a field of a <see cref="MechanismAttribute"/> or <see cref="LearningRuleAttribute"/> class as a learnable
/// parameter. The field is a <c>float</c> (a scalar), a <c>float[]</c> or a <c>float[,]</c>; its shape is whatever
/// the constructor allocates. The generated code reads parameters from a flat vector laid out field by field in
/// declaration order (see <see cref="ParameterLayout"/>); kernels may read parameters but never write them.
/// </summary>
[AttributeUsage(AttributeTargets.Field, Inherited = false)]
public sealed class ParamAttribute : Attribute
{
    /// <summary>How <see cref="IDifferentiableModel.InitializeParameters"/> fills this parameter (mechanisms).</summary>
    public ParamInit Init { get; set; } = ParamInit.Keep;

    /// <summary>
    /// Where the value may lie (learning rules: α, ε and decays <see cref="ParamRange.UnitInterval"/>, β
    /// <see cref="ParamRange.Positive"/>); a fit that estimates it works through the range's transform.
    /// </summary>
    public ParamRange Range { get; set; } = ParamRange.Real;
}
