using System.Collections.Generic;
using System.Linq;
using Diml.Generators.Analysis;
using Diml.Generators.Differentiation;
using Diml.Generators.Ir;
using Diml.Generators.Model;
using Diml.Generators.Optimisation;

namespace Diml.Generators.Emission;

/// <summary>
/// Emits the body of a reverse-mode adjoint: the locals hoisted to the top, then the forward and reverse sweeps
/// that <see cref="ReverseMode"/> builds as adjoint IR, printed by the one statement printer.
/// </summary>
/// <remarks>
/// The forward sweep runs the user's statements, saving on the tape the old value of every variable the
/// reverse sweep will read before it is overwritten, plus the trip count of each nested loop and the side
/// taken by each nested branch. The reverse sweep visits the statements backwards; after reversing a
/// statement it restores what the statement overwrote, so every statement is reversed in exactly the state
/// it ran in. Loops and branches that are not nested inside a loop keep their bookkeeping in locals.
/// </remarks>
internal sealed class AdjointEmitter
{
    private readonly KernelMethod _method;
    private readonly ExpressionPrinter _p;
    private readonly Activity _activity;
    private readonly ReversePlan _plan;
    private readonly ReverseMode _reverse;

    private readonly LaneEmitter? _lanes;
    private readonly HashSet<string> _unreadBuffers;
    private readonly Block _forwardSweep, _reverseSweep;

    /// <summary>
    /// A per-query adjoint, or with <paramref name="lanes"/> a batched one: every varying statement runs for all
    /// queries (forwards in the forward sweep, backwards in the reverse sweep, so the tape stays last-in first-out).
    /// <paramref name="ownsOutputs"/>: whether the adjoint allocates the kernel's outputs itself (a mechanism's or a
    /// rule's adjoint) rather than writing its caller's buffers (a helper's); only then may the forward sweep skip the
    /// writes to them nothing reads.
    /// </summary>
    public AdjointEmitter(KernelMethod method, ExpressionPrinter printer, Expr resultBar, bool ownsOutputs, LaneEmitter? lanes = null)
    {
        _method = method;
        _p = printer;
        _lanes = lanes;
        _plan = new ReversePlan(method);
        _activity = _plan.Activity;
        _reverse = new ReverseMode(_plan, lanes?.Plan);
        _reverseSweep = DeadBarClears.Remove(_reverse.ReverseSweep(method.Body, resultBar), method);
        var owned = Statements.All(method.Body).OfType<StackAlloc>().Select(a => a.Name);
        if (ownsOutputs) owned = owned.Concat(method.Parameters.Where(x => x.Kind == ParameterKind.RealSpanOutput).Select(x => x.Name));
        _forwardSweep = DeadForwardWrites.Remove(_reverse.ForwardSweep(method.Body), _reverseSweep, owned, out _unreadBuffers);
    }

    /// <summary>The batched calls the adjoint's forward sweep runs again (a dense layer among them can read its output back instead).</summary>
    public IEnumerable<CallExpr> RecomputedBatchCalls => Statements.All(_forwardSweep).OfType<WholeBatchCall>().Select(c => c.Call.Call);

    /// <summary>The derivative rules the emitted code applies, for the documentation.</summary>
    public SortedSet<string> Rules => _reverse.Rules;

    public Activity Activity => _activity;

    /// <summary>
    /// The buffers whose values the sweeps never read, so the forward sweep skips every write to them
    /// (<see cref="DeadForwardWrites"/>); an output among them need not be allocated.
    /// </summary>
    public IReadOnlyCollection<string> UnreadBuffers => _unreadBuffers;

    /// <summary>
    /// Whether the reverse sweep writes the adjoint of the output <paramref name="output"/> — zeroes it where the output
    /// is overwritten, or adds into it where the output is read again — and so needs its own copy of the caller's
    /// read-only adjoint; when it only reads it, the caller's serves. Conservative: a span alias of the output, or a call
    /// taking it other than as its output, counts as a write.
    /// </summary>
    public bool WritesAdjointOf(string output)
    {
        if (Statements.All(_method.Body).OfType<SpanAlias>().Any(a => Activity.Root(a.Value) == output)) return true;
        foreach (var statement in Statements.All(_reverseSweep))
        {
            switch (statement)
            {
                case Assign { Target: BarRef bar } when Activity.Root(bar.Place) == output:
                case ClearBar clear when Activity.Root(clear.Span) == output:
                    return true;
                case AdjointCall { Call: var call }:
                    if (TakesOtherThanAsOutput(call, output)) return true;
                    break;
                case DenseAdjointCall { Call: var call }:
                    if (TakesOtherThanAsOutput(call, output)) return true;
                    break;
                case ElementwiseAdjointCall { Call: var call }:
                    if (TakesOtherThanAsOutput(call, output)) return true;
                    break;
            }
        }
        return false;
    }

    private static bool TakesOtherThanAsOutput(CallExpr call, string output)
    {
        for (int i = 0; i < call.Args.Count; i++)
        {
            var names = new HashSet<string>();
            Names.Collect(call.Args[i], names);
            if (names.Contains(output) && Activity.RoleAt(call.Target, i) != ArgumentRole.Output) return true;
        }
        return false;
    }

    /// <summary>Writes hoisted locals, the forward sweep and the reverse sweep.</summary>
    public void EmitBody(SourceWriter output)
    {
        // The kept layers are known only once the plan has them (KernelEmitter.PlanKeptLayers asks this emitter first).
        var forwardSweep = _lanes is null ? _forwardSweep : KeptActivations.InAdjoint(_forwardSweep, _reverseSweep, _lanes.Plan);
        var reverseSweep = _reverseSweep;
        var hoisted = _reverse.Hoisted(_method.Body);
        var printer = ForwardEmitter.ForAdjoint(_p, _lanes);
        var forward = new SourceWriter();
        printer.Emit(forwardSweep, forward);
        var reverse = new SourceWriter();
        printer.Emit(reverseSweep, reverse);

        printer.Emit(hoisted, output);
        output.WriteLine();
        output.WriteLine("// Forward sweep: the user's statements, saving what the reverse sweep needs.");
        if (!forward.IsEmpty) output.Append(forward);
        output.WriteLine();
        output.WriteLine("// Reverse sweep: statements in reverse order, each propagating its result's adjoint to its operands.");
        if (!reverse.IsEmpty) output.Append(reverse);
    }
}
