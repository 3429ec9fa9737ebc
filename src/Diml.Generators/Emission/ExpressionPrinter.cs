using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Diml.Generators.Analysis;
using Diml.Generators.Optimisation;
using Diml.Generators.Ir;
using Diml.Generators.Model;

namespace Diml.Generators.Emission;

/// <summary>
/// Prints IR expressions as C# in one precision, forward and adjoint (<see cref="BarRef"/>, ...), and names the
/// adjoint of every differentiable place.
/// Parentheses follow C# precedence but keep the IR's tree exactly (floating-point addition is not
/// associative, so <c>a + (b + c)</c> must stay as written).
/// </summary>
internal sealed class ExpressionPrinter
{
    private const int Primary = 15, Unary = 14, Multiplicative = 13, Additive = 12, Relational = 10, Equality = 9,
        LogicalAnd = 5, LogicalOr = 4, Conditional = 2;

    private readonly Dictionary<string, string> _barNames = new();
    private readonly Dictionary<string, ParamField> _params;

    public ExpressionPrinter(Precision precision, IEnumerable<ParamField>? parameters)
    {
        Precision = precision;
        _params = (parameters ?? Enumerable.Empty<ParamField>()).ToDictionary(p => p.Name);
    }

    public Precision Precision { get; }

    /// <summary>In a batched kernel: which values vary across queries (null in per-query kernels).</summary>
    public BatchPlan? Batch { get; set; }

    /// <summary>
    /// Whether the code being printed runs inside the loop over queries (<c>q</c>): varying scalars are then
    /// <c>x[q]</c> and varying spans are query <c>q</c>'s row of their buffer.
    /// </summary>
    public bool InLane { get; set; }

    /// <summary>The per-query length of a varying buffer.</summary>
    public static string StrideName(string buffer) => EmittedNames.Stride(buffer);

    private bool IsVarying(Expr expr) => Batch is not null && Batch.IsVarying(expr);

    private string Lane(string text)
        => InLane ? text : throw new System.InvalidOperationException("A value that varies across queries is used outside the loop over queries: " + text);

    /// <summary>Where query q's row of a varying span expression starts in its buffer, and how long it is.</summary>
    private (string Buffer, string Offset, string Length) LaneRow(Expr span)
    {
        var (buffer, start, length) = Batch!.Resolve(span);
        string stride = StrideName(buffer);
        string offset = "q * " + stride + (start is Literal { Value: 0 } ? "" : " + " + Wrap(start, Additive + 1));
        string lengthText = length is not null ? Print(length)
            : start is Literal { Value: 0 } ? stride : stride + " - " + Wrap(start, Additive + 1);
        return (buffer, offset, lengthText);
    }

    private string LaneElement(ElementRef element, bool bar)
    {
        var (buffer, offset, _) = LaneRow(element.Target);
        return Lane((bar ? BarName(buffer) : buffer) + "[" + offset + " + " + Wrap(element.Index, Additive + 1) + "]");
    }

    private string LaneSlice(Expr span, bool bar)
    {
        var (buffer, offset, length) = LaneRow(span);
        return Lane((bar ? BarName(buffer) : buffer) + ".Slice(" + offset + ", " + length + ")");
    }

    private bool IsVaryingSpan(Expr span) => Batch is not null && span.Kind is ValueKind.RealSpan or ValueKind.IntSpan
        && Activity.Root(span) is { } root && Batch.IsVarying(root);

