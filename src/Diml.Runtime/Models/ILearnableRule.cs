namespace Diml;

/// <summary>
/// A learning rule with learnable parameters: its <see cref="ParamAttribute"/> fields, laid out in one flat
/// vector <c>theta</c> (natural values: α itself, not a transform of it) exactly as a mechanism's. Generated for
/// every <see cref="LearningRuleAttribute"/> class that has <c>[Param]</c> fields.
/// </summary>
/// <remarks>
/// <para>The <see cref="ILearningRule"/> members read the fields (what simulation and evaluation run); the members
/// here read <c>theta</c> instead and never the fields, so one rule object can be shared by the threads of a fit, and
/// their adjoints also <b>add</b> into <c>thetaBar</c>, the gradient with respect to the rule's parameters. A fit then
/// treats [mechanism θ | learner parameters] as one flat vector (see <c>Diml.Fitting.LearnerParameters</c>).</para>
/// <para>The initial state may depend on the parameters (a learnable initial attraction Q0): a rule marks its
/// <c>InitialState</c> with <see cref="InitialAttribute"/> and the generator differentiates it too; otherwise the
/// θ-version calls <see cref="ILearningRule.InitialState"/> and its adjoint adds nothing.</para>
/// </remarks>
public interface ILearnableRule : ILearningRule
{
    /// <summary>Where each parameter field lives in the rule's flat vector, with its <see cref="ParameterBlock.Range"/>.</summary>
    ParameterLayout Layout { get; }

    /// <summary>Copies the parameter fields into <paramref name="destination"/> (length <see cref="ParameterLayout.TotalLength"/>).</summary>
    void ReadParameters(Span<float> destination);

    /// <summary>Copies <paramref name="source"/> into the parameter fields (what the <see cref="ILearningRule"/> members then use).</summary>
    void WriteParameters(ReadOnlySpan<float> source);

    void InitialState(ReadOnlySpan<float> theta, Span<float> state);
    void InitialStateAdjoint(ReadOnlySpan<float> theta, ReadOnlySpan<float> stateBar, Span<float> thetaBar);
    void Update(ReadOnlySpan<float> theta, ReadOnlySpan<float> state, ReadOnlySpan<float> payoffs, int played, Span<float> next);
    void UpdateAdjoint(ReadOnlySpan<float> theta, ReadOnlySpan<float> state, ReadOnlySpan<float> payoffs, int played, ReadOnlySpan<float> nextBar,
        Span<float> stateBar, Span<float> payoffsBar, Span<float> thetaBar);
    void Response(ReadOnlySpan<float> theta, ReadOnlySpan<float> state, Span<float> logPolicy);
    void ResponseAdjoint(ReadOnlySpan<float> theta, ReadOnlySpan<float> state, ReadOnlySpan<float> logPolicyBar, Span<float> stateBar, Span<float> thetaBar);

    void InitialState(ReadOnlySpan<double> theta, Span<double> state);
    void InitialStateAdjoint(ReadOnlySpan<double> theta, ReadOnlySpan<double> stateBar, Span<double> thetaBar);
    void Update(ReadOnlySpan<double> theta, ReadOnlySpan<double> state, ReadOnlySpan<double> payoffs, int played, Span<double> next);
    void UpdateAdjoint(ReadOnlySpan<double> theta, ReadOnlySpan<double> state, ReadOnlySpan<double> payoffs, int played, ReadOnlySpan<double> nextBar,
        Span<double> stateBar, Span<double> payoffsBar, Span<double> thetaBar);
    void Response(ReadOnlySpan<double> theta, ReadOnlySpan<double> state, Span<double> logPolicy);
    void ResponseAdjoint(ReadOnlySpan<double> theta, ReadOnlySpan<double> state, ReadOnlySpan<double> logPolicyBar, Span<double> stateBar, Span<double> thetaBar);
}
