namespace Diml;

/// <summary>
/// Marks a <c>partial</c> class as an incentive mechanism: a map from a joint action to the agents' payoffs.
/// The class declares its parameters as <see cref="ParamAttribute"/> fields and one method marked
/// <see cref="PayoffAttribute"/>. The Diml generator differentiates the payoff method at compile time and
/// makes the class implement <see cref="IJointMechanism"/>, <see cref="IPerAgentMechanism"/> or
/// <see cref="IAnonymousMechanism"/>, depending on the payoff method's form.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class MechanismAttribute : Attribute;
