namespace Diml.Generators.Model;

/// <summary>Everything needed to emit a <c>[LearningRule]</c> class.</summary>
/// <param name="Type">Where the generated code goes.</param>
/// <param name="Update">The <c>[Update]</c> method.</param>
/// <param name="Response">The <c>[Response]</c> method.</param>
/// <param name="Hyperparameters">Public numeric instance properties and fields, in declaration order.</param>
/// <param name="Params">
/// The <c>[Param]</c> fields, in declaration order: the learnable parameters. When there are any, the rule also
/// implements <c>ILearnableRule</c> (θ-versions of every kernel whose adjoints add into <c>thetaBar</c>).
/// </param>
/// <param name="Initial">The <c>[Initial]</c> state method, when the initial state depends on the parameters.</param>
internal sealed record LearningRuleSpec(TypeSpec Type, KernelMethod Update, KernelMethod Response, ImmutableEquatableArray<string> Hyperparameters,
    ImmutableEquatableArray<ParamField> Params, KernelMethod? Initial);
