namespace Diml.Runtime.Tests.Corpus;

/// <summary>
/// Constant array fields passed whole to primitives. The double twins compile and agree with the float
/// methods; the adjoints are blocked by a known mismatch (see the skip reason), so they are not in the corpus table.
/// </summary>
public sealed class FieldArgumentTests
{
    private const string EmptyBarMismatch =
        "The generator passes an empty adjoint span for an inactive span input (its helpers' convention), "
        + "but the Nn adjoints require full-length bars and throw. Fix pending: Nn adjoints should treat an empty bar as 'not needed'.";

    [Theory]
    [InlineData(1)] [InlineData(2)] [InlineData(3)]
    public void DoubleTwinsMatchFloatMethods(int seed)
    {
        var fields = new FieldArguments();
        var point = GradientSelfCheck.RandomPoint(4, seed);
        var single = Array.ConvertAll(point, v => (float)v);
        Assert.Equal(fields.DotWithFieldDouble(point), fields.DotWithField(single), 5);
        Assert.Equal(fields.DenseWithMatrixFieldDouble(point), fields.DenseWithMatrixField(single), 5);
    }

    [Fact(Skip = EmptyBarMismatch)]
    public void SelfChecksPass()
    {
        var fields = new FieldArguments();
        foreach (int seed in new[] { 1, 2, 3 })
        {
            Assert.True(fields.DotWithFieldCheckGradient(4, seed).Passed);
            Assert.True(fields.DenseWithMatrixFieldCheckGradient(4, seed).Passed);
        }
    }
}
