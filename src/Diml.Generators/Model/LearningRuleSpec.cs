namespace Diml.Generators.Model;

/// <summary>Everything needed to emit a <c>[LearningRule]</c> class.</summary>
internal sealed record LearningRuleSpec(TypeSpec Type, KernelMethod Update, KernelMethod Response);
