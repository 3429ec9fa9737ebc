using System.Collections.Generic;
using System.Linq;
using Diml.Generators.Analysis;
using Diml.Generators.Ir;
using Diml.Generators.Model;
using Diml.Generators.Parsing;

namespace Diml.Generators.Differentiation;

/// <summary>
/// Adjoint liveness of a dense layer's input adjoint: which part of <c>inputBar</c> the rest of the reverse sweep reads
/// after the layer's adjoint has added <c>Wᵀ·outputBar</c> into it. Only the reverses of the statements that wrote
/// active values into the input before the layer read it — a primitive's adjoint reads its output's bar, over the
/// slice it wrote. Writes of inactive values (data: the first layer's opponent shares) only zero their bar, so the
/// product into those columns is dead work. When every active write before the layer is one slice
/// <c>input.Slice(start, length)</c> with bounds that never change, the layer's adjoint computes that window only;
/// when there is none, it computes no input adjoint at all.
/// </summary>
/// <remarks>
/// Conservative by construction: the layer must be a top-level statement (no later loop iteration reads its bar), the
/// input a local buffer (no caller reads its bar) that no span alias names, and every other active write into it
/// makes the whole adjoint live.
/// </remarks>
internal static class InputBarWindows
{
    /// <summary>A window of a dense layer's input adjoint: <c>Start</c> and <c>Length</c> in the input's elements; none (null) for no input adjoint at all.</summary>
    internal sealed record Window(Expr Start, Expr Length);

    /// <summary>The top-level dense layers of <paramref name="method"/> whose input adjoint is needed over a window only (or not at all: a null window).</summary>
    public static Dictionary<CallStmt, Window?> Analyze(KernelMethod method, Activity activity)
    {
        var windows = new Dictionary<CallStmt, Window?>(ReferenceComparer<CallStmt>.Instance);
        var body = method.Body;
        var all = Statements.All(body).ToList();
        var buffers = new HashSet<string>(body.Statements.OfType<StackAlloc>().Select(a => a.Name));
        var aliased = new HashSet<string>(all.OfType<SpanAlias>().Select(a => Activity.Root(a.Value)).Where(r => r is not null).Select(r => r!));
        var stable = StableScalars.Of(method);

        for (int index = 0; index < body.Statements.Count; index++)
        {
            if (body.Statements[index] is not CallStmt { Call: var call } dense
                || call.Target.Kind != CallKind.CustomAdjoint || call.Target.Batch != BatchedForm.Dense || call.Args.Count is not (3 or 4))
                continue;
            if (call.Args[call.Args.Count - 2] is not LocalRef { Name: var input } || !buffers.Contains(input) || aliased.Contains(input)
                || !activity.IsActiveName(input))
                continue;

            var read = new List<Window>();
            bool whole = false;
            foreach (var before in body.Statements.Take(index).SelectMany(Statements.All))
                whole |= ReadsBar(before, input, activity, stable, read);
            if (whole) continue;
            var distinct = read.Distinct().ToList();
            if (distinct.Count == 0) windows[dense] = null;
            else if (distinct.Count == 1) windows[dense] = distinct[0];
        }
        return windows;
    }

    /// <summary>
    /// Adds to <paramref name="read"/> the window of <paramref name="input"/>'s adjoint the reverse of <paramref name="statement"/>
    /// reads; returns true when it may read more than a window (an element written with an active value, a slice with
    /// changing bounds, the whole buffer).
    /// </summary>
    private static bool ReadsBar(Stmt statement, string input, Activity activity, HashSet<string> stable, List<Window> read)
    {
        switch (statement)
        {
            case Assign assign when Activity.Root(assign.Target) == input:
                // x[i] = data zeroes its adjoint (x[i] += data leaves it alone); an active value reads it.
                return activity.IsActive(assign.Value);
            case CallStmt { Call: var call } when call.Target.Kind != CallKind.Constant:
            {
                bool active = false;
                for (int i = 0; i < call.Args.Count; i++)
                    if (Activity.RoleAt(call.Target, i) is ArgumentRole.Input or ArgumentRole.InputSpan && activity.IsActive(call.Args[i]))
                        active = true;
                for (int i = 0; i < call.Args.Count; i++)
                {
                    if (Activity.RoleAt(call.Target, i) != ArgumentRole.Output || Activity.Root(call.Args[i]) != input) continue;
                    // An inactive call's outputs are data: their adjoints are only cleared.
                    if (!active) continue;
                    if (call.Args[i] is SliceExpr { Target: LocalRef, Length: { } length } slice && StableScalars.IsStable(slice.Start, stable) && StableScalars.IsStable(length, stable))
                        read.Add(new Window(slice.Start, length));
                    else
                        return true;
                }
                return false;
            }
            default:
                return false;
        }
    }
}
