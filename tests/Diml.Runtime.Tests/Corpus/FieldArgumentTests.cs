namespace Diml.Runtime.Tests.Corpus;

/// <summary>
/// Constant array fields passed whole to primitives: the double twins compile and agree with the float
/// methods, and the adjoints pass an empty adjoint span for the constant input, which the primitives skip.
/// </summary>
public sealed class FieldArgumentTests
{
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

    [Fact]
    public void SelfChecksPass()
    {
        var fields = new FieldArguments();
        foreach (int seed in new[] { 1, 2, 3 })
        {
            var dot = fields.DotWithFieldCheckGradient(4, seed);
            Assert.True(dot.Passed, dot.ToString());
            var dense = fields.DenseWithMatrixFieldCheckGradient(4, seed);
            Assert.True(dense.Passed, dense.ToString());
        }
    }
}
