namespace Diml;

/// <summary>
/// The result of a gradient self-check (see <see cref="GradientCheck"/>).
/// </summary>
/// <param name="Name">What was checked.</param>
/// <param name="Coordinates">How many input coordinates were compared against finite differences.</param>
/// <param name="MaxRelativeError">Largest relative error of the double adjoint against central differences.</param>
/// <param name="FloatRelativeError">Relative error of the float adjoint's dot product with a random direction against the double one.</param>
/// <param name="Passed">Whether both errors are within their tolerances.</param>
public sealed record GradientCheckReport(string Name, int Coordinates, double MaxRelativeError, double FloatRelativeError, bool Passed)
{
    /// <summary>Combines several reports into one that passes only if all pass.</summary>
    public static GradientCheckReport Combine(string name, IReadOnlyList<GradientCheckReport> parts)
    {
        int coordinates = 0;
        double maxError = 0, floatError = 0;
        bool passed = true;
        foreach (var part in parts)
        {
            coordinates += part.Coordinates;
            maxError = Math.Max(maxError, part.MaxRelativeError);
            floatError = Math.Max(floatError, part.FloatRelativeError);
            passed &= part.Passed;
        }
        return new GradientCheckReport(name, coordinates, maxError, floatError, passed);
    }

    /// <inheritdoc/>
    public override string ToString() => FormattableString.Invariant(
        $"{Name}: {(Passed ? "ok" : "FAILED")} ({Coordinates} coordinates, max relative error {MaxRelativeError:E2}, float vs double {FloatRelativeError:E2})");
}
