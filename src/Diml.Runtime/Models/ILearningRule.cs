namespace Diml;

/// <summary>
/// A learning rule: per agent, a state of <see cref="StateSize"/> floats updated each step from the
/// counterfactual payoffs of the agent's own actions, and a response giving the log-probability of each
/// action. Generated for every <see cref="LearningRuleAttribute"/> class; adjoints <b>add</b> into their
/// <c>Bar</c> outputs.
/// </summary>
public interface ILearningRule
{
    /// <summary>Name of the rule type (the class name).</summary>
    string RuleName { get; }

    /// <summary>Number of floats of state per agent in a game with <paramref name="actions"/> actions.</summary>
    int StateSize(int actions);

    /// <summary>Writes the state before the first step (length <see cref="StateSize"/>).</summary>
    void InitialState(Span<float> state);

    void Update(ReadOnlySpan<float> state, ReadOnlySpan<float> payoffs, Span<float> next);
    void UpdateAdjoint(ReadOnlySpan<float> state, ReadOnlySpan<float> payoffs, ReadOnlySpan<float> nextBar, Span<float> stateBar, Span<float> payoffsBar);
    void Response(ReadOnlySpan<float> state, Span<float> logPolicy);
    void ResponseAdjoint(ReadOnlySpan<float> state, ReadOnlySpan<float> logPolicyBar, Span<float> stateBar);

    void Update(ReadOnlySpan<double> state, ReadOnlySpan<double> payoffs, Span<double> next);
    void UpdateAdjoint(ReadOnlySpan<double> state, ReadOnlySpan<double> payoffs, ReadOnlySpan<double> nextBar, Span<double> stateBar, Span<double> payoffsBar);
    void Response(ReadOnlySpan<double> state, Span<double> logPolicy);
    void ResponseAdjoint(ReadOnlySpan<double> state, ReadOnlySpan<double> logPolicyBar, Span<double> stateBar);

    /// <summary>Runs the generated gradient self-checks of both methods for a game with <paramref name="actions"/> actions.</summary>
    GradientCheckReport CheckGradients(int actions, int seed = 1);
}
