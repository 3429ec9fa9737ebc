namespace Diml.Runtime.Tests.Kernels;

/// <summary>
/// Adapts a primitive and its adjoint (wrapped as delegates over one flat input vector) to
/// <see cref="IFlatFunction"/>, so that <see cref="GradientCheck"/> can check it.
/// </summary>
internal sealed class PrimitiveFunction(
    string name, int inputLength, int outputLength,
    FlatEvaluate<double> evaluate, FlatAdjoint<double> adjoint,
    FlatEvaluate<float> evaluateFloat, FlatAdjoint<float> adjointFloat) : IFlatFunction
{
    public string Name { get; } = name;
    public int InputLength { get; } = inputLength;
    public int OutputLength { get; } = outputLength;

    public void Evaluate(ReadOnlySpan<double> input, Span<double> output) => evaluate(input, output);
    public void Adjoint(ReadOnlySpan<double> input, ReadOnlySpan<double> outputBar, Span<double> inputBar) => adjoint(input, outputBar, inputBar);
    public void Evaluate(ReadOnlySpan<float> input, Span<float> output) => evaluateFloat(input, output);
    public void Adjoint(ReadOnlySpan<float> input, ReadOnlySpan<float> outputBar, Span<float> inputBar) => adjointFloat(input, outputBar, inputBar);

    /// <summary>Runs the gradient check at <paramref name="point"/> and fails with the report if it does not pass.</summary>
    public void AssertGradientMatches(double[] point, int seed = 1)
    {
        var report = GradientCheck.Run(this, point, seed);
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(Math.Min(InputLength, 256), report.Coordinates);
    }
}
