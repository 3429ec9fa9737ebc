using System.Collections.Generic;
using System.Linq;
using Diml.Generators.Analysis;
using Diml.Generators.Ir;
using Diml.Generators.Model;
using Diml.Generators.Parsing;

namespace Diml.Generators.Optimisation;

/// <summary>
/// Loop-invariant code motion over the own-action set (DESIGN §2.2, optimise): an anonymous mechanism is asked for
/// every own action of one opponent-count vector in a row, and whatever a dense layer's input holds that does not depend
/// on the own action is the same for all of them. When a batched dense layer's input row splits into two adjacent
/// blocks — one written only from values that do not depend on the own-action parameter (the context block: the
/// opponent shares), the other holding everything else (the own block: the own action's embedding) — the context block's
/// part of the product is computed once per run of queries with equal counts instead of once per query, and the own
/// block's, when it reads nothing but the own action, once per own action of the batch (<c>BatchedDense.Forward</c> and
/// <c>Adjoint</c> with <c>SharedColumns</c>, grouped by <c>BatchGroups</c>).
/// </summary>
/// <remarks>
/// <para>Applied to anonymous payoffs, <c>float Payoff(int ownAction, ReadOnlySpan&lt;int&gt; opponentCounts)</c>: runs are
/// queries in a row with equal counts, which is how the runtime asks (every own action of a context in turn). Nothing
/// depends on it asking so: a batch whose queries all differ has runs of one, and each query's result depends on that
/// query alone.</para>
/// <para>Conservative by construction: the layer is a top-level statement whose input is a whole top-level buffer that no
/// span alias names, and every write into that buffer before the layer is a slice output of a call or an element written in
/// a counted loop (<c>for (v = 0; v &lt; n; v++) x[b + v] = …</c>) with bounds that never change; any other write leaves the
/// layer as it was. Dependence on the own action and on the counts is <see cref="BatchPlan.DependentsOf"/>, the rules that
/// find what varies, seeded with one parameter.</para>
/// </remarks>
internal static class ContextHoisting
{
    /// <summary>Input columns <c>[Start, Start + Length)</c> of a dense layer.</summary>
    internal sealed record Columns(Expr Start, Expr Length);

    /// <summary>
    /// A hoisted layer: its context block (equal for every query of a run) and, when the other block depends on the own
    /// action alone (an embedding), that block (equal for every query of one own action); null when it also reads the counts.
    /// </summary>
    internal sealed record HoistedLayer(Columns Context, Columns? OwnAction);

    /// <summary>The hoisted layers of a kernel and the query input whose equal rows make a run.</summary>
    internal sealed class Result
    {
        public static readonly Result None = new(null, null, new Dictionary<CallExpr, HoistedLayer>(ReferenceComparer<CallExpr>.Instance));

        public Result(string? runInput, string? ownAction, Dictionary<CallExpr, HoistedLayer> layers)
        {
            RunInput = runInput;
            OwnAction = ownAction;
            Layers = layers;
        }

        /// <summary>The query input whose equal rows make a run (null: nothing is hoisted).</summary>
        public string? RunInput { get; }

        /// <summary>The own-action parameter, when some layer's own block depends on it alone (null otherwise).</summary>
        public string? OwnAction { get; }

        /// <summary>The hoisted dense layers, by call.</summary>
        public IReadOnlyDictionary<CallExpr, HoistedLayer> Layers { get; }
    }

    /// <summary>A window of a buffer's row that one statement writes, and whether the values depend on the own action and on the counts.</summary>
    private sealed record Write(Expr Start, Expr Length, bool Own, bool Counts);

