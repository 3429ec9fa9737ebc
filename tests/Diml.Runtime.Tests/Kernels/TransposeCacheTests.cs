using Diml.Kernels;

namespace Diml.Runtime.Tests.Kernels;

/// <summary>The per-thread cache of transposed weights: by value, and by position inside a frozen parameter array.</summary>
public sealed class TransposeCacheTests
{
    private static float[] Ramp(int length, float start)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = start + i;
        return values;
    }

    private static void AssertTransposeOf(ReadOnlySpan<float> weights, int rows, int cols, ReadOnlySpan<float> transposed)
    {
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                Assert.Equal(weights[(r * cols) + c], transposed[(c * rows) + r]);
    }

    [Fact]
    public void ByValue_SeesAWeightThatChangedInPlace()
    {
        var weights = Ramp(6, 1f);
        var cache = TransposeCache.Current;
        AssertTransposeOf(weights, 2, 3, cache.Transposed(weights, 2, 3));
        weights[4] = -7f;
        AssertTransposeOf(weights, 2, 3, cache.Transposed(weights, 2, 3));
    }

    [Fact]
    public void Frozen_TwoSlicesOfTheSameShape_AreToldApart()
    {
        // Two 2 × 3 layers side by side in one parameter array: found by position, each gets its own transpose.
        var theta = Ramp(13, 100f);
        var cache = TransposeCache.Current;
        using var frozen = TransposeCache.Freeze(theta);
        for (int pass = 0; pass < 2; pass++)
        {
            AssertTransposeOf(theta.AsSpan(1, 6), 2, 3, cache.Transposed(theta.AsSpan(1, 6), 2, 3));
            AssertTransposeOf(theta.AsSpan(7, 6), 2, 3, cache.Transposed(theta.AsSpan(7, 6), 2, 3));
            AssertTransposeOf(theta.AsSpan(7, 6), 3, 2, cache.Transposed(theta.AsSpan(7, 6), 3, 2));
        }
    }

    [Fact]
    public void Frozen_ElsewhereAndAfterTheScope_ComparesByValueAgain()
    {
        var theta = Ramp(6, 1f);
        var cache = TransposeCache.Current;
        using (TransposeCache.Freeze(theta))
            AssertTransposeOf(theta, 2, 3, cache.Transposed(theta, 2, 3));
        // Outside the scope nothing is trusted by position: a change is seen.
        theta[0] = 42f;
        AssertTransposeOf(theta, 2, 3, cache.Transposed(theta, 2, 3));
        // Inside another array's scope, weights that are not a slice of it are compared by value too.
        var other = Ramp(6, 1f);
        using (TransposeCache.Freeze(other))
        {
            theta[5] = -1f;
            AssertTransposeOf(theta, 2, 3, cache.Transposed(theta, 2, 3));
        }
    }

    [Fact]
    public void Frozen_ACopyFoundByValue_IsThenKnownByPosition()
    {
        // A payoff model's fresh copy of a parameter array finds the transpose made from another copy by value once,
        // then by position: the copy is not compared again.
        var original = Ramp(6, 3f);
        var copy = (float[])original.Clone();
        var cache = TransposeCache.Current;
        var first = cache.Transposed(original, 2, 3).ToArray();
        using var frozen = TransposeCache.Freeze(copy);
        AssertTransposeOf(copy, 2, 3, cache.Transposed(copy, 2, 3));
        // Writing a frozen array breaks its contract; done here only to show that the entry is no longer compared.
        copy[0] = 42f;
        Assert.Equal(first, cache.Transposed(copy, 2, 3).ToArray());
    }

    [Fact]
    public void Versioned_ANewVersionSeesTheWrite_TheSameVersionTrustsThePosition()
    {
        // A fit's parameters: written once per optimiser step, each write followed by a new version.
        var theta = Ramp(7, 1f);
        var cache = TransposeCache.Current;
        long version = TransposeCache.NewVersion();
        using (TransposeCache.Freeze(theta, version))
            AssertTransposeOf(theta.AsSpan(1, 6), 2, 3, cache.Transposed(theta.AsSpan(1, 6), 2, 3));
        theta[3] = -5f;
        long next = TransposeCache.NewVersion();
        Assert.NotEqual(version, next);
        using (TransposeCache.Freeze(theta, next))
        {
            var fresh = cache.Transposed(theta.AsSpan(1, 6), 2, 3).ToArray();
            AssertTransposeOf(theta.AsSpan(1, 6), 2, 3, fresh);
            // Within one version the entry is found by position, not compared: a write without a new version (which
            // breaks the contract; done here only to show it) is not seen.
            theta[4] = 99f;
            Assert.Equal(fresh, cache.Transposed(theta.AsSpan(1, 6), 2, 3).ToArray());
        }
    }
}
