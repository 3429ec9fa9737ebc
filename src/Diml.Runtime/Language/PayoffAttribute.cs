namespace Diml;

/// <summary>
/// Marks the payoff method of a <see cref="MechanismAttribute"/> class. Three forms are recognised:
/// <list type="bullet">
/// <item><b>joint</b>: <c>void Payoffs(ReadOnlySpan&lt;int&gt; joint, Span&lt;float&gt; payoffs)</c> writes every
/// agent's payoff of one joint action;</item>
/// <item><b>per agent</b>: <c>float Payoff(ReadOnlySpan&lt;int&gt; joint, int agent)</c> returns one agent's
/// payoff of one joint action;</item>
/// <item><b>anonymous</b>: <c>float Payoff(int ownAction, ReadOnlySpan&lt;int&gt; opponentCounts)</c> returns
/// an agent's payoff from its own action and how many of the other agents play each action.</item>
/// </list>
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class PayoffAttribute : Attribute;
