using System.Collections.Generic;
using System.Linq;
using Diml.Generators.Analysis;
using Diml.Generators.Ir;
using Diml.Generators.Model;
using Diml.Generators.Parsing;

namespace Diml.Generators.Differentiation;

/// <summary>
/// Adjoint liveness of an overwritten element: reverse mode zeroes <c>xBar[i]</c> after reversing <c>x[i] = …</c>, so that
/// the statements reversed after it — those that ran before it — see the adjoint <c>x[i]</c> had before the write. When
/// none of them reads that element's adjoint, the zeroing is a dead store: the anonymous-count MLP fills the shares part
/// of its first layer's input, <c>input[size + k] = counts[k] · share</c>, after the embedding wrote
/// <c>input.Slice(0, size)</c>, and zeroing the shares' adjoints was a whole reverse loop of dead stores per query.
/// </summary>
/// <remarks>
/// Conservative by construction. The write must be <c>buffer[index] = value</c> into a local buffer no span alias names
/// (no caller reads its adjoint), either at top level or directly in one top-level loop with unit step whose variable
/// appears in the index with coefficient 1 (each trip writes another element, so no trip's zeroing serves another);
/// nothing else in that statement, the written value included, may mention the buffer; and every mention of the buffer
/// by an earlier top-level statement must be an element or a slice whose index range provably lies apart from the
/// written one — compared as affine forms over stable scalars (<see cref="StableScalars"/>), loop variables bounded by
/// their loops.
/// </remarks>
internal static class BarZeroing
{
    /// <summary>
    /// The assignments of <paramref name="method"/> whose reverse need not zero the overwritten element's adjoint. The
    /// outputs' elements are candidates like a stackalloc's: the caller passes an output's adjoint read-only (an adjoint
    /// that writes it works on its own copy, <c>nextBarWork</c>), so no caller reads what the reverse sweep leaves in it.
    /// </summary>
    public static HashSet<Assign> Unneeded(KernelMethod method)
    {
        var unneeded = new HashSet<Assign>(ReferenceComparer<Assign>.Instance);
        var body = method.Body;
        var all = Statements.All(body).ToList();
        var buffers = new HashSet<string>(all.OfType<StackAlloc>().Select(a => a.Name));
        buffers.UnionWith(method.Parameters.Where(x => x.Kind == ParameterKind.RealSpanOutput).Select(x => x.Name));
        buffers.ExceptWith(all.OfType<SpanAlias>().Select(a => Activity.Root(a.Value)).Where(r => r is not null).Select(r => r!));
        var stable = StableScalars.Of(method);

        for (int index = 0; index < body.Statements.Count; index++)
        {
            var top = body.Statements[index];
            var loops = new Dictionary<string, ForLoop>();
            Assign? write = top switch
            {
                Assign a => a,
                ForLoop loop when loop.Step == 1 && loop.Comparison is BinaryOperator.Less or BinaryOperator.LessOrEqual => Single(loop, loops),
                _ => null,
            };
            if (write is not { Op: AssignOperator.Set, Target: ElementRef { Target: LocalRef { Name: var buffer }, Column: null, Index: var target } }
                || !buffers.Contains(buffer))
                continue;
            if (Mentions(write.Value, buffer) || Mentions(target, buffer)
                || Statements.All(top).Where(s => !ReferenceEquals(s, write) && s is not Block and not ForLoop).Any(s => Mentions(s, buffer))
                || top is ForLoop outer && (Mentions(outer.Start, buffer) || Mentions(outer.Bound, buffer)))
                continue;
            var written = Range(target, loops, stable, injective: true);
            if (written is null) continue;

            bool apart = true;
            foreach (var before in body.Statements.Take(index))
            {
                var beforeLoops = new Dictionary<string, ForLoop>();
                foreach (var loop in Statements.All(before).OfType<ForLoop>()) beforeLoops[loop.Variable] = loop;
                foreach (var place in Places(before, buffer))
                {
                    var range = place switch
                    {
                        // An index into a slice of the buffer counts from the slice's start: not compared, so not apart.
                        ElementRef { Target: LocalRef, Column: null } element => Range(element.Index, beforeLoops, stable, injective: false),
                        SliceExpr { Target: LocalRef, Length: { } length } slice => Slice(slice.Start, length, beforeLoops, stable),
                        _ => null,
                    };
                    if (range is null || !Apart(range.Value, written.Value)) apart = false;
                }
                if (!apart) break;
            }
            if (apart) unneeded.Add(write);
        }
        return unneeded;
    }

    /// <summary>The one assignment of a loop body that is nothing else, with the loop recorded.</summary>
    private static Assign? Single(ForLoop loop, Dictionary<string, ForLoop> loops)
    {
        if (loop.Body.Statements.Count != 1 || loop.Body.Statements[0] is not Assign assign) return null;
        loops[loop.Variable] = loop;
        return assign;
    }

    private static bool Mentions(Stmt statement, string name)
        => Statements.OwnExpressions(statement).Any(e => Mentions(e, name))
           || statement is StackAlloc alloc && alloc.Name == name || statement is SpanAlias alias && alias.Name == name;

    private static bool Mentions(Expr expr, string name) => Statements.Descendants(expr).Any(e => e is LocalRef local && local.Name == name);

    /// <summary>Every place in <paramref name="statement"/> that names <paramref name="buffer"/>: an element, a slice, or the whole span.</summary>
    private static IEnumerable<Expr> Places(Stmt statement, string buffer)
    {
        foreach (var s in Statements.All(statement))
        {
            if (s is StackAlloc alloc && alloc.Name == buffer) continue; // allocating reads nothing
            foreach (var expr in Statements.OwnExpressions(s))
                foreach (var place in PlacesIn(expr, buffer)) yield return place;
        }
    }

