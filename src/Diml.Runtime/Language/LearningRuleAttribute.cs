namespace Diml;

/// <summary>
/// Marks a <c>partial</c> class as a learning rule: how an agent's state evolves with the counterfactual
/// payoffs it sees, and how it responds. The class has one <see cref="UpdateAttribute"/> method and one
/// <see cref="ResponseAttribute"/> method and implements <see cref="ILearningRule.StateSize"/> and
/// <see cref="ILearningRule.InitialState"/> itself; the generator differentiates the two marked methods and
/// makes the class implement <see cref="ILearningRule"/>. Plain fields are hyperparameters (constants).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class LearningRuleAttribute : Attribute;
