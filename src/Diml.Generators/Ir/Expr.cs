using Diml.Generators.Model;

namespace Diml.Generators.Ir;

/// <summary>An expression of the kernel IR. Records compare by value so that models cache.</summary>
internal abstract record Expr(ValueKind Kind);

/// <summary>A numeric or boolean constant (booleans as 0 and 1).</summary>
internal sealed record Literal(double Value, ValueKind Kind) : Expr(Kind);

/// <summary>A local variable or a parameter of the kernel method, by its (unique) emitted name.</summary>
internal sealed record LocalRef(string Name, ValueKind Kind) : Expr(Kind);

/// <summary>A non-parameter field, property or constant, emitted verbatim; never differentiated.</summary>
internal sealed record ConstantRef(string Text, ValueKind Kind, int Rank) : Expr(Kind);

/// <summary>A whole <c>[Param]</c> field: a scalar (rank 0) or an array read from the flat parameter vector.</summary>
internal sealed record ParamRef(string Field, int Rank) : Expr(Rank == 0 ? ValueKind.Real : ValueKind.RealSpan);

/// <summary><c>target[index]</c>, or <c>target[index, column]</c> for a 2-D array.</summary>
internal sealed record ElementRef(Expr Target, Expr Index, Expr? Column, ValueKind Kind) : Expr(Kind);

/// <summary><c>target.Slice(start, length)</c>.</summary>
internal sealed record SliceExpr(Expr Target, Expr Start, Expr? Length) : Expr(Target.Kind);

/// <summary><c>target.Length</c> (dimension −1) or <c>target.GetLength(dimension)</c>.</summary>
internal sealed record LengthExpr(Expr Target, int Dimension) : Expr(ValueKind.Int);

internal sealed record UnaryExpr(UnaryOperator Op, Expr Operand, ValueKind Kind) : Expr(Kind);

internal sealed record BinaryExpr(BinaryOperator Op, Expr Left, Expr Right, ValueKind Kind) : Expr(Kind);

internal sealed record ConditionalExpr(Expr Condition, Expr WhenTrue, Expr WhenFalse, ValueKind Kind) : Expr(Kind);

internal sealed record CastExpr(Expr Operand, ValueKind Kind) : Expr(Kind);

/// <summary>A <c>Math</c>/<c>MathF</c> function (<c>Exp</c>, <c>Tanh</c>, ...).</summary>
internal sealed record MathCall(MathFunction Function, ImmutableEquatableArray<Expr> Args, ValueKind Kind) : Expr(Kind);

/// <summary>A call to another method: a differentiable helper, a primitive with a custom adjoint, or a constant function.</summary>
internal sealed record CallExpr(CallTarget Target, ImmutableEquatableArray<Expr> Args, ValueKind Kind) : Expr(Kind);
