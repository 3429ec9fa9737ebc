using System.Collections.Generic;
using Diml.Generators.Ir;
using Diml.Generators.Parsing;

using Diml.Generators.Analysis;

namespace Diml.Generators.Differentiation;

/// <summary>
/// What the reverse sweep reads, and so what the forward sweep must record (Tapenade's to-be-recorded analysis).
/// The reverse sweep recomputes partial derivatives from the values the variables had when the forward
/// statement ran. A statement that overwrites <c>x</c> must push the old <c>x</c> on the tape, and its reverse
/// pop it, only when the reverse of some statement that ran before it — earlier in program order, itself, or any
/// statement of the same outermost loop (an earlier iteration) — reads <c>x</c>. Statements after it are reversed
/// before it, while <c>x</c> still holds what they saw. A variable read only linearly — a summand, or a factor next
/// to a constant — is never read backwards, so accumulations such as <c>sum += w * x</c> need no tape, and an
/// integer only the final <c>return</c> reads (the congestion kernel's load count) is never recorded.
/// </summary>
internal sealed class ToBeRecorded
{
    private readonly Activity _activity;
    private HashSet<string> _needed = new();
    private readonly Dictionary<Stmt, HashSet<string>> _recorded = new(ReferenceComparer<Stmt>.Instance);
    private readonly Dictionary<string, string> _aliasRoots = new();

    private ToBeRecorded(Activity activity) => _activity = activity;

    /// <summary>Whether <paramref name="writer"/> must record the old value of <paramref name="name"/> before overwriting it.</summary>
    public bool MustRecord(Stmt writer, string name)
        => _recorded.TryGetValue(writer, out var names) && names.Contains(Canonical(name));

    public static ToBeRecorded Analyze(Block body, Activity activity)
    {
        var needs = new ToBeRecorded(activity);
        foreach (var statement in Statements.All(body))
            if (statement is SpanAlias alias && Activity.Root(alias.Value) is { } root) needs._aliasRoots[alias.Name] = root;
        needs.Walk(body, new HashSet<string>(), null);
        return needs;
    }

    /// <summary>A span alias and the span it names are one buffer.</summary>
    private string Canonical(string name)
    {
        int guard = 0;
        while (_aliasRoots.TryGetValue(name, out var root) && guard++ < 64) name = root;
        return name;
    }

    /// <summary>
    /// Visits <paramref name="block"/> in program order with <paramref name="readBefore"/>, what the reverse of the
    /// statements so far reads, and <paramref name="loopReads"/>, what the reverse of the enclosing outermost loop reads.
    /// </summary>
    private void Walk(Block block, HashSet<string> readBefore, HashSet<string>? loopReads)
    {
        foreach (var statement in block.Statements)
        {
            switch (statement)
            {
                case ForLoop loop:
                    Walk(loop.Body, readBefore, loopReads ?? ReadsOf(loop.Body));
                    break;
                case IfStmt branch:
                    Walk(branch.Then, readBefore, loopReads);
                    if (branch.Else is not null) Walk(branch.Else, readBefore, loopReads);
                    break;
                case Block inner:
                    Walk(inner, readBefore, loopReads);
                    break;
                default:
                    readBefore.UnionWith(ReadsOf(statement));
                    var record = new HashSet<string>();
                    foreach (string written in Written(statement))
                    {
                        string name = Canonical(written);
                        if (readBefore.Contains(name) || (loopReads is not null && loopReads.Contains(name))) record.Add(name);
                    }
                    if (record.Count > 0) _recorded[statement] = record;
                    break;
            }
        }
    }

    private static IEnumerable<string> Written(Stmt statement)
    {
        switch (statement)
        {
            case DeclareLocal declare:
                yield return declare.Name;
                break;
            case Assign assign when Activity.Root(assign.Target) is { } root:
                yield return root;
                break;
            case CallStmt call:
                for (int i = 0; i < call.Call.Args.Count; i++)
                    if (Activity.RoleAt(call.Call.Target, i) == ArgumentRole.Output && Activity.Root(call.Call.Args[i]) is { } output)
                        yield return output;
                break;
        }
    }

    /// <summary>The (canonical) names the reverse sweep of <paramref name="statement"/> reads, loop and branch bodies included.</summary>
    private HashSet<string> ReadsOf(Stmt statement)
    {
        var saved = _needed;
        _needed = new HashSet<string>();
        foreach (var s in Statements.All(statement)) Visit(s);
        var reads = new HashSet<string>();
        foreach (string name in _needed) reads.Add(Canonical(name));
        _needed = saved;
        return reads;
    }

