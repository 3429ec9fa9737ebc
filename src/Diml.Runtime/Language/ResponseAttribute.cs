namespace Diml;

/// <summary>
/// Marks a learning rule's response: <c>void Response(ReadOnlySpan&lt;float&gt; state, Span&lt;float&gt; logPolicy)</c>
/// writes the log-probability of each action.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class ResponseAttribute : Attribute;
