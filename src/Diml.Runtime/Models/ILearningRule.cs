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

    /// <summary>
    /// The rule's hyperparameters by name, camel-cased (e.g. <c>alpha</c>, <c>beta</c>, <c>epsilon</c>): its
    /// public numeric properties and fields, as generated. Saved in model files.
    /// </summary>
    IReadOnlyDictionary<string, double> Hyperparameters { get; }

    /// <summary>Number of floats of state per agent in a game with <paramref name="actions"/> actions.</summary>
    int StateSize(int actions);

    /// <summary>Writes the state before the first step (length <see cref="StateSize"/>).</summary>
    void InitialState(Span<float> state);

    /// <summary>
    /// The state after one step: <paramref name="payoffs"/>[k] is the counterfactual payoff of own action k this
    /// step and <paramref name="played"/> the action the agent actually played (rules such as EWA weigh it apart).
    /// </summary>
    void Update(ReadOnlySpan<float> state, ReadOnlySpan<float> payoffs, int played, Span<float> next);
    void UpdateAdjoint(ReadOnlySpan<float> state, ReadOnlySpan<float> payoffs, int played, ReadOnlySpan<float> nextBar, Span<float> stateBar, Span<float> payoffsBar);
    void Response(ReadOnlySpan<float> state, Span<float> logPolicy);
    void ResponseAdjoint(ReadOnlySpan<float> state, ReadOnlySpan<float> logPolicyBar, Span<float> stateBar);

    void Update(ReadOnlySpan<double> state, ReadOnlySpan<double> payoffs, int played, Span<double> next);
    void UpdateAdjoint(ReadOnlySpan<double> state, ReadOnlySpan<double> payoffs, int played, ReadOnlySpan<double> nextBar, Span<double> stateBar, Span<double> payoffsBar);
    void Response(ReadOnlySpan<double> state, Span<double> logPolicy);
    void ResponseAdjoint(ReadOnlySpan<double> state, ReadOnlySpan<double> logPolicyBar, Span<double> stateBar);

    /// <summary>Runs the generated gradient self-checks of both methods for a game with <paramref name="actions"/> actions.</summary>
    GradientCheckReport CheckGradients(int actions, int seed = 1);
}
