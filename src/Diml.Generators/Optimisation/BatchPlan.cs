using System.Collections.Generic;
using System.Linq;
using Diml.Generators.Ir;
using Diml.Generators.Model;

using Diml.Generators.Analysis;

namespace Diml.Generators.Optimisation;

/// <summary>
/// Uniformity analysis for batched (SPMD) kernels: which values vary from query to query — the query inputs
/// (joint action, agent, own action, opponent counts), the outputs, and everything computed from them — and
/// which are the same for the whole batch (parameters, constants, loop counters, lengths). A kernel can be
/// batched when all its control flow is uniform: every query then runs the same statements, so each
/// statement becomes one loop over the queries, and a dense layer over varying inputs becomes one
/// matrix–matrix product.
/// </summary>
internal sealed class BatchPlan
{
    private readonly HashSet<string> _varying = new();
    private readonly Dictionary<string, (string Base, Expr Start, Expr? Length)> _aliases = new();

    private BatchPlan() { }

    /// <summary>Why the kernel cannot be batched, or null when it can.</summary>
    public string? Obstacle { get; private set; }

    /// <summary>The query inputs, the outputs and every local that depends on them.</summary>
    public bool IsVarying(string name) => _varying.Contains(name);

    /// <summary>
    /// The part of a per-query buffer a varying span expression names: the buffer, the start within a query's
    /// row, and the length (null: to the end of the row).
    /// </summary>
    public (string Buffer, Expr Start, Expr? Length) Resolve(Expr span)
    {
        switch (span)
        {
            case LocalRef local when _aliases.TryGetValue(local.Name, out var alias):
                return alias;
            case LocalRef local:
                return (local.Name, new Literal(0, ValueKind.Int), null);
            case SliceExpr slice:
            {
                var (buffer, start, _) = Resolve(slice.Target);
                var begin = start is Literal { Value: 0 } ? slice.Start : new BinaryExpr(BinaryOperator.Add, start, slice.Start, ValueKind.Int);
                return (buffer, begin, slice.Length);
            }
            default:
                throw new System.InvalidOperationException("Not a span over a per-query buffer: " + span.GetType().Name);
        }
    }

    /// <summary>The buffer a varying span name stands for (itself, or what its alias names).</summary>
    public string Buffer(string name) => _aliases.TryGetValue(name, out var alias) ? alias.Base : name;

    /// <summary>
    /// The plan of <paramref name="method"/>; with <paramref name="ownActionHoisting"/> (an anonymous payoff, asked for every
    /// own action of a context in a row) also its <see cref="Shared"/> layers.
    /// </summary>
    public static BatchPlan Analyze(KernelMethod method, bool ownActionHoisting = false)
    {
        var plan = new BatchPlan();
        foreach (var p in method.Parameters)
            if (System.Array.IndexOf(EmittedNames.Reserved, p.Name) >= 0 || p.Name.EndsWith("Stride", System.StringComparison.Ordinal))
                plan.Obstacle = "the parameter '" + p.Name + "' has a name the batched kernel uses itself";
            else if (p.Kind is ParameterKind.IntScalar or ParameterKind.IntSpanInput or ParameterKind.RealSpanOutput)
                plan._varying.Add(p.Name);
            else
                plan.Obstacle = "the kernel has an input '" + p.Name + "' that is not a query input";

        plan.Propagate(method);
        if (plan.Obstacle is null) plan.CheckControl(method.Body);
        if (plan.Obstacle is null && ownActionHoisting) plan.Shared = ContextHoisting.Analyze(method, plan);
        if (plan.Obstacle is null) plan.FindKeptLayers(method);
        return plan;
    }

    private readonly Dictionary<CallExpr, int> _kept = new(Parsing.ReferenceComparer<CallExpr>.Instance);

    /// <summary>
    /// The number of a dense layer whose output the batched forward keeps for the adjoint (<c>ActivationStore</c>), or −1:
    /// every top-level batched dense layer that writes a whole per-query buffer, numbered in program order. The adjoint's
    /// forward sweep reads a kept output back instead of multiplying again, when the caller kept it.
    /// </summary>
    public int KeptLayer(CallExpr call) => _kept.TryGetValue(call, out int index) ? index : -1;

    private void FindKeptLayers(KernelMethod method)
    {
        foreach (var statement in method.Body.Statements)
            if (statement is CallStmt { Call: var call } && Classify(call) == BatchedCall.Dense
                && call.Args[call.Args.Count - 1] is LocalRef { Name: var output } && Buffer(output) == output)
                _kept[call] = _kept.Count;
    }

    /// <summary>Keeps only the layers among <paramref name="recomputed"/> (those the adjoint would compute again), renumbered in program order.</summary>
    public void KeepOnly(IEnumerable<CallExpr> recomputed)
    {
        var wanted = new HashSet<CallExpr>(recomputed, Parsing.ReferenceComparer<CallExpr>.Instance);
        var layers = _kept.OrderBy(p => p.Value).Select(p => p.Key).Where(wanted.Contains).ToList();
        _kept.Clear();
        foreach (var layer in layers) _kept[layer] = _kept.Count;
    }

    /// <summary>
    /// What depends on the parameter <paramref name="seed"/> alone, by the rules that find what varies: the plan of a
    /// kernel whose only query input is <paramref name="seed"/> (its <see cref="Obstacle"/> is not looked at).
    /// </summary>
    public static BatchPlan DependentsOf(KernelMethod method, string seed)
    {
        var plan = new BatchPlan();
        plan._varying.Add(seed);
        plan.Propagate(method);
        return plan;
    }

