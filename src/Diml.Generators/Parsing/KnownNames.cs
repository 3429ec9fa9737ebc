namespace Diml.Generators.Parsing;

/// <summary>Metadata names of the attributes users write (they live in Diml.Runtime).</summary>
internal static class KnownNames
{
    public const string Mechanism = "Diml.MechanismAttribute";
    public const string LearningRule = "Diml.LearningRuleAttribute";
    public const string Differentiable = "Diml.DifferentiableAttribute";
    public const string NonDifferentiable = "Diml.NonDifferentiableAttribute";
    public const string CustomAdjoint = "Diml.CustomAdjointAttribute";
    public const string Param = "Diml.ParamAttribute";
    public const string Payoff = "Diml.PayoffAttribute";
    public const string Update = "Diml.UpdateAttribute";
    public const string Response = "Diml.ResponseAttribute";
    public const string Initial = "Diml.InitialAttribute";
}
