using System.Collections.Generic;
using System.Linq;
using Diml.Generators.Analysis;
using Diml.Generators.Ir;
using Diml.Generators.Model;

namespace Diml.Generators.Optimisation;

/// <summary>
/// A pass over adjoint IR: drops the forward sweep's writes to a buffer whose values nothing reads — no later
/// forward statement and no reverse statement (Tapenade's adjoint liveness). The forward sweep replays the user's
/// statements so that the reverse sweep sees the values it needs; an output the reverse never reads (Logit-Q's
/// <c>next[k] = (1 − α)·q[k] + α·u[k]</c>, whose reverse reads only <c>q</c>, <c>u</c> and α) is a dead store, and
/// so is every write feeding only such stores.
/// </summary>
/// <remarks>
/// Only buffers the adjoint owns are candidates: the kernel's stack-allocated spans, and its outputs when the
/// adjoint allocates them itself (a helper's adjoint writes its caller's buffer, and is left alone). A buffer is
/// read when any statement other than a write to a dead buffer mentions it as a value — a span alias, a tape push,
/// a callee's adjoint taking it as an argument all count — while the adjoint of a place (<c>nextBarWork[k]</c>)
/// reads only its indices. The dead set is the greatest fixpoint: start from every candidate, and drop each one
/// something live reads until none changes. A loop or branch left with nothing to run is dropped with its writes,
/// and a loop left only counting its trips for the reverse sweep becomes the count's closed form.
/// </remarks>
internal static class DeadForwardWrites
{
    /// <summary>
    /// <paramref name="forwardSweep"/> without the writes to the <paramref name="ownedBuffers"/> nothing reads;
    /// <paramref name="unused"/> receives those of them the sweeps no longer name at all, which need not be allocated (a
    /// buffer whose values are unread may still be named, for its length, by a callee's adjoint): the sweep allocates no
    /// values for such a stackalloc, only its adjoint, and the caller leaves out such an output.
    /// </summary>
    public static Block Remove(Block forwardSweep, Block reverseSweep, IEnumerable<string> ownedBuffers, out HashSet<string> unused)
    {
        var dead = new HashSet<string>(ownedBuffers);
        while (dead.Count > 0)
        {
            var read = new HashSet<string>();
            foreach (var statement in Statements.All(forwardSweep).Where(s => !IsDeadWrite(s, dead)).Concat(Statements.All(reverseSweep)))
                foreach (var expr in OwnReads(statement)) Reads(expr, read);
            int before = dead.Count;
            dead.ExceptWith(read);
            if (dead.Count == before) break;
        }
        var lean = dead.Count == 0 ? forwardSweep : (Block)(Without(forwardSweep, dead) ?? new Block(ImmutableEquatableArray<Stmt>.Empty));
        unused = new HashSet<string>(dead);
        var named = new HashSet<string>();
        foreach (var statement in Statements.All(lean).Concat(Statements.All(reverseSweep)))
            foreach (var expr in Names(statement))
                Reads(expr, named, lengths: true);
        unused.ExceptWith(named);
        return unused.Count == 0 ? lean : WithoutValues(lean, unused);
    }

    /// <summary><paramref name="sweep"/> allocating no values for the <paramref name="unused"/> stackallocs (their adjoints stay).</summary>
    private static Block WithoutValues(Block sweep, HashSet<string> unused) => new(new ImmutableEquatableArray<Stmt>(sweep.Statements
        .Where(s => s is not StackAlloc alloc || !unused.Contains(alloc.Name))
        .Select(s => s is QueryBuffers buffers && unused.Contains(buffers.Alloc.Name) ? buffers with { WithValues = false } : s)
        .ToList()));

    /// <summary>
    /// The expressions a statement names as printed: a zeroed adjoint's span names the adjoint only, and a whole batch's
    /// dense-layer adjoint (<c>BatchedDense.Adjoint</c>) takes its output's adjoint and row length, never the output.
    /// </summary>
    private static IEnumerable<Expr> Names(Stmt statement) => statement switch
    {
        ClearBar clear => new Expr[] { new BarSpanRef(clear.Span) },
        DenseAdjointCall dense => Statements.OwnExpressions(dense).Select(e => ReferenceEquals(e, dense.Call) ? BoundsOfOutputs(dense.Call) : e),
        _ => Statements.OwnExpressions(statement),
    };

    /// <summary>
    /// The expressions whose values a statement reads; a zeroed adjoint's span names the adjoint, not the values, and the
    /// adjoint of a call that does not read its outputs (<c>ReadsOutputs = false</c>: a dense layer, an embedding) reads of
    /// them only their bounds.
    /// </summary>
    private static IEnumerable<Expr> OwnReads(Stmt statement) => statement switch
    {
        ClearBar clear => new Expr[] { new BarSpanRef(clear.Span) },
        AdjointCall { Call.Target.AdjointReadsOutputs: false } adjoint => Statements.OwnExpressions(adjoint).Select(e => ReferenceEquals(e, adjoint.Call) ? BoundsOfOutputs(adjoint.Call) : e),
        DenseAdjointCall { Call.Target.AdjointReadsOutputs: false } dense => Statements.OwnExpressions(dense).Select(e => ReferenceEquals(e, dense.Call) ? BoundsOfOutputs(dense.Call) : e),
        // A call's statement node is visited on its own; the wrapper itself reads nothing more.
        WholeBatchCall => System.Array.Empty<Expr>(),
        _ => Statements.OwnExpressions(statement),
    };

    /// <summary><paramref name="call"/> with each output argument standing for its bounds only (as the adjoint of a place: <see cref="BarSpanRef"/>).</summary>
    private static Expr BoundsOfOutputs(CallExpr call)
        => call with { Args = new ImmutableEquatableArray<Expr>(call.Args.Select((a, i) => Activity.RoleAt(call.Target, i) == ArgumentRole.Output ? new BarSpanRef(a) : a)) };

