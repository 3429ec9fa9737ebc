using System.Collections.Generic;
using System.Linq;
using Diml.Generators.Analysis;
using Diml.Generators.Ir;
using Diml.Generators.Model;

namespace Diml.Generators.Optimisation;

/// <summary>
/// A pass over adjoint IR: drops the zeroing of a local buffer's adjoint (<c>h2Bar.Clear()</c> after the reverse of
/// the call that wrote <c>h2</c>) when nothing later in the reverse sweep mentions the buffer again. Reverse mode zeroes
/// an overwritten output's adjoint so that the statements reversed after it see the adjoint it had before the write;
/// when there are none, the zeroing is a dead store — for the MLPs, a memset of every hidden layer's adjoint per query
/// or per batch.
/// </summary>
/// <remarks>
/// Only top-level statements of the reverse sweep are dropped, and only for buffers no caller reads the adjoints of —
/// the kernel's own stackallocs, and its outputs, whose adjoint the caller passes read-only (an adjoint that writes it
/// works on its own copy, <c>payoffsBarWork</c>) — and that no span alias names (an alias's adjoint would mention another name).
/// <see cref="Differentiation.BarZeroing"/> decides the same for single elements, before the sweep is built.
/// </remarks>
internal static class DeadBarClears
{
    public static Block Remove(Block reverseSweep, KernelMethod method)
    {
        var all = Statements.All(method.Body).ToList();
        var local = new HashSet<string>(all.OfType<StackAlloc>().Select(a => a.Name));
        local.UnionWith(method.Parameters.Where(x => x.Kind == ParameterKind.RealSpanOutput).Select(x => x.Name));
        local.ExceptWith(all.OfType<SpanAlias>().Select(a => Activity.Root(a.Value)).Where(r => r is not null).Select(r => r!));

        var statements = reverseSweep.Statements;
        var keep = new bool[statements.Count];
        var mentionedLater = new HashSet<string>();
        for (int i = statements.Count - 1; i >= 0; i--)
        {
            var statement = statements[i];
            bool dead = statement is ClearBar clear && Activity.Root(clear.Span) is { } root && local.Contains(root) && !mentionedLater.Contains(root);
            keep[i] = !dead;
            if (!dead) Names.Collect(statement, mentionedLater);
        }
        return keep.All(k => k) ? reverseSweep : new Block(new ImmutableEquatableArray<Stmt>(statements.Where((_, i) => keep[i]).ToList()));
    }
}
