namespace Diml;

/// <summary>
/// The transforms that keep a fitted value in its <see cref="ParamRange"/>: the optimiser moves a raw value
/// <c>r</c> ∈ ℝ and the model sees <c>v = g(r)</c>; gradients are pulled back by <c>dv/dr</c>.
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term><see cref="ParamRange.Real"/></term><description><c>v = r</c></description></item>
/// <item><term><see cref="ParamRange.Positive"/></term><description><c>v = exp(r)</c>, <c>dv/dr = v</c></description></item>
/// <item><term><see cref="ParamRange.UnitInterval"/></term><description><c>v = 1 / (1 + exp(−r))</c>, <c>dv/dr = v(1 − v)</c></description></item>
/// </list>
/// </remarks>
public static class ParamTransforms
{
    /// <summary>
    /// How far inside its range a start value is moved when it lies on an end (ε = 0, α = 1), where the raw value
    /// would be infinite: a unit-interval start is clamped to [m, 1 − m], a positive one to at least m.
    /// </summary>
    public const double BoundaryMargin = 1e-3;

    /// <summary>The raw value of natural value <paramref name="value"/> (clamped inside the range by <see cref="BoundaryMargin"/>).</summary>
    public static double ToRaw(ParamRange range, double value) => range switch
    {
        ParamRange.Positive => Math.Log(Math.Max(value, BoundaryMargin)),
        ParamRange.UnitInterval => Logit(Math.Clamp(value, BoundaryMargin, 1 - BoundaryMargin)),
        _ => value,
    };

    /// <summary>The natural value of raw value <paramref name="raw"/>.</summary>
    public static double ToNatural(ParamRange range, double raw) => range switch
    {
        ParamRange.Positive => Math.Exp(raw),
        ParamRange.UnitInterval => 1 / (1 + Math.Exp(-raw)),
        _ => raw,
    };

    /// <summary><c>dv/dr</c> at raw value <paramref name="raw"/>.</summary>
    public static double Derivative(ParamRange range, double raw) => range switch
    {
        ParamRange.Positive => Math.Exp(raw),
        ParamRange.UnitInterval => Sigmoid(raw) * (1 - Sigmoid(raw)),
        _ => 1,
    };

    /// <summary>Whether natural value <paramref name="value"/> lies in <paramref name="range"/> (ends included for the unit interval).</summary>
    public static bool Contains(ParamRange range, double value) => range switch
    {
        ParamRange.Positive => value > 0 && double.IsFinite(value),
        ParamRange.UnitInterval => value is >= 0 and <= 1,
        _ => double.IsFinite(value),
    };

    private static double Sigmoid(double raw) => 1 / (1 + Math.Exp(-raw));

    private static double Logit(double p) => Math.Log(p / (1 - p));
}
