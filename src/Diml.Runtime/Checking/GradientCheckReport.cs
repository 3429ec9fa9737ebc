namespace Diml;

/// <summary>
/// The result of a gradient self-check (see <see cref="GradientCheck"/>).
/// </summary>
/// <param name="Name">What was checked.</param>
/// <param name="Coordinates">How many input coordinates were compared against finite differences.</param>
/// <param name="MaxRelativeError">Largest relative error of the double adjoint against central differences.</param>
/// <param name="FloatRelativeError">
/// Largest relative error of the float kernel against its double twin: the outputs, and the adjoint's dot product
/// with a random direction.
/// </param>
/// <param name="Passed">Whether every error is within its tolerance (and, for a mechanism, it does not read its fields).</param>
/// <param name="FieldDependence">
/// For a mechanism: the largest relative change of its theta-functions (outputs and adjoint, float and double)
/// when only the <c>[Param]</c> fields change and theta stays. Must be exactly 0: a kernel that reads the
/// fields instead of theta is another function than the one being fitted.
/// </param>
public sealed record GradientCheckReport(string Name, int Coordinates, double MaxRelativeError, double FloatRelativeError, bool Passed,
    double FieldDependence = 0)
{
    /// <summary>Combines several reports into one that passes only if all pass.</summary>
    public static GradientCheckReport Combine(string name, IReadOnlyList<GradientCheckReport> parts)
    {
        int coordinates = 0;
        double maxError = 0, floatError = 0, fieldDependence = 0;
        bool passed = true;
        foreach (var part in parts)
        {
            coordinates += part.Coordinates;
            maxError = Math.Max(maxError, part.MaxRelativeError);
            floatError = Math.Max(floatError, part.FloatRelativeError);
            fieldDependence = Math.Max(fieldDependence, part.FieldDependence);
            passed &= part.Passed;
        }
        return new GradientCheckReport(name, coordinates, maxError, floatError, passed, fieldDependence);
    }

    /// <inheritdoc/>
    public override string ToString() => FormattableString.Invariant(
        $"{Name}: {(Passed ? "ok" : "FAILED")} ({Coordinates} coordinates, max relative error {MaxRelativeError:E2}, float vs double {FloatRelativeError:E2}{(FieldDependence == 0 ? "" : $", reads its [Param] fields: changing them alone moves the result by {FieldDependence:E2}")})");
}
