using System.Collections.Generic;
using System.Linq;
using Diml.Generators.Analysis;
using Diml.Generators.Ir;
using Diml.Generators.Model;

namespace Diml.Generators.Optimisation;

/// <summary>
/// Forward activations kept for the adjoint (<c>Kernels/ActivationStore</c>), as rewrites of the batched kernels' IR:
/// in the batched forward, a <see cref="KeepOutput"/> after each dense layer <see cref="BatchPlan.KeptLayer"/> numbers;
/// in the batched adjoint's forward sweep, each such layer's <see cref="WholeBatchCall"/> becomes a
/// <see cref="ReadBackOrCompute"/>. The layers numbered are the ones the adjoint's forward sweep computes again
/// (<see cref="BatchPlan.KeepOnly"/>), so the two sides agree on the numbers.
/// </summary>
/// <remarks>
/// Where it is safe, neither side copies: a kept layer's output buffer that the layer writes whole and nothing writes
/// again is allocated in the store's own rows (<see cref="KeptBuffer"/>), and the adjoint reads a kept output that nothing
/// after it writes where it lies (<see cref="ReadBackOrCompute.InPlace"/>). Anything that might write the buffer — an
/// assignment, a call taking it other than as an input, an alias, a tape pop — keeps the copy.
/// </remarks>
internal static class KeptActivations
{
    /// <summary>
    /// The batched forward's body with a <see cref="KeepOutput"/> after each kept top-level dense layer, and the buffers
    /// that can live in the store's rows as <see cref="KeptBuffer"/>s.
    /// </summary>
    public static Block InForward(Block body, BatchPlan plan)
    {
        var statements = new List<Stmt>();
        foreach (var statement in body.Statements)
        {
            statements.Add(statement);
            if (statement is CallStmt call && plan.KeptLayer(call.Call) is >= 0 and var layer)
                statements.Add(new KeepOutput(call, layer));
        }
        for (int index = 0; index < statements.Count; index++)
            if (statements[index] is StackAlloc { Kind: ValueKind.RealSpan } alloc && plan.IsVarying(alloc.Name)
                && WrittenOnlyByKeptLayer(statements, index, alloc.Name, plan) is >= 0 and var layer)
                statements[index] = new KeptBuffer(alloc, layer);
        return new Block(new ImmutableEquatableArray<Stmt>(statements));
    }

    /// <summary>
    /// The adjoint's forward sweep with each kept layer read back from the forward pass when it kept it — in place where
    /// nothing after it in either sweep writes the output — and the buffers whose first use writes them whole marked
    /// <see cref="QueryBuffers.Overwritten"/>.
    /// </summary>
    public static Block InAdjoint(Block forwardSweep, Block reverseSweep, BatchPlan plan)
    {
        var statements = forwardSweep.Statements.ToList();
        for (int index = 0; index < statements.Count; index++)
        {
            if (statements[index] is not WholeBatchCall call || plan.KeptLayer(call.Call.Call) is not (>= 0 and var layer)) continue;
            bool inPlace = WholeOutput(call.Call.Call, plan) is { } output
                && !statements.Skip(index + 1).Append(reverseSweep).Any(s => MayWrite(s, output));
            statements[index] = new ReadBackOrCompute(call, layer, inPlace);
        }
        for (int index = 0; index < statements.Count; index++)
            if (statements[index] is QueryBuffers { WithValues: true, Alloc.Kind: ValueKind.RealSpan } buffers
                && FirstMention(statements, index, buffers.Alloc.Name) is { } first
                && (first is WholeBatchCall or ReadBackOrCompute) && WholeOutput(Call(first), plan) == buffers.Alloc.Name)
                statements[index] = buffers with { Overwritten = true };
        return new Block(new ImmutableEquatableArray<Stmt>(statements));
    }

    private static CallExpr Call(Stmt statement) => statement switch
    {
        ReadBackOrCompute readBack => readBack.Dense.Call.Call,
        WholeBatchCall whole => whole.Call.Call,
        _ => throw new System.InvalidOperationException(),
    };

    /// <summary>The layer of the kept dense call that first mentions <paramref name="buffer"/> and writes it whole, when nothing after writes it; else -1.</summary>
    private static int WrittenOnlyByKeptLayer(List<Stmt> statements, int allocIndex, string buffer, BatchPlan plan)
    {
        int first = statements.FindIndex(allocIndex + 1, s => Mentions(s, buffer));
        if (first < 0 || statements[first] is not CallStmt { Call: var call } || plan.KeptLayer(call) < 0) return -1;
        if (WholeOutput(call, plan) != buffer) return -1;
        for (int later = first + 1; later < statements.Count; later++)
            if (MayWrite(statements[later], buffer)) return -1;
        return plan.KeptLayer(call);
    }

    private static Stmt? FirstMention(List<Stmt> statements, int allocIndex, string buffer)
    {
        int first = statements.FindIndex(allocIndex + 1, s => Mentions(s, buffer));
        return first < 0 ? null : statements[first];
    }

    /// <summary>The buffer a whole-batch call writes whole as its one output and mentions nowhere else; null otherwise.</summary>
    private static string? WholeOutput(CallExpr call, BatchPlan plan)
    {
        string? output = null;
        for (int i = 0; i < call.Args.Count; i++)
            if (Activity.RoleAt(call.Target, i) == ArgumentRole.Output)
            {
                if (output is not null || call.Args[i] is not LocalRef local || plan.Buffer(local.Name) != local.Name) return null;
                output = local.Name;
            }
        if (output is null) return null;
        for (int i = 0; i < call.Args.Count; i++)
            if (Activity.RoleAt(call.Target, i) != ArgumentRole.Output && Mentions(call.Args[i], output)) return null;
        return output;
    }

    private static bool Mentions(Stmt statement, string name)
    {
        var names = new HashSet<string>();
        Names.Collect(statement, names);
        return names.Contains(name);
    }

    private static bool Mentions(Expr expr, string name)
    {
        var names = new HashSet<string>();
        Names.Collect(expr, names);
        return names.Contains(name);
    }

    /// <summary>
    /// Whether <paramref name="statement"/> might write <paramref name="buffer"/>'s values (not its adjoint's). The adjoints
    /// of dense layers and elementwise primitives only read their forward arguments.
    /// </summary>
    private static bool MayWrite(Stmt statement, string buffer)
    {
        foreach (var s in Statements.All(statement))
        {
            switch (s)
            {
                case Assign assign when Activity.Root(assign.Target) == buffer:
                case TapePop pop when Activity.Root(pop.Place) == buffer:
                case TapePopSpan popSpan when Activity.Root(popSpan.Span) == buffer:
                case SpanAlias alias when Mentions(alias.Value, buffer):
                    return true;
                case DenseAdjointCall or ElementwiseAdjointCall:
                    continue;
            }
            foreach (var expr in Statements.OwnExpressions(s).SelectMany(Statements.Descendants))
            {
                if (expr is RefArg reference && Mentions(reference, buffer)) return true;
                if (expr is not CallExpr call) continue;
                for (int i = 0; i < call.Args.Count; i++)
                    if (Activity.RoleAt(call.Target, i) is not (ArgumentRole.Input or ArgumentRole.InputSpan) && Mentions(call.Args[i], buffer))
                        return true;
            }
        }
        return false;
    }
}