    /// <summary>The increment of a loop: <c>i++</c>, <c>i--</c>, <c>i += 2</c>.</summary>
    public static string StepText(ForLoop loop) => loop.Step switch
    {
        1 => loop.Variable + "++",
        -1 => loop.Variable + "--",
        > 0 => loop.Variable + " += " + loop.Step.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => loop.Variable + " -= " + (-loop.Step).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public IEnumerable<ParamField> Parameters => _params.Values;

    /// <summary>Overrides the default adjoint name (<c>xBar</c>) of a local, e.g. for a working copy.</summary>
    public void SetBarName(string local, string bar) => _barNames[local] = bar;

    public string BarName(string local) => _barNames.TryGetValue(local, out var bar) ? bar : EmittedNames.Bar(local);

    public static string OffsetName(string field) => EmittedNames.Offset(field);
    public static string ColumnsName(string field) => EmittedNames.Columns(field);


    public string Print(Expr expr) => Print(expr, out _);

    private string Wrap(Expr expr, int minimum)
    {
        string text = Print(expr, out int precedence);
        return precedence < minimum ? "(" + text + ")" : text;
    }

    private string Print(Expr expr, out int precedence)
    {
        precedence = Primary;
        switch (expr)
        {
            case Literal literal:
                string text = literal.Kind switch
                {
                    ValueKind.Bool => literal.Value != 0 ? "true" : "false",
                    ValueKind.Int => ((long)literal.Value).ToString(CultureInfo.InvariantCulture),
                    _ => Precision.Literal(literal.Value),
                };
                if (text.StartsWith("-", System.StringComparison.Ordinal)) precedence = Unary;
                return text;
            case LocalRef local when local.Kind is ValueKind.RealSpan or ValueKind.IntSpan && IsVaryingSpan(local):
                return LaneSlice(local, bar: false);
            case LocalRef local when IsVarying(local):
                return Lane(local.Name + "[q]");
            case LocalRef local:
                return local.Name;
            case ConstantRef { Kind: ValueKind.RealSpan } array when Precision.IsDouble:
                // A whole constant array in the double twin: the callee or alias expects doubles.
                return "global::Diml.Kernels.DoubleTwin.Widen(" + array.Text + ")";
            case ConstantRef constant:
                return constant.Text;
            case ParamRef param when param.Rank == 0:
                return "theta[" + OffsetName(param.Field) + "]";
            case ParamRef param:
                return "theta.Slice(" + OffsetName(param.Field) + ", this." + param.Field + ".Length)";
            case ElementRef element when IsVaryingSpan(element.Target):
                return LaneElement(element, bar: false);
            case ElementRef element:
                return PrintElement(element, "theta");
            case SliceExpr slice when IsVaryingSpan(slice):
                return LaneSlice(slice, bar: false);
            case SliceExpr slice:
                return Wrap(slice.Target, Primary) + ".Slice(" + Print(slice.Start) + (slice.Length is null ? "" : ", " + Print(slice.Length)) + ")";
            case LengthExpr { Dimension: < 0 } length when IsVaryingSpan(length.Target):
                return LaneRow(length.Target).Length;
            case LengthExpr length:
                string target = length.Target is ParamRef p ? "this." + p.Field : ArrayText(length.Target);
                return length.Dimension < 0 ? target + ".Length" : target + ".GetLength(" + length.Dimension.ToString(CultureInfo.InvariantCulture) + ")";
            case UnaryExpr unary:
            {
                precedence = Unary;
                string operand = Wrap(unary.Operand, Unary);
                if (operand.StartsWith("-", System.StringComparison.Ordinal)) operand = "(" + operand + ")";
                return Operators.Text(unary.Op) + operand;
            }
            case BinaryExpr binary:
            {
                precedence = BinaryPrecedence(binary.Op);
                return Wrap(binary.Left, precedence) + " " + Operators.Text(binary.Op) + " " + Wrap(binary.Right, precedence + 1);
            }
            case ConditionalExpr conditional:
                precedence = Conditional;
                return Wrap(conditional.Condition, Conditional + 1) + " ? " + Wrap(conditional.WhenTrue, Conditional + 1) + " : " + Wrap(conditional.WhenFalse, Conditional);
            case CastExpr cast:
                precedence = Unary;
                return "(" + TypeName(cast.Kind) + ")" + Wrap(cast.Operand, Unary);
            case MathCall math:
                string mathClass = math.Kind == ValueKind.Real ? Precision.Math : "global::System.Math";
                return mathClass + "." + math.Function + "(" + string.Join(", ", math.Args.Select(a => Print(a))) + ")";
            case CallExpr call:
                return PrintCall(call, out precedence);
            // Adjoint IR
            case BarRef bar:
                return Bar(bar.Place);
            case BarSpanRef barSpan:
                return BarSpan(barSpan.Span) ?? "default";
            case DefaultArg:
                return "default";
            case RefArg reference:
                return "ref " + Print(reference.Local);
            case Grouped grouped:
                return Group(Print(grouped.Inner));
            default:
                throw new System.InvalidOperationException("Unknown expression " + expr.GetType().Name);
        }
    }

    private string PrintCall(CallExpr call, out int precedence)
    {
        precedence = Primary;
        var target = call.Target;
        string name = Precision.IsDouble ? target.ForwardDouble : target.Forward;
        var args = new List<string>();
        for (int i = 0; i < call.Args.Count; i++)
        {
            string arg = Print(call.Args[i]);
            // A constant function keeps its declared float signature in the double twin.
            if (target.Kind == CallKind.Constant && Precision.IsDouble && call.Args[i].Kind == ValueKind.Real
                && i < target.DeclaredTypes.Count && target.DeclaredTypes[i] == "float")
                arg = "(float)" + Wrap(call.Args[i], Unary);
            args.Add(arg);
        }
        string text = name + "(" + string.Join(", ", args) + ")";
        if (target.Kind == CallKind.Constant && !Precision.IsDouble && target.ReturnType == "double")
        {
            precedence = Unary;
            return "(float)" + text;
        }
        return text;
    }

    private string PrintElement(ElementRef element, string flatVector)
    {
        if (element.Target is ParamRef param)
        {
            string index = param.Rank == 2 && element.Column is not null
                ? OffsetName(param.Field) + " + " + Wrap(element.Index, Multiplicative) + " * " + ColumnsName(param.Field) + " + " + Wrap(element.Column, Multiplicative)
                : OffsetName(param.Field) + " + " + Wrap(element.Index, Additive + 1);
            return flatVector + "[" + index + "]";
        }
        string targetText = ArrayText(element.Target);
        return element.Column is null
            ? targetText + "[" + Print(element.Index) + "]"
            : targetText + "[" + Print(element.Index) + ", " + Print(element.Column) + "]";
    }

    /// <summary>A span or array whose elements or length are read: a constant array as it is, in either precision.</summary>
    private string ArrayText(Expr target) => target is ConstantRef constant ? constant.Text : Wrap(target, Primary);

    /// <summary>The adjoint of a real place (a local, an element of a span, a parameter).</summary>
    public string Bar(Expr place)
    {
        switch (place)
        {
            case LocalRef local when IsVarying(local):
                return Lane(BarName(local.Name) + "[q]");
            case LocalRef local:
                return BarName(local.Name);
            case ElementRef element when IsVaryingSpan(element.Target):
                return LaneElement(element, bar: true);
            case ParamRef param when param.Rank == 0:
                return "thetaBar[" + OffsetName(param.Field) + "]";
            case ElementRef { Target: ParamRef } element:
                return PrintElement(element, "thetaBar");
            case ElementRef element:
                string span = BarSpan(element.Target) ?? throw new System.InvalidOperationException("No adjoint for " + element.Target);
                return element.Column is null ? span + "[" + Print(element.Index) + "]" : span + "[" + Print(element.Index) + ", " + Print(element.Column) + "]";
            default:
                throw new System.InvalidOperationException("No adjoint place for " + place.GetType().Name);
        }
    }

    /// <summary>The adjoint span of a span expression, or null if it has none (a constant array).</summary>
    public string? BarSpan(Expr span) => IsVaryingSpan(span) ? LaneSlice(span, bar: true) : span switch
    {
        LocalRef local => BarName(local.Name),
        SliceExpr slice => BarSpan(slice.Target) is { } target
            ? target + ".Slice(" + Print(slice.Start) + (slice.Length is null ? "" : ", " + Print(slice.Length)) + ")"
            : null,
        ParamRef param when param.Rank > 0 => "thetaBar.Slice(" + OffsetName(param.Field) + ", this." + param.Field + ".Length)",
        _ => null,
    };

    public string TypeName(ValueKind kind) => kind switch
    {
        ValueKind.Real => Precision.Real,
        ValueKind.Int => "int",
        ValueKind.Bool => "bool",
        ValueKind.RealSpan => Precision.Span,
        ValueKind.IntSpan => "global::System.Span<int>",
        _ => "void",
    };

    private static int BinaryPrecedence(BinaryOperator op) => op switch
    {
        BinaryOperator.Multiply or BinaryOperator.Divide or BinaryOperator.Remainder => Multiplicative,
        BinaryOperator.Add or BinaryOperator.Subtract => Additive,
        BinaryOperator.Less or BinaryOperator.Greater or BinaryOperator.LessOrEqual or BinaryOperator.GreaterOrEqual => Relational,
        BinaryOperator.Equal or BinaryOperator.NotEqual => Equality,
        BinaryOperator.And => LogicalAnd,
        _ => LogicalOr,
    };

    /// <summary>Parenthesises <paramref name="text"/> unless it is a simple name or literal.</summary>
    public static string Group(string text)
    {
        if (text.StartsWith("-", System.StringComparison.Ordinal)) return "(" + text + ")";
        int depth = 0;
        foreach (char c in text)
        {
            if (c is '(' or '[') depth++;
            else if (c is ')' or ']') depth--;
            else if (c == ' ' && depth == 0) return "(" + text + ")";
        }
        return text;
    }
}
