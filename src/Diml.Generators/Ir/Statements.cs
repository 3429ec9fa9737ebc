using System.Collections.Generic;
using System.Linq;

namespace Diml.Generators.Ir;

/// <summary>The one walker of the IR: statements, their direct expressions, and every sub-expression.</summary>
internal static class Statements
{
    /// <summary>Every statement in <paramref name="statement"/>, itself included, in program order (loop and branch bodies inline).</summary>
    public static IEnumerable<Stmt> All(Stmt statement)
    {
        yield return statement;
        foreach (var child in Children(statement))
            foreach (var descendant in All(child))
                yield return descendant;
    }

    /// <summary>The statements directly inside <paramref name="statement"/>.</summary>
    public static IEnumerable<Stmt> Children(Stmt statement) => statement switch
    {
        Block block => block.Statements,
        ForLoop loop => new Stmt[] { loop.Body },
        IfStmt { Else: { } otherwise } branch => new Stmt[] { branch.Then, otherwise },
        IfStmt branch => new Stmt[] { branch.Then },
        _ => System.Array.Empty<Stmt>(),
    };

    /// <summary>The expressions <paramref name="statement"/> itself holds (not those of nested statements).</summary>
    public static IEnumerable<Expr> OwnExpressions(Stmt statement) => statement switch
    {
        DeclareLocal { Init: { } init } => new[] { init },
        StackAlloc alloc => new[] { alloc.Size },
        SpanAlias alias => new[] { alias.Value },
        Assign assign => new[] { assign.Target, assign.Value },
        ForLoop loop => new[] { loop.Start, loop.Bound },
        IfStmt branch => new[] { branch.Condition },
        CallStmt call => new Expr[] { call.Call },
        ReturnStmt { Value: { } value } => new[] { value },
        _ => System.Array.Empty<Expr>(),
    };

    /// <summary>The direct operands of <paramref name="expr"/>.</summary>
    public static IEnumerable<Expr> Operands(Expr expr) => expr switch
    {
        ElementRef { Column: { } column } element => new[] { element.Target, element.Index, column },
        ElementRef element => new[] { element.Target, element.Index },
        SliceExpr { Length: { } length } slice => new[] { slice.Target, slice.Start, length },
        SliceExpr slice => new[] { slice.Target, slice.Start },
        LengthExpr length => new[] { length.Target },
        UnaryExpr unary => new[] { unary.Operand },
        BinaryExpr binary => new[] { binary.Left, binary.Right },
        ConditionalExpr conditional => new[] { conditional.Condition, conditional.WhenTrue, conditional.WhenFalse },
        CastExpr cast => new[] { cast.Operand },
        MathCall math => math.Args,
        CallExpr call => call.Args,
        _ => System.Array.Empty<Expr>(),
    };

    /// <summary><paramref name="expr"/> and every expression inside it.</summary>
    public static IEnumerable<Expr> Descendants(Expr expr)
    {
        yield return expr;
        foreach (var operand in Operands(expr))
            foreach (var descendant in Descendants(operand))
                yield return descendant;
    }

    /// <summary>Every expression in <paramref name="statement"/> and the statements inside it.</summary>
    public static IEnumerable<Expr> Expressions(Stmt statement)
        => All(statement).SelectMany(OwnExpressions).SelectMany(Descendants);
}
