namespace Diml.Tests.Fitting.Models;

/// <summary>A learning rule's update (input = state ++ payoffs) or response (input = state) as a flat function, for gradient checks.</summary>
public sealed class LearnerFunction(ILearningRule rule, int actions, bool response) : IFlatFunction
{
    private readonly int _state = rule.StateSize(actions);

    /// <summary>The action the agent played in the checked step.</summary>
    public int Played { get; init; }

    public string Name => $"{rule.RuleName}.{(response ? "Response" : "Update")}";
    public int InputLength => response ? _state : _state + actions;
    public int OutputLength => response ? actions : _state;

    public void Evaluate(ReadOnlySpan<double> input, Span<double> output)
    {
        if (response) rule.Response(input[.._state], output);
        else rule.Update(input[.._state], input[_state..], Played, output);
    }

    public void Adjoint(ReadOnlySpan<double> input, ReadOnlySpan<double> outputBar, Span<double> inputBar)
    {
        if (response) rule.ResponseAdjoint(input[.._state], outputBar, inputBar[.._state]);
        else rule.UpdateAdjoint(input[.._state], input[_state..], Played, outputBar, inputBar[.._state], inputBar[_state..]);
    }

    public void Evaluate(ReadOnlySpan<float> input, Span<float> output)
    {
        if (response) rule.Response(input[.._state], output);
        else rule.Update(input[.._state], input[_state..], Played, output);
    }

    public void Adjoint(ReadOnlySpan<float> input, ReadOnlySpan<float> outputBar, Span<float> inputBar)
    {
        if (response) rule.ResponseAdjoint(input[.._state], outputBar, inputBar[.._state]);
        else rule.UpdateAdjoint(input[.._state], input[_state..], Played, outputBar, inputBar[.._state], inputBar[_state..]);
    }
}