    /// <summary>Whether <paramref name="statement"/> does nothing but write buffers in <paramref name="dead"/>.</summary>
    private static bool IsDeadWrite(Stmt statement, HashSet<string> dead) => statement switch
    {
        Assign assign => Activity.Root(assign.Target) is { } root && dead.Contains(root),
        CallStmt call => WritesOnly(call.Call, dead),
        WholeBatchCall whole => WritesOnly(whole.Call.Call, dead),
        _ => false,
    };

    private static bool WritesOnly(CallExpr call, HashSet<string> dead)
    {
        var outputs = Differentiation.ReversePlan.OutputArgs(call).ToList();
        return outputs.Count > 0 && outputs.All(o => Activity.Root(o) is { } root && dead.Contains(root));
    }

    /// <summary>The names whose values <paramref name="expr"/> reads: of an adjoint place, only its indices.</summary>
    private static void Reads(Expr expr, HashSet<string> names, bool lengths = false)
    {
        switch (expr)
        {
            case LocalRef local:
                names.Add(local.Name);
                break;
            case LengthExpr { Target: LocalRef } length when !lengths:
                // A span's length is not its values: a loop bounded by a dead buffer's length leaves it dead.
                break;
            case BarRef bar:
                IndicesOf(bar.Place, names, lengths);
                break;
            case BarSpanRef bar:
                IndicesOf(bar.Span, names, lengths);
                break;
            default:
                foreach (var operand in Statements.Operands(expr)) Reads(operand, names, lengths);
                break;
        }
    }

    private static void IndicesOf(Expr place, HashSet<string> names, bool lengths)
    {
        switch (place)
        {
            case LocalRef or ParamRef:
                break;
            case ElementRef element:
                IndicesOf(element.Target, names, lengths);
                Reads(element.Index, names, lengths);
                if (element.Column is not null) Reads(element.Column, names, lengths);
                break;
            case SliceExpr slice:
                IndicesOf(slice.Target, names, lengths);
                Reads(slice.Start, names, lengths);
                if (slice.Length is not null) Reads(slice.Length, names, lengths);
                break;
            default:
                Reads(place, names, lengths);
                break;
        }
    }

    /// <summary><paramref name="statement"/> without its dead writes; null when nothing of it is left to run.</summary>
    private static Stmt? Without(Stmt statement, HashSet<string> dead)
    {
        switch (statement)
        {
            case Block block:
                var kept = new List<Stmt>();
                foreach (var s in block.Statements)
                {
                    var left = Without(s, dead);
                    if (left is null) continue;
                    // A trip count set in closed form needs no zeroing before it.
                    if (left is Assign { Target: LocalRef counter, Value: not Literal } && s is SweepLoop
                        && kept.Count > 0 && kept[kept.Count - 1] is Assign { Target: LocalRef zeroed, Op: AssignOperator.Set, Value: Literal { Value: 0 } }
                        && zeroed.Name == counter.Name)
                        kept.RemoveAt(kept.Count - 1);
                    kept.Add(left);
                }
                return new Block(new ImmutableEquatableArray<Stmt>(kept));
            case SweepLoop loop:
                var body = (Block)Without(loop.Body, dead)!;
                if (body.Statements.Count == 0) return null;
                return TripCount(loop, body) ?? loop with { Body = body };
            case SweepBranch branch:
                var then = (Block)Without(branch.Then, dead)!;
                var otherwise = branch.Else is null ? null : (Block)Without(branch.Else, dead)!;
                return then.Statements.Count == 0 && (otherwise is null || otherwise.Statements.Count == 0) ? null : branch with { Then = then, Else = otherwise };
            case PerQuery perQuery:
                var lanes = (Block)Without(perQuery.Body, dead)!;
                return lanes.Statements.Count == 0 ? null : perQuery with { Body = lanes };
            default:
                return IsDeadWrite(statement, dead) ? null : statement;
        }
    }

    /// <summary>
    /// A loop left with nothing to run but counting its trips (<c>loop2Count++</c>), as the count's closed form
    /// (<c>loop2Count = bound > start ? bound - start : 0</c>), for a unit step; null otherwise. Nothing in the body
    /// writes the bound, so it is the same at every trip.
    /// </summary>
    private static Stmt? TripCount(SweepLoop loop, Block body)
    {
        if (body.Statements.Count != 1 || body.Statements[0] is not CountIteration { Counter: var counter }) return null;
        var (start, bound) = (loop.Start, loop.Loop.Bound);
        (Expr From, Expr To, bool Inclusive)? range = (loop.Loop.Comparison, loop.Loop.Step) switch
        {
            (BinaryOperator.Less, 1) => (start, bound, false),
            (BinaryOperator.LessOrEqual, 1) => (start, bound, true),
            (BinaryOperator.Greater, -1) => (bound, start, false),
            (BinaryOperator.GreaterOrEqual, -1) => (bound, start, true),
            _ => null,
        };
        if (range is not { } r) return null;
        Expr span = new BinaryExpr(BinaryOperator.Subtract, r.To, r.From, ValueKind.Int);
        if (r.Inclusive) span = new BinaryExpr(BinaryOperator.Add, span, new Literal(1, ValueKind.Int), ValueKind.Int);
        var nonEmpty = new BinaryExpr(r.Inclusive ? BinaryOperator.GreaterOrEqual : BinaryOperator.Greater, r.To, r.From, ValueKind.Bool);
        return new Assign(counter, AssignOperator.Set, new ConditionalExpr(nonEmpty, span, new Literal(0, ValueKind.Int), ValueKind.Int), false);
    }
}
