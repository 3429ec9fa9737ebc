namespace Diml;

/// <summary>
/// Fills parameter storage for the <see cref="ParamInit"/> schemes. Generated code calls these from
/// <see cref="IDifferentiableModel.InitializeParameters"/>. Every method draws only from the
/// <see cref="Random"/> it is given, in index order, so a seeded <see cref="Random"/> gives the same values on
/// every run and machine.
/// </summary>
public static class ParameterInitializer
{
    /// <summary>
    /// Fills <paramref name="destination"/> with independent standard normal draws (<see cref="ParamInit.StandardNormal"/>),
    /// by the Box–Muller transform: each pair of uniforms gives two normals; an odd last element uses the first
    /// of a fresh pair.
    /// </summary>
    public static void FillStandardNormal(Span<float> destination, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        int i = 0;
        for (; i + 1 < destination.Length; i += 2)
        {
            var (first, second) = NextStandardNormalPair(random);
            destination[i] = (float)first;
            destination[i + 1] = (float)second;
        }
        if (i < destination.Length) destination[i] = (float)NextStandardNormalPair(random).First;
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with independent draws uniform on [−<paramref name="bound"/>,
    /// <paramref name="bound"/>] (<see cref="ParamInit.FanInUniform"/> with <see cref="FanInBound"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bound"/> is negative, infinite or NaN.</exception>
    public static void FillUniform(Span<float> destination, float bound, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        KernelGuard.NonNegativeFinite(bound, nameof(bound));
        for (int i = 0; i < destination.Length; i++)
            destination[i] = (float)((2 * random.NextDouble() - 1) * bound);
    }

    /// <summary>
    /// <c>1/√fanIn</c>, PyTorch's bound for a linear layer with <paramref name="fanIn"/> inputs (the number of
    /// columns of its weight matrix).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fanIn"/> is not positive.</exception>
    public static float FanInBound(int fanIn)
    {
        KernelGuard.Positive(fanIn, nameof(fanIn));
        return (float)(1 / Math.Sqrt(fanIn));
    }

    private static (double First, double Second) NextStandardNormalPair(Random random)
    {
        // 1 − U lies in (0, 1], so the logarithm is finite; the radius is computed in double for accuracy.
        double radius = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble()));
        double angle = 2 * Math.PI * random.NextDouble();
        return (radius * Math.Cos(angle), radius * Math.Sin(angle));
    }
}
