using System.Collections.Generic;
using System.Linq;

namespace Diml.Generators.Ir;

/// <summary>
/// The one walker of the IR, forward and adjoint alike: statements, their direct expressions, and every
/// sub-expression. Adjoint nodes are entered too (a sweep loop's or a per-query loop's body, an adjoint call's
/// arguments and bars, an adjoint place's place), so that an analysis or pass over adjoint IR sees everything it runs;
/// a <see cref="ReversesComment"/> quotes a statement it does not run, and is not entered.
/// </summary>
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
        SweepLoop sweep => new Stmt[] { sweep.Body },
        SweepBranch { Else: { } otherwise } sweep => new Stmt[] { sweep.Then, otherwise },
        SweepBranch sweep => new Stmt[] { sweep.Then },
        PerQuery perQuery => new Stmt[] { perQuery.Body },
        QueryBuffers buffers => new Stmt[] { buffers.Alloc },
        KeptBuffer kept => new Stmt[] { kept.Alloc },
        WholeBatchCall whole => new Stmt[] { whole.Call },
        ReadBackOrCompute readBack => new Stmt[] { readBack.Dense },
        BarStackAlloc bar => new Stmt[] { bar.Alloc },
        BarAlias bar => new Stmt[] { bar.Alias },
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
        SweepLoop sweep => new[] { sweep.Start, sweep.Loop.Bound },
        SweepBranch sweep => new[] { sweep.Condition },
        CountIteration count => new Expr[] { count.Counter },
        TapePush push => new[] { push.Value },
        TapePop pop => new[] { pop.Place },
        TapePushSpan push => new[] { push.Span },
        TapePopSpan pop => new[] { pop.Span },
        ClearBar clear => new[] { clear.Span },
        AdjointCall adjoint => new Expr[] { adjoint.Call }
            .Concat(adjoint.Seed is null ? System.Array.Empty<Expr>() : new[] { adjoint.Seed })
            .Concat(adjoint.OutputBars).Concat(adjoint.InputBars)
            .Concat(adjoint.InputBarStart is null ? System.Array.Empty<Expr>() : new[] { adjoint.InputBarStart }),
        DenseAdjointCall dense => new Expr[] { dense.Call }
            .Concat(dense.InputBarStart is null ? System.Array.Empty<Expr>() : new[] { dense.InputBarStart })
            .Concat(dense.InputBarLength is null ? System.Array.Empty<Expr>() : new[] { dense.InputBarLength }),
        ElementwiseAdjointCall elementwise => new Expr[] { elementwise.Call },
        KeepOutput keep => new Expr[] { keep.Dense.Call.Args[keep.Dense.Call.Args.Count - 1] },
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
        BarRef bar => new[] { bar.Place },
        BarSpanRef bar => new[] { bar.Span },
        RefArg reference => new Expr[] { reference.Local },
        Grouped grouped => new[] { grouped.Inner },
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
