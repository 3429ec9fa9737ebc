using Diml.Generators.Model;

namespace Diml.Generators.Ir;

/// <summary>A statement of the kernel IR: structured, no jumps.</summary>
internal abstract record Stmt;

/// <summary>A scalar local. Emitted code declares every local once, at the top (names are unique).</summary>
internal sealed record DeclareLocal(string Name, ValueKind Kind, Expr? Init, bool InLoop) : Stmt;

/// <summary><c>Span&lt;T&gt; name = stackalloc T[size]</c>.</summary>
internal sealed record StackAlloc(string Name, ValueKind Kind, Expr Size) : Stmt;

/// <summary>A span local naming part of another span (<c>x.Slice(...)</c>) or a parameter field.</summary>
internal sealed record SpanAlias(string Name, Expr Value, bool Writable) : Stmt;

/// <summary><c>target = value</c>, <c>target += value</c> or <c>target -= value</c>.</summary>
internal sealed record Assign(Expr Target, AssignOperator Op, Expr Value, bool InLoop) : Stmt;

/// <summary>
/// <c>for (int v = start; v cmp bound; v += step) body</c>; <paramref name="Comparison"/> is one of
/// <see cref="BinaryOperator.Less"/>, <see cref="BinaryOperator.LessOrEqual"/>, <see cref="BinaryOperator.Greater"/>,
/// <see cref="BinaryOperator.GreaterOrEqual"/> (the parser takes no other).
/// </summary>
internal sealed record ForLoop(string Variable, Expr Start, BinaryOperator Comparison, Expr Bound, int Step, Block Body, bool InLoop) : Stmt;

internal sealed record IfStmt(Expr Condition, Block Then, Block? Else, bool InLoop) : Stmt;

/// <summary>A call used as a statement (a method that writes output spans).</summary>
internal sealed record CallStmt(CallExpr Call, bool InLoop) : Stmt;

internal sealed record ReturnStmt(Expr? Value) : Stmt;

internal sealed record Block(ImmutableEquatableArray<Stmt> Statements) : Stmt;
