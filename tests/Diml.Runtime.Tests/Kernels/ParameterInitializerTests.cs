namespace Diml.Runtime.Tests.Kernels;

/// <summary>The initialisers that generated code calls for <see cref="ParamInit"/> schemes.</summary>
public class ParameterInitializerTests
{
    [Fact]
    public void FillStandardNormal_IsDeterministicForASeed()
    {
        var first = new float[101];
        var second = new float[101];
        var other = new float[101];
        ParameterInitializer.FillStandardNormal(first, new Random(42));
        ParameterInitializer.FillStandardNormal(second, new Random(42));
        ParameterInitializer.FillStandardNormal(other, new Random(43));
        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void FillStandardNormal_HasStandardMoments()
    {
        var values = new float[200_001]; // odd, so the unpaired last element is covered too
        ParameterInitializer.FillStandardNormal(values, new Random(7));
        double mean = values.Average(v => (double)v);
        double variance = values.Average(v => (v - mean) * (v - mean));
        double fourth = values.Average(v => Math.Pow(v - mean, 4));
        Assert.Equal(0, mean, 0.01);
        Assert.Equal(1, variance, 0.02);
        Assert.Equal(3, fourth / (variance * variance), 0.1); // normal kurtosis
        Assert.All(values, v => Assert.True(float.IsFinite(v)));
        Assert.NotEqual(0f, values[^1]);
    }

    [Fact]
    public void FillUniform_StaysWithinTheBound_WithUniformMoments()
    {
        var values = new float[100_000];
        ParameterInitializer.FillUniform(values, 0.25f, new Random(11));
        Assert.All(values, v => Assert.InRange(v, -0.25f, 0.25f));
        double mean = values.Average(v => (double)v);
        double variance = values.Average(v => (v - mean) * (v - mean));
        Assert.Equal(0, mean, 0.002);
        Assert.Equal(0.25 * 0.25 / 3, variance, 0.0005);

        var again = new float[100_000];
        ParameterInitializer.FillUniform(again, 0.25f, new Random(11));
        Assert.Equal(values, again);
    }

    [Fact]
    public void FanInBound_IsOneOverSquareRootOfFanIn()
    {
        Assert.Equal(0.5f, ParameterInitializer.FanInBound(4));
        Assert.Equal(1f, ParameterInitializer.FanInBound(1));
        Assert.Equal(0.0883883476f, ParameterInitializer.FanInBound(128), 1e-8f);
    }

    [Fact]
    public void Initializers_ThrowNamingTheArgument_OnInvalidArguments()
    {
        var fanIn = Assert.Throws<ArgumentOutOfRangeException>(() => ParameterInitializer.FanInBound(0));
        Assert.Equal("fanIn", fanIn.ParamName);
        Assert.Contains("found 0", fanIn.Message);
        var bound = Assert.Throws<ArgumentOutOfRangeException>(() => ParameterInitializer.FillUniform(new float[3], -1f, new Random(1)));
        Assert.Equal("bound", bound.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => ParameterInitializer.FillUniform(new float[3], float.NaN, new Random(1)));
        Assert.Throws<ArgumentNullException>(() => ParameterInitializer.FillStandardNormal(new float[3], null!));
    }
}
