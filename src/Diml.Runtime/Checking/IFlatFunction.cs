namespace Diml;

/// <summary>
/// A differentiable function seen as a map between flat vectors, in float and in double. This is the shape
/// the gradient self-checks work on: generated code wraps each kernel (at a fixed query) as one of these.
/// </summary>
public interface IFlatFunction
{
    /// <summary>A readable name for reports, e.g. <c>Congestion.Payoff</c>.</summary>
    string Name { get; }
    int InputLength { get; }
    int OutputLength { get; }
    void Evaluate(ReadOnlySpan<double> input, Span<double> output);
    /// <summary>Adds the vector–Jacobian product <c>outputBarᵀ·J</c> into <paramref name="inputBar"/>.</summary>
    void Adjoint(ReadOnlySpan<double> input, ReadOnlySpan<double> outputBar, Span<double> inputBar);
    void Evaluate(ReadOnlySpan<float> input, Span<float> output);
    /// <summary>Adds the vector–Jacobian product <c>outputBarᵀ·J</c> into <paramref name="inputBar"/>.</summary>
    void Adjoint(ReadOnlySpan<float> input, ReadOnlySpan<float> outputBar, Span<float> inputBar);
}
