namespace Diml.Generators.Model;

internal enum PayoffForm
{
    Joint,
    PerAgent,
    Anonymous,
}

/// <summary>Everything needed to emit a <c>[Mechanism]</c> class.</summary>
internal sealed record MechanismSpec(TypeSpec Type, ImmutableEquatableArray<ParamField> Params, PayoffForm Form, KernelMethod Payoff);
