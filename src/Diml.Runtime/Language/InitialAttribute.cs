namespace Diml;

/// <summary>
/// Marks a learning rule's <c>void InitialState(Span&lt;float&gt; state)</c> as a kernel, for a rule whose initial state
/// depends on its <see cref="ParamAttribute"/> fields (a learnable initial attraction Q0 per action): the generator
/// then differentiates it with respect to them (<see cref="ILearnableRule.InitialStateAdjoint(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>).
/// Without it, <c>InitialState</c> is plain C# and must not read a <c>[Param]</c> field.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class InitialAttribute : Attribute;
