namespace Diml;

/// <summary>
/// Where a learnable <see cref="ParamAttribute"/> value may lie, and so how a fit keeps it there: the optimiser
/// works on an unconstrained raw value <c>r</c> and the kernels see the natural value <c>v = g(r)</c>
/// (<see cref="ParamTransforms"/>). Model files store natural values.
/// </summary>
public enum ParamRange
{
    /// <summary>Any real number; fitted as it is (<c>v = r</c>). Mechanism parameters are all of this range.</summary>
    Real,
    /// <summary>A positive number, such as an inverse temperature β or λ: <c>v = exp(r)</c>.</summary>
    Positive,
    /// <summary>
    /// A rate or probability in [0, 1], such as a step size α ∈ (0, 1], an exploration rate ε ∈ [0, 1) or a decay
    /// φ, δ, ρ ∈ [0, 1]: <c>v = sigmoid(r)</c>, so a fit reaches neither end exactly (a start on an end is moved
    /// inside by <see cref="ParamTransforms.BoundaryMargin"/>).
    /// </summary>
    UnitInterval,
}