    /// <summary>
    /// The dense layers whose input holds a block of columns that does not depend on the counterfactual own action
    /// (<see cref="ContextHoisting"/>): that block's product runs once per run of queries with equal counts, and the other
    /// block's, when it depends on the own action alone, once per own action of the batch.
    /// </summary>
    public ContextHoisting.Result Shared { get; private set; } = ContextHoisting.Result.None;

    private void Propagate(KernelMethod method)
    {
        var statements = Statements.All(method.Body).ToList();
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var statement in statements) Visit(statement, ref changed);
        }
    }

    /// <summary>Marks what one statement makes varying (loop and branch bodies are visited on their own).</summary>
    private void Visit(Stmt statement, ref bool changed)
    {
        switch (statement)
        {
            case DeclareLocal { Init: { } init } declare when IsVarying(init):
                changed |= _varying.Add(declare.Name);
                if (declare.Kind == ValueKind.Bool) Obstacle = "the bool '" + declare.Name + "' varies across queries";
                break;
            case Assign assign:
                if (Activity.Root(assign.Target) is { } target && (IsVarying(assign.Value) || (assign.Target is ElementRef e && (IsVarying(e.Index) || (e.Column is not null && IsVarying(e.Column))))))
                    changed |= _varying.Add(target);
                break;
            case SpanAlias alias:
                if (Activity.Root(alias.Value) is { } root && _varying.Contains(root) && !_aliases.ContainsKey(alias.Name))
                {
                    _varying.Add(alias.Name);
                    if (alias.Value is LocalRef or SliceExpr) _aliases[alias.Name] = Resolve(alias.Value);
                    else Obstacle = "a span alias of an unsupported form";
                    changed = true;
                }
                break;
            case CallStmt call:
                if (call.Call.Args.Any(IsVarying))
                    for (int i = 0; i < call.Call.Args.Count; i++)
                        if (Activity.RoleAt(call.Call.Target, i) == ArgumentRole.Output && Activity.Root(call.Call.Args[i]) is { } output)
                            changed |= _varying.Add(output);
                break;
        }
    }

    /// <summary>Every loop bound, branch condition, stackalloc size and slice bound must be the same for all queries.</summary>
    private void CheckControl(Stmt statement)
    {
        switch (statement)
        {
            case Block block:
                foreach (var s in block.Statements) CheckControl(s);
                break;
            case ForLoop loop:
                if (IsVarying(loop.Start) || IsVarying(loop.Bound)) Obstacle = "the bounds of the loop over '" + loop.Variable + "' vary across queries";
                CheckControl(loop.Body);
                break;
            case IfStmt branch:
                if (IsVarying(branch.Condition)) Obstacle = "an 'if' condition varies across queries";
                CheckControl(branch.Then);
                if (branch.Else is not null) CheckControl(branch.Else);
                break;
            case StackAlloc alloc:
                if (IsVarying(alloc.Size)) Obstacle = "the size of '" + alloc.Name + "' varies across queries";
                break;
            case SpanAlias alias when IsVarying(alias.Name):
                if (SliceBoundsVary(alias.Value)) Obstacle = "the bounds of span alias '" + alias.Name + "' vary across queries";
                break;
            case ReturnStmt { Value: null }:
                break;
        }
    }

    private bool SliceBoundsVary(Expr span) => span is SliceExpr slice
        && (IsVarying(slice.Start) || (slice.Length is not null && IsVarying(slice.Length)) || SliceBoundsVary(slice.Target));

    /// <summary>How a call over varying arguments runs for the whole batch.</summary>
    public BatchedCall Classify(CallExpr call)
    {
        var target = call.Target;
        var args = call.Args;
        if (target.Batch == BatchedForm.Dense && args.Count is 3 or 4)
        {
            bool hasBias = args.Count == 4;
            var weights = args[0];
            var bias = hasBias ? args[1] : null;
            var input = args[hasBias ? 2 : 1];
            var output = args[hasBias ? 3 : 2];
            if (!IsVarying(weights) && (bias is null || !IsVarying(bias)) && IsVaryingSpan(input) && IsVaryingSpan(output))
                return BatchedCall.Dense;
        }
        if (target.Batch == BatchedForm.Elementwise && args.All(a => a is LocalRef local && IsVaryingSpan(a) && Buffer(local.Name) == local.Name))
            return BatchedCall.Elementwise;
        return BatchedCall.PerQuery;
    }

    private bool IsVaryingSpan(Expr span) => span.Kind is ValueKind.RealSpan && Activity.Root(span) is { } root && IsVarying(root);

    /// <summary>Whether the value of <paramref name="expr"/> can differ between queries (lengths never do).</summary>
    public bool IsVarying(Expr expr) => expr switch
    {
        LocalRef local => _varying.Contains(local.Name),
        ElementRef element => IsVarying(element.Target) || IsVarying(element.Index) || (element.Column is not null && IsVarying(element.Column)),
        SliceExpr slice => IsVarying(slice.Target) || IsVarying(slice.Start) || (slice.Length is not null && IsVarying(slice.Length)),
        LengthExpr => false,
        UnaryExpr unary => IsVarying(unary.Operand),
        BinaryExpr binary => IsVarying(binary.Left) || IsVarying(binary.Right),
        ConditionalExpr conditional => IsVarying(conditional.Condition) || IsVarying(conditional.WhenTrue) || IsVarying(conditional.WhenFalse),
        CastExpr cast => IsVarying(cast.Operand),
        MathCall math => math.Args.Any(IsVarying),
        CallExpr call => call.Args.Any(IsVarying),
        _ => false,
    };
}

/// <summary>How a primitive call over varying arguments is batched.</summary>
internal enum BatchedCall
{
    /// <summary>One call per query.</summary>
    PerQuery,
    /// <summary>One matrix–matrix product for the whole batch.</summary>
    Dense,
    /// <summary>One call over whole buffers: the primitive maps element by element.</summary>
    Elementwise,
}
