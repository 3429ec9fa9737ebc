using Diml.Generators.Model;

namespace Diml.Generators.Ir;

// The node kinds of adjoint IR: what reverse mode (Differentiation/ReverseMode.cs) builds on top of the
// forward IR's statements and expressions, and the one printer (Emission/ForwardEmitter.cs,
// Emission/ExpressionPrinter.cs) prints.

/// <summary>The adjoint of a real place (a local, an element of a span, a parameter): <c>xBar</c>, <c>thetaBar[...]</c>.</summary>
internal sealed record BarRef(Expr Place) : Expr(ValueKind.Real);

/// <summary>
/// The adjoint span of a span argument, passed to a callee's adjoint; <c>default</c> (an empty span: the adjoint
/// is not needed) when the span has none, as a constant array.
/// </summary>
internal sealed record BarSpanRef(Expr Span) : Expr(ValueKind.RealSpan);

/// <summary>An adjoint argument the callee does not need: <c>default</c>.</summary>
internal sealed record DefaultArg() : Expr(ValueKind.RealSpan);

/// <summary>A scalar adjoint the callee adds into: <c>ref argumentBar1</c>.</summary>
internal sealed record RefArg(LocalRef Local) : Expr(ValueKind.Real);

/// <summary>
/// A factor of a chain-rule product, parenthesised unless it is a simple name, literal or call: the reverse
/// sweep reads <c>(seed) * (a + b)</c> whatever the precedence would allow.
/// </summary>
internal sealed record Grouped(Expr Inner) : Expr(Inner.Kind);

/// <summary>A line comment of the reverse sweep (a derivative rule, a loop run backwards).</summary>
internal sealed record Comment(string Text) : Stmt;

/// <summary>A comment quoting the forward statement or expression the following adjoint statements reverse.</summary>
internal sealed record ReversesComment(Stmt Forward) : Stmt;

/// <summary>Saves a value on the tape (<c>tape.PushReal</c>, <c>tape.PushInt</c>; booleans as 0 and 1).</summary>
internal sealed record TapePush(Expr Value) : Stmt;

/// <summary>Restores a place from the tape: the inverse of <see cref="TapePush"/>.</summary>
internal sealed record TapePop(Expr Place) : Stmt;

/// <summary>
/// A call to a callee's adjoint: its primal arguments, then the seed (the adjoint of its result, if it returns
/// one), then the adjoints of its outputs and inputs (<see cref="BarSpanRef"/>, <see cref="DefaultArg"/>, <see cref="RefArg"/>);
/// with <paramref name="InputBarStart"/>, a dense layer's windowed adjoint, whose input bar is a window of the input's
/// adjoint starting at that element (passed last).
/// </summary>
internal sealed record AdjointCall(CallExpr Call, Expr? Seed, ImmutableEquatableArray<Expr> OutputBars, ImmutableEquatableArray<Expr> InputBars,
    Expr? InputBarStart = null) : Stmt;

/// <summary>Saves a span's contents on the tape; <paramref name="WholeBuffer"/>: every query's row of a batched buffer at once.</summary>
internal sealed record TapePushSpan(Expr Span, bool WholeBuffer) : Stmt;

/// <summary>Restores a span's contents from the tape: the inverse of <see cref="TapePushSpan"/>.</summary>
internal sealed record TapePopSpan(Expr Span, bool WholeBuffer) : Stmt;

/// <summary>Zeroes the adjoint of a span (<c>xBar.Clear()</c>); <paramref name="WholeBuffer"/> as for <see cref="TapePushSpan"/>.</summary>
internal sealed record ClearBar(Expr Span, bool WholeBuffer) : Stmt;

/// <summary>The adjoint span of a stack-allocated span, of the same size.</summary>
internal sealed record BarStackAlloc(StackAlloc Alloc) : Stmt;

/// <summary>The adjoint of a span alias, naming the same part of the aliased span's adjoint (none for a constant array).</summary>
internal sealed record BarAlias(SpanAlias Alias) : Stmt;

/// <summary>
/// A loop of the adjoint's forward sweep: the loop variable is declared at the top of the method, and the loop
/// may start from its recorded start (<c>for (i = loop1Start; ...)</c>).
/// </summary>
internal sealed record SweepLoop(ForLoop Loop, Expr Start, Block Body) : Stmt;

