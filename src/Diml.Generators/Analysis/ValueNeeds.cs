using System.Collections.Generic;
using Diml.Generators.Ir;

namespace Diml.Generators.Analysis;

/// <summary>
/// Which locals the reverse sweep reads. The reverse sweep recomputes partial derivatives from the values
/// the variables had when the forward statement ran; a variable it reads must therefore be restored (pushed
/// on the tape before it is overwritten, popped after its statement is reversed). A variable read only
/// linearly — a summand, or a factor next to a constant — is never read backwards, so accumulations such as
/// <c>sum += w * x</c> need no tape for <c>sum</c>.
/// </summary>
internal sealed class ValueNeeds
{
    private readonly Activity _activity;
    private readonly HashSet<string> _needed = new();

    private ValueNeeds(Activity activity) => _activity = activity;

    public bool IsNeeded(string name) => _needed.Contains(name);

    public static ValueNeeds Analyze(Block body, Activity activity)
    {
        var needs = new ValueNeeds(activity);
        foreach (var statement in Statements.All(body)) needs.Visit(statement);
        return needs;
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
                if (call.Call.Target.Kind != CallKind.Constant) ForceAll(call.Call);
                break;
            case ReturnStmt { Value: { } value }:
                VisitValue(value, false);
                break;
        }
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
            case BinaryExpr { Op: "+" or "-" } binary:
                VisitValue(binary.Left, needed);
                VisitValue(binary.Right, needed);
                break;
            case BinaryExpr { Op: "*" } binary:
                VisitValue(binary.Left, needed || _activity.IsActive(binary.Right));
                VisitValue(binary.Right, needed || _activity.IsActive(binary.Left));
                break;
            case BinaryExpr { Op: "/" } binary:
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
