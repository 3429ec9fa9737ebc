using Diml.Data;
using Diml.Fitting;

namespace Diml.Tests.Fitting;

/// <summary>The minibatch objective at a fixed minibatch and window as a flat function θ ↦ loss, for gradient checks.</summary>
internal sealed class ObjectiveFunction(MinibatchObjective<double> inDouble, MinibatchObjective<float> inFloat, Trajectories data,
    int[] episodes, int t0, int parameters) : IFlatFunction
{
    public string Name => "MinibatchObjective";
    public int InputLength => parameters;
    public int OutputLength => 1;

    public void Evaluate(ReadOnlySpan<double> input, Span<double> output) =>
        output[0] = inDouble.Evaluate(data, episodes, t0, input, Span<double>.Empty).Loss;

    public void Adjoint(ReadOnlySpan<double> input, ReadOnlySpan<double> outputBar, Span<double> inputBar)
    {
        var gradient = new double[parameters];
        inDouble.Evaluate(data, episodes, t0, input, gradient);
        for (int j = 0; j < parameters; j++) inputBar[j] += outputBar[0] * gradient[j];
    }

    public void Evaluate(ReadOnlySpan<float> input, Span<float> output) =>
        output[0] = (float)inFloat.Evaluate(data, episodes, t0, input, Span<float>.Empty).Loss;

    public void Adjoint(ReadOnlySpan<float> input, ReadOnlySpan<float> outputBar, Span<float> inputBar)
    {
        var gradient = new float[parameters];
        inFloat.Evaluate(data, episodes, t0, input, gradient);
        for (int j = 0; j < parameters; j++) inputBar[j] += outputBar[0] * gradient[j];
    }
}
