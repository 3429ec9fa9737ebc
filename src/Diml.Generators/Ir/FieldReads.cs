using System.Linq;
using Diml.Generators.Model;

namespace Diml.Generators.Ir;

/// <summary>
/// A learning rule's kernels as the <c>ILearningRule</c> members run them: every <c>[Param]</c> read becomes a
/// read of the field itself (<c>this.Alpha</c>), a constant of the kernel, so their adjoints differentiate with
/// respect to the state and payoffs only. The θ-versions keep the <see cref="ParamRef"/>s.
/// </summary>
internal static class FieldReads
{
    public static KernelMethod Of(KernelMethod method) => method with { Body = Block(method.Body) };

    private static Block Block(Block block) => new(block.Statements.Select(Statement).ToEquatable());

    private static Stmt Statement(Stmt statement) => statement switch
    {
        DeclareLocal { Init: { } init } d => d with { Init = Expression(init) },
        StackAlloc s => s with { Size = Expression(s.Size) },
        SpanAlias s => s with { Value = Expression(s.Value) },
        Assign a => a with { Target = Expression(a.Target), Value = Expression(a.Value) },
        ForLoop f => f with { Start = Expression(f.Start), Bound = Expression(f.Bound), Body = Block(f.Body) },
        IfStmt i => i with { Condition = Expression(i.Condition), Then = Block(i.Then), Else = i.Else is null ? null : Block(i.Else) },
        CallStmt c => c with { Call = (CallExpr)Expression(c.Call) },
        ReturnStmt { Value: { } value } r => r with { Value = Expression(value) },
        Block b => Block(b),
        _ => statement,
    };

    private static Expr Expression(Expr expr) => expr switch
    {
        ParamRef p => new ConstantRef("this." + p.Field, p.Kind, p.Rank),
        ElementRef e => e with { Target = Expression(e.Target), Index = Expression(e.Index), Column = e.Column is null ? null : Expression(e.Column) },
        SliceExpr s => s with { Target = Expression(s.Target), Start = Expression(s.Start), Length = s.Length is null ? null : Expression(s.Length) },
        LengthExpr l => l with { Target = Expression(l.Target) },
        UnaryExpr u => u with { Operand = Expression(u.Operand) },
        BinaryExpr b => b with { Left = Expression(b.Left), Right = Expression(b.Right) },
        ConditionalExpr c => c with { Condition = Expression(c.Condition), WhenTrue = Expression(c.WhenTrue), WhenFalse = Expression(c.WhenFalse) },
        CastExpr c => c with { Operand = Expression(c.Operand) },
        MathCall m => m with { Args = m.Args.Select(Expression).ToEquatable() },
        CallExpr c => c with { Args = c.Args.Select(Expression).ToEquatable() },
        _ => expr,
    };
}