    public static Result Analyze(KernelMethod method, BatchPlan plan)
    {
        var own = method.Parameters.Where(p => p.Kind == ParameterKind.IntScalar).ToList();
        var runInputs = method.Parameters.Where(p => p.Kind == ParameterKind.IntSpanInput).ToList();
        if (own.Count != 1 || runInputs.Count != 1 || method.Parameters.Count(p => p.Kind != ParameterKind.RealSpanOutput) != 2)
            return Result.None;

        var dependsOnOwn = BatchPlan.DependentsOf(method, own[0].Name);
        var dependsOnCounts = BatchPlan.DependentsOf(method, runInputs[0].Name);
        var body = method.Body.Statements;
        var sizes = body.OfType<StackAlloc>().Where(a => a.Kind == ValueKind.RealSpan && plan.IsVarying(a.Name)).GroupBy(a => a.Name)
            .Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.First().Size);
        var aliased = new HashSet<string>(Statements.All(method.Body).OfType<SpanAlias>().Select(a => Activity.Root(a.Value)).Where(r => r is not null).Select(r => r!));
        var stable = StableScalars.Of(method);
        var writes = new Dictionary<string, List<Write>>();
        var unknown = new HashSet<string>(aliased);
        var layers = new Dictionary<CallExpr, HoistedLayer>(ReferenceComparer<CallExpr>.Instance);