/// <summary>Counts one trip of a loop whose trip count the reverse sweep replays: <c>loop1Count++</c>.</summary>
internal sealed record CountIteration(LocalRef Counter) : Stmt;

/// <summary>Runs the body for every query of a batch (<c>for (q ...)</c>); backwards in the reverse sweep, so pops mirror pushes.</summary>
internal sealed record PerQuery(Block Body, bool Backwards) : Stmt;

/// <summary>
/// A varying span of a batched kernel: one row per query from the arena, and its adjoint's rows when <paramref name="WithBar"/>;
/// without <paramref name="WithValues"/> only the adjoint's (an adjoint that never names the values).
/// </summary>
/// <paramref name="Overwritten"/>: the first statement that mentions the values writes all of them, so they need no clearing.
internal sealed record QueryBuffers(StackAlloc Alloc, bool WithBar, bool WithValues = true, bool Overwritten = false) : Stmt;

/// <summary>A primitive call run once for the whole batch (a dense layer as one matrix product, or an elementwise map).</summary>
internal sealed record WholeBatchCall(CallStmt Call) : Stmt;

/// <summary>
/// In a batched forward, after a dense layer: its output kept as layer <paramref name="Layer"/> for the adjoint, when the
/// caller keeps activations (<see cref="Optimisation.KeptActivations"/>).
/// </summary>
internal sealed record KeepOutput(CallStmt Dense, int Layer) : Stmt;

/// <summary>
/// In a batched forward: a varying buffer that only kept layer <paramref name="Layer"/> writes (whole), allocated in the
/// activation store's rows when the caller keeps activations, so that keeping the layer's output copies nothing.
/// </summary>
internal sealed record KeptBuffer(StackAlloc Alloc, int Layer) : Stmt;

/// <summary>
/// In a batched adjoint's forward sweep: a dense layer's output read back as kept layer <paramref name="Layer"/>, else computed;
/// <paramref name="InPlace"/>: nothing after it writes the output, so it may point at the kept rows instead of copying them.
/// </summary>
internal sealed record ReadBackOrCompute(WholeBatchCall Dense, int Layer, bool InPlace = false) : Stmt;

/// <summary>
/// The adjoint of a dense layer for the whole batch; <paramref name="ActiveArgs"/> are the arguments whose adjoints are
/// wanted; with <paramref name="InputBarStart"/> and <paramref name="InputBarLength"/>, the input's adjoint over that
/// window of each query's input only.
/// </summary>
internal sealed record DenseAdjointCall(CallExpr Call, ImmutableEquatableArray<Expr> ActiveArgs, Expr? InputBarStart = null, Expr? InputBarLength = null) : Stmt;

/// <summary>The adjoint of an elementwise primitive over whole buffers; <paramref name="ActiveArgs"/> per argument.</summary>
internal sealed record ElementwiseAdjointCall(CallExpr Call, ImmutableEquatableArray<bool> ActiveArgs) : Stmt;

/// <summary>
/// A branch of the adjoint's forward sweep, on the condition or its recorded side. Unlike <see cref="IfStmt"/> it
/// keeps the <c>else</c> the user wrote even when nothing in it is left to run, so the sweep reads like the source.
/// </summary>
internal sealed record SweepBranch(Expr Condition, Block Then, Block? Else) : Stmt;

/// <summary>Takes the thread's adjoint tape: <c>var tape = AdjointTape.Current</c>.</summary>
internal sealed record OpenTape() : Stmt;

/// <summary>
/// A local of the kernel declared once at the top of an adjoint (names are unique, so hoisting is safe), zeroed,
/// with its adjoint when <paramref name="WithBar"/>; in a batched adjoint, one slot per query when <paramref name="PerQuery"/>.
/// </summary>
internal sealed record HoistedLocal(string Name, ValueKind Kind, bool WithBar, bool PerQuery) : Stmt;

/// <summary>Bookkeeping locals of one loop or branch (recorded start and trip count, or side), zeroed, in one declaration.</summary>
internal sealed record HoistedBookkeeping(ValueKind Kind, ImmutableEquatableArray<string> Names) : Stmt;
