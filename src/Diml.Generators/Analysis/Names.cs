using System.Collections.Generic;
using Diml.Generators.Ir;

namespace Diml.Generators.Analysis;

/// <summary>Collects every local a statement or expression mentions.</summary>
internal static class Names
{
    public static void Collect(Stmt statement, HashSet<string> names)
    {
        switch (statement)
        {
            case Block block:
                foreach (var s in block.Statements) Collect(s, names);
                break;
            case DeclareLocal declare:
                names.Add(declare.Name);
                if (declare.Init is not null) Collect(declare.Init, names);
                break;
            case StackAlloc alloc:
                names.Add(alloc.Name);
                Collect(alloc.Size, names);
                break;
            case SpanAlias alias:
                names.Add(alias.Name);
                Collect(alias.Value, names);
                break;
            case Assign assign:
                Collect(assign.Target, names);
                Collect(assign.Value, names);
                break;
            case ForLoop loop:
                names.Add(loop.Variable);
                Collect(loop.Start, names);
                Collect(loop.Bound, names);
                Collect(loop.Body, names);
                break;
            case IfStmt branch:
                Collect(branch.Condition, names);
                Collect(branch.Then, names);
                if (branch.Else is not null) Collect(branch.Else, names);
                break;
            case CallStmt call:
                Collect(call.Call, names);
                break;
            case ReturnStmt { Value: { } value }:
                Collect(value, names);
                break;
        }
    }

    public static void Collect(Expr expr, HashSet<string> names)
    {
        switch (expr)
        {
            case LocalRef local:
                names.Add(local.Name);
                break;
            case ElementRef element:
                Collect(element.Target, names);
                Collect(element.Index, names);
                if (element.Column is not null) Collect(element.Column, names);
                break;
            case SliceExpr slice:
                Collect(slice.Target, names);
                Collect(slice.Start, names);
                if (slice.Length is not null) Collect(slice.Length, names);
                break;
            case LengthExpr length:
                Collect(length.Target, names);
                break;
            case UnaryExpr unary:
                Collect(unary.Operand, names);
                break;
            case BinaryExpr binary:
                Collect(binary.Left, names);
                Collect(binary.Right, names);
                break;
            case ConditionalExpr conditional:
                Collect(conditional.Condition, names);
                Collect(conditional.WhenTrue, names);
                Collect(conditional.WhenFalse, names);
                break;
            case CastExpr cast:
                Collect(cast.Operand, names);
                break;
            case MathCall math:
                foreach (var a in math.Args) Collect(a, names);
                break;
            case CallExpr call:
                foreach (var a in call.Args) Collect(a, names);
                break;
        }
    }
}