    private static IEnumerable<Expr> PlacesIn(Expr expr, string buffer)
    {
        if (expr is ElementRef or SliceExpr or LocalRef && Activity.Root(expr) == buffer)
        {
            yield return expr;
            yield break;
        }
        foreach (var operand in Statements.Operands(expr))
            foreach (var place in PlacesIn(operand, buffer)) yield return place;
    }

    // ------------------------------------------------------------ affine index ranges

    /// <summary>An affine form: a constant plus stable scalar expressions, each with a coefficient.</summary>
    private sealed class Affine
    {
        public int Constant;
        public readonly Dictionary<Expr, int> Terms = new();

        public static Affine Of(int constant) => new() { Constant = constant };

        public Affine Plus(Affine other, int sign)
        {
            var sum = new Affine { Constant = Constant + sign * other.Constant };
            foreach (var term in Terms) sum.Terms[term.Key] = term.Value;
            foreach (var term in other.Terms)
                sum.Terms[term.Key] = (sum.Terms.TryGetValue(term.Key, out int c) ? c : 0) + sign * term.Value;
            return sum;
        }

        /// <summary>Whether this form is at least zero for every value of its terms: no term left, a constant ≥ 0.</summary>
        public bool SurelyNonNegative => Terms.Values.All(c => c == 0) && Constant >= 0;
    }

    /// <summary>A range of element indices, <c>[Low, High)</c>; <c>High</c> null when unbounded above.</summary>
    private readonly record struct IndexRange(Affine Low, Affine? High);

    private static bool Apart(IndexRange a, IndexRange b)
        => (a.High is { } aHigh && b.Low.Plus(aHigh, -1).SurelyNonNegative) || (b.High is { } bHigh && a.Low.Plus(bHigh, -1).SurelyNonNegative);

    private static IndexRange? Slice(Expr start, Expr length, Dictionary<string, ForLoop> loops, HashSet<string> stable)
    {
        var from = Bounds(start, loops, stable);
        var size = Bounds(length, loops, stable);
        if (from is null || size is null || from.Value.High is null || size.Value.High is null) return null;
        return new IndexRange(from.Value.Low, from.Value.High.Plus(size.Value.High, 1));
    }

    /// <summary>
    /// The indices <paramref name="index"/> takes; with <paramref name="injective"/>, null unless it is one loop variable
    /// with coefficient 1 plus stable scalars (or stable scalars only).
    /// </summary>
    private static IndexRange? Range(Expr index, Dictionary<string, ForLoop> loops, HashSet<string> stable, bool injective)
    {
        if (injective && loops.Count > 0 && !IsVariablePlusStable(index, loops.Keys.Single(), stable)) return null;
        var bounds = Bounds(index, loops, stable);
        if (bounds is null) return null;
        // An element: one index, [i, i + 1).
        return new IndexRange(bounds.Value.Low, bounds.Value.High?.Plus(Affine.Of(1), 1));
    }

    private static bool IsVariablePlusStable(Expr index, string variable, HashSet<string> stable) => index switch
    {
        LocalRef local when local.Name == variable => true,
        BinaryExpr { Op: BinaryOperator.Add } add => IsVariablePlusStable(add.Left, variable, stable) && StableScalars.IsStable(add.Right, stable)
                                                   || StableScalars.IsStable(add.Left, stable) && IsVariablePlusStable(add.Right, variable, stable),
        _ => false,
    };

    /// <summary>The least and the greatest value of an int expression (inclusive; the greatest null when unbounded).</summary>
    private static (Affine Low, Affine? High)? Bounds(Expr expr, Dictionary<string, ForLoop> loops, HashSet<string> stable)
    {
        switch (expr)
        {
            case Literal { Kind: ValueKind.Int } literal:
                return (Affine.Of((int)literal.Value), Affine.Of((int)literal.Value));
            case LocalRef local when loops.TryGetValue(local.Name, out var loop):
            {
                // for (v = start; v < bound; v++): start ≤ v ≤ bound − 1 (≤ bound for <=).
                if (loop.Step != 1) return null;
                var start = Bounds(loop.Start, loops, stable);
                if (start is null) return null;
                var bound = Bounds(loop.Bound, loops, stable);
                Affine? high = bound?.High is { } b ? (loop.Comparison == BinaryOperator.Less ? b.Plus(Affine.Of(1), -1) : b) : null;
                return (start.Value.Low, high);
            }
            case BinaryExpr { Op: BinaryOperator.Add or BinaryOperator.Subtract } binary:
            {
                var left = Bounds(binary.Left, loops, stable);
                var right = Bounds(binary.Right, loops, stable);
                if (left is null || right is null) return null;
                if (binary.Op == BinaryOperator.Add)
                    return (left.Value.Low.Plus(right.Value.Low, 1), left.Value.High is { } lh && right.Value.High is { } rh ? lh.Plus(rh, 1) : null);
                if (right.Value.High is null) return null;
                return (left.Value.Low.Plus(right.Value.High, -1), left.Value.High?.Plus(right.Value.Low, -1));
            }
            default:
                if (expr.Kind != ValueKind.Int || !StableScalars.IsStable(expr, stable)) return null;
                var term = new Affine();
                term.Terms[expr] = 1;
                return (term, term);
        }
    }
}
