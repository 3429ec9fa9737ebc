namespace Diml;

/// <summary>
/// Marks a learning rule's state update:
/// <c>void Update(ReadOnlySpan&lt;float&gt; state, ReadOnlySpan&lt;float&gt; payoffs, int played, Span&lt;float&gt; next)</c>,
/// where <c>payoffs[k]</c> is the counterfactual payoff of own action <c>k</c> this step and <c>played</c> the
/// action the agent played.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class UpdateAttribute : Attribute;
