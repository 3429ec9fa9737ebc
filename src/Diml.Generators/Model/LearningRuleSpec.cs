namespace Diml.Generators.Model;

/// <summary>Everything needed to emit a <c>[LearningRule]</c> class.</summary>
/// <param name="Type">Where the generated code goes.</param>
/// <param name="Update">The <c>[Update]</c> method.</param>
/// <param name="Response">The <c>[Response]</c> method.</param>
/// <param name="Hyperparameters">Public numeric instance properties and fields, in declaration order.</param>
internal sealed record LearningRuleSpec(TypeSpec Type, KernelMethod Update, KernelMethod Response, ImmutableEquatableArray<string> Hyperparameters);
