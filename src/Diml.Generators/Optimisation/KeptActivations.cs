using System.Collections.Generic;
using System.Linq;
using Diml.Generators.Ir;
using Diml.Generators.Model;

namespace Diml.Generators.Optimisation;

/// <summary>
/// Forward activations kept for the adjoint (<c>Kernels/ActivationStore</c>), as two rewrites of the batched kernels' IR:
/// in the batched forward, a <see cref="KeepOutput"/> after each dense layer <see cref="BatchPlan.KeptLayer"/> numbers;
/// in the batched adjoint's forward sweep, each such layer's <see cref="WholeBatchCall"/> becomes a
/// <see cref="ReadBackOrCompute"/>. The layers numbered are the ones the adjoint's forward sweep computes again
/// (<see cref="BatchPlan.KeepOnly"/>), so the two sides agree on the numbers.
/// </summary>
internal static class KeptActivations
{
    /// <summary>The batched forward's body with a <see cref="KeepOutput"/> after each kept top-level dense layer.</summary>
    public static Block InForward(Block body, BatchPlan plan)
    {
        var statements = new List<Stmt>();
        foreach (var statement in body.Statements)
        {
            statements.Add(statement);
            if (statement is CallStmt call && plan.KeptLayer(call.Call) is >= 0 and var layer)
                statements.Add(new KeepOutput(call, layer));
        }
        return new Block(new ImmutableEquatableArray<Stmt>(statements));
    }

    /// <summary>The adjoint's forward sweep with each kept layer read back from the forward pass when it kept it.</summary>
    public static Block InAdjoint(Block forwardSweep, BatchPlan plan) => new(new ImmutableEquatableArray<Stmt>(
        forwardSweep.Statements.Select(s => s is WholeBatchCall call && plan.KeptLayer(call.Call.Call) is >= 0 and var layer
            ? new ReadBackOrCompute(call, layer)
            : s).ToList()));
}