        foreach (var statement in body)
        {
            if (statement is CallStmt { Call: var call } && plan.Classify(call) == BatchedCall.Dense
                && call.Args[call.Args.Count - 2] is LocalRef { Name: var input } && sizes.TryGetValue(input, out var size) && !unknown.Contains(input)
                && writes.TryGetValue(input, out var written) && Split(written, size) is { } shared)
                layers[call] = shared;
            Record(statement, null, dependsOnOwn, dependsOnCounts, stable, writes, unknown);
        }
        if (layers.Count == 0) return Result.None;
        return new Result(runInputs[0].Name, layers.Values.Any(l => l.OwnAction is not null) ? own[0].Name : null, layers);
    }

    /// <summary>
    /// The blocks when the writes split the row <c>[0, size)</c> into two adjacent windows, one written from
    /// own-action-independent values only (the context block) and the other holding every own-dependent write (the own
    /// block, kept when none of its writes reads the counts); null otherwise.
    /// </summary>
    private static HoistedLayer? Split(List<Write> written, Expr size)
    {
        var owns = written.Where(w => w.Own).Select(w => (w.Start, w.Length)).Distinct().ToList();
        var contexts = written.Where(w => !w.Own).Select(w => (w.Start, w.Length)).Distinct().ToList();
        if (owns.Count != 1 || contexts.Count != 1) return null;
        var (first, second) = owns[0].Start is Literal { Value: 0 } ? (owns[0], contexts[0]) : (contexts[0], owns[0]);
        if (first.Start is not Literal { Value: 0 } || !second.Start.Equals(first.Length)
            || !size.Equals(new BinaryExpr(BinaryOperator.Add, first.Length, second.Length, ValueKind.Int)))
            return null;
        var context = new Columns(contexts[0].Start, contexts[0].Length);
        // Every write lands in one of the two windows (one distinct window each), so the own block holds only own writes.
        bool ownOnly = written.Where(w => w.Own).All(w => !w.Counts);
        return new HoistedLayer(context, ownOnly ? new Columns(owns[0].Start, owns[0].Length) : null);
    }

    /// <summary>Records the windows <paramref name="statement"/> writes into buffers (<paramref name="loop"/>: the counted loop directly around it).</summary>
    private static void Record(Stmt statement, ForLoop? loop, BatchPlan dependsOnOwn, BatchPlan dependsOnCounts, HashSet<string> stable,
        Dictionary<string, List<Write>> writes, HashSet<string> unknown)
    {
        switch (statement)
        {
            case Block block:
                foreach (var s in block.Statements) Record(s, loop, dependsOnOwn, dependsOnCounts, stable, writes, unknown);
                break;
            case ForLoop inner:
                Record(inner.Body, IsCounted(inner, stable) ? inner : null, dependsOnOwn, dependsOnCounts, stable, writes, unknown);
                break;
            case Assign { Target: ElementRef { Target: LocalRef { Name: var buffer }, Index: var index, Column: null } } assign:
            {
                bool own = dependsOnOwn.IsVarying(assign.Value) || dependsOnOwn.IsVarying(index);
                bool counts = dependsOnCounts.IsVarying(assign.Value) || dependsOnCounts.IsVarying(index) || assign.Op != AssignOperator.Set;
                if (ElementWindow(index, loop, stable) is { } window) Add(writes, buffer, new Write(window.Start, window.Length, own, counts));
                else unknown.Add(buffer);
                break;
            }
            case Assign { Target: var target } when Activity.Root(target) is { } root:
                unknown.Add(root);
                break;
            case CallStmt { Call: var call }:
            {
                bool own = Enumerable.Range(0, call.Args.Count)
                    .Any(i => Activity.RoleAt(call.Target, i) != ArgumentRole.Output && dependsOnOwn.IsVarying(call.Args[i]));
                bool counts = Enumerable.Range(0, call.Args.Count)
                    .Any(i => Activity.RoleAt(call.Target, i) != ArgumentRole.Output && dependsOnCounts.IsVarying(call.Args[i]));
                for (int i = 0; i < call.Args.Count; i++)
                {
                    if (Activity.RoleAt(call.Target, i) != ArgumentRole.Output || Activity.Root(call.Args[i]) is not { } buffer) continue;
                    if (call.Args[i] is SliceExpr { Target: LocalRef, Length: { } length } slice && StableScalars.IsStable(slice.Start, stable) && StableScalars.IsStable(length, stable))
                        Add(writes, buffer, new Write(slice.Start, length, own, counts));
                    else
                        unknown.Add(buffer);
                }
                break;
            }
            case IfStmt branch:
                // Writes under a branch are not followed: whatever they write is left as it was.
                foreach (var s in Statements.All(branch))
                    foreach (var name in WrittenNames(s))
                        unknown.Add(name);
                break;
        }
    }

    /// <summary>The window an element write covers: <c>x[c]</c> with a stable <c>c</c>, or <c>x[v]</c> / <c>x[b + v]</c> over a counted loop's variable.</summary>
    private static Columns? ElementWindow(Expr index, ForLoop? loop, HashSet<string> stable)
    {
        if (loop is not null)
        {
            if (index is LocalRef { Name: var v } && v == loop.Variable)
                return new Columns(new Literal(0, ValueKind.Int), loop.Bound);
            if (index is BinaryExpr { Op: BinaryOperator.Add, Left: var start, Right: LocalRef { Name: var w } } && w == loop.Variable && StableScalars.IsStable(start, stable))
                return new Columns(start, loop.Bound);
            return null;
        }
        return StableScalars.IsStable(index, stable) ? new Columns(index, new Literal(1, ValueKind.Int)) : null;
    }

    /// <summary><c>for (v = 0; v &lt; n; v++)</c> with a bound that never changes.</summary>
    private static bool IsCounted(ForLoop loop, HashSet<string> stable) =>
        loop.Start is Literal { Value: 0 } && loop.Comparison == BinaryOperator.Less && loop.Step == 1 && StableScalars.IsStable(loop.Bound, stable);

    private static IEnumerable<string> WrittenNames(Stmt statement) => statement switch
    {
        Assign assign when Activity.Root(assign.Target) is { } root => new[] { root },
        CallStmt { Call: var call } => Enumerable.Range(0, call.Args.Count)
            .Where(i => Activity.RoleAt(call.Target, i) == ArgumentRole.Output).Select(i => Activity.Root(call.Args[i])).Where(r => r is not null).Select(r => r!),
        _ => System.Array.Empty<string>(),
    };

    private static void Add(Dictionary<string, List<Write>> writes, string buffer, Write write)
    {
        if (!writes.TryGetValue(buffer, out var list)) writes[buffer] = list = new List<Write>();
        list.Add(write);
    }
}
