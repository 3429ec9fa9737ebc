using System.Collections.Generic;
using System.Linq;
using Diml.Generators.Ir;
using Diml.Generators.Model;

namespace Diml.Generators.Analysis;

/// <summary>
/// Activity analysis: which locals depend on a differentiable input (a float or ReadOnlySpan&lt;float&gt;
/// parameter of the method, or a [Param] field). Only active values get adjoints. Flow-insensitive: a local
/// is active if any assignment to it is, which is conservative and simple.
/// </summary>
internal sealed class Activity
{
    private readonly HashSet<string> _active;

    private Activity(HashSet<string> active) => _active = active;

    public bool IsActiveName(string name) => _active.Contains(name);


    public static Activity Analyze(KernelMethod method)
        => Analyze(method.Body, method.Parameters.ToDictionary(p => p.Name, p => p.Kind));

    public static Activity Analyze(Block body, IReadOnlyDictionary<string, ParameterKind> parameters)
    {
        var active = new HashSet<string>(parameters.Where(p => p.Value is ParameterKind.RealScalar or ParameterKind.RealSpanInput).Select(p => p.Key));
        var activity = new Activity(active);
        var statements = Statements.All(body).ToList();
        // A fixpoint, as a value can become active through a statement that comes later in a loop.
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var statement in statements) changed |= activity.Propagate(statement);
        }
        return activity;
    }

    /// <summary>Marks what <paramref name="statement"/> makes active; returns whether anything new was marked.</summary>
    private bool Propagate(Stmt statement)
    {
        switch (statement)
        {
            case DeclareLocal { Init: { } init } declare when declare.Kind == ValueKind.Real && IsActive(init):
                return _active.Add(declare.Name);
            case SpanAlias alias:
            {
                bool changed = IsActive(alias.Value) && _active.Add(alias.Name);
                // Writing through an alias makes the span it names active too.
                if (Root(alias.Value) is { } root && _active.Contains(alias.Name)) changed |= _active.Add(root);
                return changed;
            }
            case Assign assign when assign.Target.Kind == ValueKind.Real && IsActive(assign.Value):
                return Root(assign.Target) is { } target && _active.Add(target);
            case CallStmt call when call.Call.Target.Kind != CallKind.Constant:
            {
                bool anyActive = false;
                for (int i = 0; i < call.Call.Args.Count; i++)
                    if (RoleAt(call.Call.Target, i) is ArgumentRole.Input or ArgumentRole.InputSpan && IsActive(call.Call.Args[i]))
                        anyActive = true;
                if (!anyActive) return false;
                bool changed = false;
                for (int i = 0; i < call.Call.Args.Count; i++)
                    if (RoleAt(call.Call.Target, i) == ArgumentRole.Output && Root(call.Call.Args[i]) is { } output)
                        changed |= _active.Add(output);
                return changed;
            }
            default:
                return false;
        }
    }

    public static ArgumentRole RoleAt(CallTarget target, int index)
        => index < target.Roles.Count ? target.Roles[index] : ArgumentRole.Constant;

    /// <summary>The local a target or span expression ultimately names (null for fields and parameters' elements).</summary>
    public static string? Root(Expr expr) => expr switch
    {
        LocalRef local => local.Name,
        ElementRef element => Root(element.Target),
        SliceExpr slice => Root(slice.Target),
        _ => null,
    };

    /// <summary>Whether the value of <paramref name="expr"/> depends on a differentiable input.</summary>
    public bool IsActive(Expr expr)
    {
        switch (expr)
        {
            case LocalRef local:
                return local.Kind is ValueKind.Real or ValueKind.RealSpan && _active.Contains(local.Name);
            case ParamRef:
                return true;
            case ElementRef element:
                return element.Kind == ValueKind.Real && IsActive(element.Target);
            case SliceExpr slice:
                return IsActive(slice.Target);
            case UnaryExpr unary:
                return unary.Kind == ValueKind.Real && IsActive(unary.Operand);
            case BinaryExpr binary:
                return binary.Kind == ValueKind.Real && (IsActive(binary.Left) || IsActive(binary.Right));
            case ConditionalExpr conditional:
                return conditional.Kind == ValueKind.Real && (IsActive(conditional.WhenTrue) || IsActive(conditional.WhenFalse));
            case CastExpr cast:
                return cast.Kind == ValueKind.Real && IsActive(cast.Operand);
            case MathCall math:
                return math.Kind == ValueKind.Real && !IsPiecewiseConstant(math.Function) && math.Args.Any(IsActive);
            case CallExpr call:
                return call.Kind == ValueKind.Real && call.Target.Kind != CallKind.Constant
                    && call.Args.Where((a, i) => RoleAt(call.Target, i) is ArgumentRole.Input or ArgumentRole.InputSpan).Any(IsActive);
            default:
                return false;
        }
    }

    public static bool IsPiecewiseConstant(MathFunction function) => MathFunctions.IsPiecewiseConstant(function);
}
