namespace Diml;

/// <summary>
/// Checks a reverse-mode adjoint three ways: the double adjoint against central finite differences of the
/// double function, coordinate by coordinate; the float function against the double one, output by output;
/// and the float adjoint against the double one, through the dot product with a random direction.
/// </summary>
public static class GradientCheck
{
    /// <summary>Relative error the double adjoint must meet against central differences.</summary>
    public const double DefaultTolerance = 1e-6;

    /// <summary>Relative error the float adjoint must meet against the double adjoint.</summary>
    public const double DefaultFloatTolerance = 1e-3;

    /// <summary>
    /// Errors are relative to the larger magnitude of the two values compared, but never to less than this,
    /// so that coordinates whose true derivative is zero are compared in absolute terms.
    /// </summary>
    public const double MagnitudeFloor = 1e-2;

    /// <summary>
    /// Checks <paramref name="function"/> at <paramref name="point"/>. At most <paramref name="maxCoordinates"/>
    /// coordinates are compared against finite differences (a random subset when there are more).
    /// </summary>
    public static GradientCheckReport Run(IFlatFunction function, ReadOnlySpan<double> point, int seed = 1,
        int maxCoordinates = 256, double tolerance = DefaultTolerance, double floatTolerance = DefaultFloatTolerance)
    {
        ArgumentNullException.ThrowIfNull(function);
        int n = function.InputLength, m = function.OutputLength;
        if (point.Length != n)
            throw new ArgumentException($"The point has {point.Length} coordinates; {function.Name} takes {n}.", nameof(point));
        var random = new Random(seed);

        // A random output seed makes the check cover every output at once: we test outputBarᵀ·J.
        var outputBar = new double[m];
        for (int j = 0; j < m; j++) outputBar[j] = random.NextDouble() * 2 - 1;

        var x = point.ToArray();
        var gradient = new double[n];
        function.Adjoint(x, outputBar, gradient);

        int[] coordinates = ChooseCoordinates(n, maxCoordinates, random);
        var output = new double[m];
        double maxError = 0;
        foreach (int i in coordinates)
        {
            // Step relative to the coordinate's size; 1e-5 balances truncation (h²) and round-off (ε/h) in double.
            double h = 1e-5 * Math.Max(1, Math.Abs(x[i]));
            double saved = x[i];
            x[i] = saved + h;
            function.Evaluate(x, output);
            double plus = Dot(outputBar, output);
            x[i] = saved - h;
            function.Evaluate(x, output);
            double minus = Dot(outputBar, output);
            x[i] = saved;
            double numeric = (plus - minus) / (2 * h);
            maxError = Math.Max(maxError, RelativeError(gradient[i], numeric));
        }

        // Float kernel vs double twin: the outputs at the same point...
        var xf = new float[n];
        for (int i = 0; i < n; i++) xf[i] = (float)x[i];
        function.Evaluate(x, output);
        var outputF = new float[m];
        function.Evaluate(xf, outputF);
        double forwardError = 0;
        for (int j = 0; j < m; j++) forwardError = Math.Max(forwardError, RelativeError(output[j], outputF[j]));

        // ...and the adjoints, through their directional derivatives along a random direction.
        var outputBarF = new float[m];
        for (int j = 0; j < m; j++) outputBarF[j] = (float)outputBar[j];
        var gradientF = new float[n];
        function.Adjoint(xf, outputBarF, gradientF);
        double dotDouble = 0, dotFloat = 0, scale = 0;
        for (int i = 0; i < n; i++)
        {
            double direction = random.NextDouble() * 2 - 1;
            dotDouble += direction * gradient[i];
            dotFloat += direction * gradientF[i];
            scale += Math.Abs(direction * gradient[i]);
        }
        double floatError = Math.Max(forwardError, Math.Abs(dotDouble - dotFloat) / Math.Max(scale, MagnitudeFloor));

        bool passed = maxError <= tolerance && floatError <= floatTolerance && double.IsFinite(maxError) && double.IsFinite(floatError);
        return new GradientCheckReport(function.Name, coordinates.Length, maxError, floatError, passed);
    }

    /// <summary>|a − b| relative to the larger magnitude, floored at <see cref="MagnitudeFloor"/>.</summary>
    public static double RelativeError(double a, double b)
    {
        if (a.Equals(b)) return 0; // equal, infinities included
        if (double.IsNaN(a) || double.IsNaN(b)) return double.PositiveInfinity;
        return Math.Abs(a - b) / Math.Max(MagnitudeFloor, Math.Max(Math.Abs(a), Math.Abs(b)));
    }

    private static int[] ChooseCoordinates(int n, int max, Random random)
    {
        var all = new int[n];
        for (int i = 0; i < n; i++) all[i] = i;
        if (n <= max) return all;
        random.Shuffle(all);
        var chosen = all[..max];
        Array.Sort(chosen);
        return chosen;
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }
}