    /// <summary>Marks what the reverse sweep of one statement reads (loop and branch bodies are visited on their own).</summary>
    private void Visit(Stmt statement)
    {
        switch (statement)
        {
            case DeclareLocal { Init: { } init } declare:
                if (_activity.IsActiveName(declare.Name)) VisitValue(init, false);
                break;
            case Assign assign:
                if (assign.Target is ElementRef element) ForceIndices(element);
                if (Activity.Root(assign.Target) is { } root && _activity.IsActiveName(root) && assign.Target.Kind == ValueKind.Real)
                    VisitValue(assign.Value, false);
                break;
            case SpanAlias alias:
                // Aliases are re-created in the reverse sweep from the same slice bounds.
                ForceBounds(alias.Value);
                break;
            case CallStmt call:
                // An inactive call's reverse only restores its outputs; an active one's adjoint reads every argument.
                if (call.Call.Target.Kind != CallKind.Constant && IsActiveCall(call.Call)) ForceArguments(call.Call);
                break;
            case ReturnStmt { Value: { } value }:
                VisitValue(value, false);
                break;
        }
    }

    /// <summary>
    /// Marks what an active call's adjoint reads: every argument, except the contents of outputs its adjoint declares it
    /// does not read (<c>ReadsOutputs = false</c>: a dense layer, an embedding), of which only the slice bounds.
    /// </summary>
    private void ForceArguments(CallExpr call)
    {
        for (int i = 0; i < call.Args.Count; i++)
        {
            if (!call.Target.AdjointReadsOutputs && Activity.RoleAt(call.Target, i) == ArgumentRole.Output) ForceBounds(call.Args[i]);
            else ForceAll(call.Args[i]);
        }
    }

    private bool IsActiveCall(CallExpr call)
    {
        for (int i = 0; i < call.Args.Count; i++)
            if (Activity.RoleAt(call.Target, i) is ArgumentRole.Input or ArgumentRole.InputSpan && _activity.IsActive(call.Args[i]))
                return true;
        return false;
    }

    /// <summary>Marks what the reverse sweep of <paramref name="expr"/> reads; <paramref name="needed"/> says whether its own value is read.</summary>
    private void VisitValue(Expr expr, bool needed)
    {
        if (!_activity.IsActive(expr))
        {
            if (needed) ForceAll(expr);
            return;
        }
        switch (expr)
        {
            case LocalRef local:
                if (needed) _needed.Add(local.Name);
                break;
            case ElementRef element:
                ForceIndices(element);
                if (needed && Activity.Root(element) is { } root) _needed.Add(root);
                break;
            case UnaryExpr unary:
                VisitValue(unary.Operand, needed);
                break;
            case CastExpr cast:
                VisitValue(cast.Operand, needed);
                break;
            case BinaryExpr { Op: BinaryOperator.Add or BinaryOperator.Subtract } binary:
                VisitValue(binary.Left, needed);
                VisitValue(binary.Right, needed);
                break;
            case BinaryExpr { Op: BinaryOperator.Multiply } binary:
                VisitValue(binary.Left, needed || _activity.IsActive(binary.Right));
                VisitValue(binary.Right, needed || _activity.IsActive(binary.Left));
                break;
            case BinaryExpr { Op: BinaryOperator.Divide } binary:
                VisitValue(binary.Left, needed || _activity.IsActive(binary.Right));
                VisitValue(binary.Right, true);
                break;
            case ConditionalExpr conditional:
                ForceAll(conditional.Condition);
                VisitValue(conditional.WhenTrue, needed);
                VisitValue(conditional.WhenFalse, needed);
                break;
            default:
                // Functions and calls: the derivative rule or the adjoint reads every argument.
                ForceAll(expr);
                break;
        }
    }

    private void ForceIndices(ElementRef element)
    {
        ForceAll(element.Index);
        if (element.Column is not null) ForceAll(element.Column);
    }

    /// <summary>Marks the locals a span expression's bounds read (not the span's contents).</summary>
    private void ForceBounds(Expr expr)
    {
        if (expr is not SliceExpr slice) return;
        ForceBounds(slice.Target);
        ForceAll(slice.Start);
        if (slice.Length is not null) ForceAll(slice.Length);
    }

    /// <summary>Marks every local the expression reads.</summary>
    private void ForceAll(Expr expr)
    {
        switch (expr)
        {
            case LocalRef local:
                _needed.Add(local.Name);
                break;
            case ElementRef element:
                ForceAll(element.Target);
                ForceIndices(element);
                break;
            case SliceExpr slice:
                ForceAll(slice.Target);
                ForceAll(slice.Start);
                if (slice.Length is not null) ForceAll(slice.Length);
                break;
            case LengthExpr:
                break; // lengths never change
            case UnaryExpr unary:
                ForceAll(unary.Operand);
                break;
            case CastExpr cast:
                ForceAll(cast.Operand);
                break;
            case BinaryExpr binary:
                ForceAll(binary.Left);
                ForceAll(binary.Right);
                break;
            case ConditionalExpr conditional:
                ForceAll(conditional.Condition);
                ForceAll(conditional.WhenTrue);
                ForceAll(conditional.WhenFalse);
                break;
            case MathCall math:
                foreach (var a in math.Args) ForceAll(a);
                break;
            case CallExpr call:
                foreach (var a in call.Args) ForceAll(a);
                break;
        }
    }
}
