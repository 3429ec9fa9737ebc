namespace Diml.Runtime.Tests.Kernels;

/// <summary>Shared inputs for the kernel tests: lengths around every vector width, and seeded random vectors.</summary>
internal static class KernelTestData
{
    /// <summary>
    /// Lengths from empty to past two 256-bit and one 512-bit vector of floats, including one below, at and above
    /// each multiple of 4, 8 and 16, so that every vector body and tail path runs.
    /// </summary>
    public static readonly int[] Lengths = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 70];

    public static TheoryData<int> LengthData()
    {
        var data = new TheoryData<int>();
        foreach (int n in Lengths) data.Add(n);
        return data;
    }

    public static TheoryData<int> NonEmptyLengthData()
    {
        var data = new TheoryData<int>();
        foreach (int n in Lengths) if (n > 0) data.Add(n);
        return data;
    }

    /// <summary>Uniform on [−<paramref name="scale"/>, <paramref name="scale"/>], from a fixed seed.</summary>
    public static double[] Uniform(int length, int seed, double scale = 3)
    {
        var random = new Random(seed);
        var values = new double[length];
        for (int i = 0; i < length; i++) values[i] = (2 * random.NextDouble() - 1) * scale;
        return values;
    }

    /// <summary>
    /// Like <see cref="Uniform"/> but at least <paramref name="gap"/> from 0, so that finite differences never
    /// straddle a kink such as ReLU's.
    /// </summary>
    public static double[] UniformAwayFromZero(int length, int seed, double scale = 3, double gap = 0.05)
    {
        var values = Uniform(length, seed, scale);
        for (int i = 0; i < length; i++)
            if (Math.Abs(values[i]) < gap) values[i] = values[i] < 0 ? -gap : gap;
        return values;
    }

    public static float[] ToFloat(double[] values) => Array.ConvertAll(values, v => (float)v);

    /// <summary>Asserts |actual − expected| ≤ tolerance·max(1, |expected|) elementwise, naming the first failure.</summary>
    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            Assert.True(error <= tolerance * Math.Max(1, Math.Abs(expected[i])),
                FormattableString.Invariant($"element {i}: expected {expected[i]:R}, found {actual[i]:R} (error {error:E2})"));
        }
    }

    /// <summary>As <see cref="AssertClose(ReadOnlySpan{double}, ReadOnlySpan{double}, double)"/>, for a float result against a double reference.</summary>
    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double tolerance)
    {
        var widened = new double[actual.Length];
        for (int i = 0; i < actual.Length; i++) widened[i] = actual[i];
        AssertClose(expected, widened, tolerance);
    }

    /// <summary>Bytes allocated on this thread by <paramref name="action"/> run many times after a warm-up call.</summary>
    public static long AllocatedBytes(Action action)
    {
        action();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
