using System.Collections.Generic;
using System.Linq;
using Diml.Generators.Analysis;
using Diml.Generators.Ir;
using Diml.Generators.Model;
using Diml.Generators.Optimisation;

namespace Diml.Generators.Differentiation;

/// <summary>
/// Reverse mode as an IR → IR transformation: from a forward statement (and the <see cref="ReversePlan"/>'s
/// decisions) it builds the adjoint IR that reverses it — adjoint accumulation (<c>xBar += seed · ∂</c>),
/// zeroing of overwritten adjoints, restores from the tape, adjoint temporaries and calls to callees' adjoints.
/// The emitter prints what this builds; it decides nothing about derivatives.
/// </summary>
internal sealed class ReverseMode
{
    private readonly Activity _activity;
    private readonly ReversePlan _plan;
    private readonly BatchPlan? _batch;
    private int _temp;

    /// <summary>Reverse mode for one kernel; with <paramref name="batch"/> for every query of a batch at once.</summary>
    public ReverseMode(ReversePlan plan, BatchPlan? batch = null)
    {
        _plan = plan;
        _activity = plan.Activity;
        _batch = batch;
    }

    /// <summary>Whether the built sweeps use the tape.</summary>
    public bool UsesTape { get; private set; }

    /// <summary>The derivative rules the built code applies, for the documentation.</summary>
    public SortedSet<string> Rules { get; } = new(System.StringComparer.Ordinal);

    /// <summary>A fresh numbered temporary of the reverse sweep (<c>seed1</c>, <c>iteration2</c>, ...).</summary>
    public string NewTemp(string stem) => EmittedNames.Temporary(stem, ++_temp);

    private static Literal RealLiteral(double value) => new(value, ValueKind.Real);

    private static Expr Negate(Expr expr) => new UnaryExpr(UnaryOperator.Negate, expr, ValueKind.Real);

    private static Expr Times(Expr left, Expr right) => new BinaryExpr(BinaryOperator.Multiply, left, right, ValueKind.Real);

    private static Expr Over(Expr left, Expr right) => new BinaryExpr(BinaryOperator.Divide, left, right, ValueKind.Real);

    private static Expr Math(MathFunction function, params Expr[] args) => new MathCall(function, new ImmutableEquatableArray<Expr>(args), ValueKind.Real);

    private static Block BlockOf(List<Stmt> statements) => new(new ImmutableEquatableArray<Stmt>(statements));

    // ------------------------------------------------------------ the two sweeps

    /// <summary>
    /// The forward sweep of <paramref name="body"/>: the user's statements (locals hoisted: a declaration is an
    /// assignment), saving on the tape what the reverse sweep reads before it is overwritten, and the trip
    /// count of each loop and the side of each branch whose reverse does work.
    /// </summary>
    public Block ForwardSweep(Block body)
    {
        var sweep = new List<Stmt>();
        Forward(body, sweep);
        return BlockOf(sweep);
    }

    /// <summary>
    /// The reverse sweep of <paramref name="body"/>: its statements backwards, each propagating its result's
    /// adjoint to its operands and then restoring what it overwrote; <paramref name="resultBar"/> is the
    /// adjoint of the returned value.
    /// </summary>
    public Block ReverseSweep(Block body, Expr resultBar) => Reverse(body, resultBar, topLevel: true);

    /// <summary>
    /// The declarations at the top of the adjoint of <paramref name="body"/>: the tape if the sweeps use it (build
    /// them first), every scalar local and loop variable (with its adjoint if active), then the loops' and
    /// branches' bookkeeping.
    /// </summary>
    public Block Hoisted(Block body)
    {
        var declarations = new List<Stmt>();
        if (UsesTape) declarations.Add(new OpenTape());
        var scalars = new List<(string Name, ValueKind Kind)>();
        var bookkeeping = new List<Stmt>();
        Collect(body);
        var declared = new HashSet<string>();
        foreach (var (name, kind) in scalars)
            if (declared.Add(name))
                declarations.Add(new HoistedLocal(name, kind, kind == ValueKind.Real && _activity.IsActiveName(name), Varies(name)));
        declarations.AddRange(bookkeeping);
        return BlockOf(declarations);

        void Collect(Stmt statement)
        {
            switch (statement)
            {
                case Block block:
                    foreach (var s in block.Statements) Collect(s);
                    break;
                case DeclareLocal declare:
                    scalars.Add((declare.Name, declare.Kind));
                    break;
                case ForLoop loop:
                    scalars.Add((loop.Variable, ValueKind.Int));
                    if (_plan.HasReverseWork(loop))
                        bookkeeping.Add(new HoistedBookkeeping(ValueKind.Int, new ImmutableEquatableArray<string>(new[] { LoopStart(loop).Name, LoopCount(loop).Name })));
                    Collect(loop.Body);
                    break;
                case IfStmt branch:
                    if (_plan.HasReverseWork(branch))
                        bookkeeping.Add(new HoistedBookkeeping(ValueKind.Bool, new ImmutableEquatableArray<string>(new[] { BranchFlag(branch).Name })));
                    Collect(branch.Then);
                    if (branch.Else is not null) Collect(branch.Else);
                    break;
            }
        }
    }

    private bool Varies(string name) => _batch is not null && _batch.IsVarying(name);
    private bool Varies(Expr expr) => _batch is not null && _batch.IsVarying(expr);
    private bool VariesTarget(Expr target) => Activity.Root(target) is { } root && Varies(root);

    /// <summary>A varying span argument that is a whole per-query buffer: every query's row at once.</summary>
    private bool IsWholeBuffer(Expr span) => _batch is not null && span is LocalRef local && _batch.IsVarying(local.Name) && _batch.Buffer(local.Name) == local.Name;

    /// <summary><paramref name="statements"/> once, or for every query when <paramref name="varying"/>.</summary>
    private static void Lanes(List<Stmt> into, bool varying, bool backwards, List<Stmt> statements)
    {
        if (varying) into.Add(new PerQuery(BlockOf(statements), backwards));
        else into.AddRange(statements);
    }

    private LocalRef LoopStart(ForLoop loop) => new(EmittedNames.LoopStart(_plan.Id(loop)), ValueKind.Int);
    private LocalRef LoopCount(ForLoop loop) => new(EmittedNames.LoopCount(_plan.Id(loop)), ValueKind.Int);
    private LocalRef BranchFlag(IfStmt branch) => new(EmittedNames.BranchFlag(_plan.Id(branch)), ValueKind.Bool);

    private static Literal IntLiteral(int value) => new(value, ValueKind.Int);

    private Stmt Push(Expr value)
    {
        UsesTape = true;
        return new TapePush(value);
    }

    private void Forward(Stmt statement, List<Stmt> into)
    {
        switch (statement)
        {
            case Block block:
                foreach (var s in block.Statements) Forward(s, into);
                break;
            case DeclareLocal { Init: { } init } declare:
            {
                var local = new LocalRef(declare.Name, declare.Kind);
                var write = new List<Stmt>();
                if (_plan.PushesOnWrite(declare)) write.Add(Push(local));
                write.Add(new Assign(local, AssignOperator.Set, init, false));
                Lanes(into, Varies(declare.Name), false, write);
                break;
            }
            case StackAlloc alloc when Varies(alloc.Name):
                into.Add(new QueryBuffers(alloc, _activity.IsActiveName(alloc.Name)));
                break;
            case SpanAlias alias when Varies(alias.Name):
                break; // a part of each query's row of its buffer: resolved where it is used
            case StackAlloc alloc:
                into.Add(alloc);
                if (_activity.IsActiveName(alloc.Name))
                {
                    into.Add(new BarStackAlloc(alloc));
                    into.Add(new ClearBar(new LocalRef(alloc.Name, alloc.Kind), false));
                }
                break;
            case SpanAlias alias:
                Alias(alias, into);
                break;
            case Assign assign:
            {
                var write = new List<Stmt>();
                if (_plan.PushesOnWrite(assign)) write.Add(Push(assign.Target));
                write.Add(assign);
                Lanes(into, VariesTarget(assign.Target), false, write);
                break;
            }
            case CallStmt call when Varies(call.Call) && _batch!.Classify(call.Call) != BatchedCall.PerQuery:
                PushOutputs(call, inLane: false, into);
                into.Add(new WholeBatchCall(call));
                break;
            case CallStmt call:
            {
                bool varying = Varies(call.Call);
                var run = new List<Stmt>();
                PushOutputs(call, inLane: varying, run);
                run.Add(call);
                Lanes(into, varying, false, run);
                break;
            }
            case ForLoop loop:
            {
                bool work = _plan.HasReverseWork(loop);
                var body = new List<Stmt>();
                Forward(loop.Body, body);
                if (work)
                {
                    into.Add(new Assign(LoopStart(loop), AssignOperator.Set, loop.Start, false));
                    into.Add(new Assign(LoopCount(loop), AssignOperator.Set, IntLiteral(0), false));
                    body.Add(new CountIteration(LoopCount(loop)));
                }
                into.Add(new SweepLoop(loop, work ? LoopStart(loop) : loop.Start, BlockOf(body)));
                if (work && loop.InLoop)
                {
                    into.Add(Push(LoopStart(loop)));
                    into.Add(Push(LoopCount(loop)));
                }
                break;
            }
            case IfStmt branch:
            {
                bool work = _plan.HasReverseWork(branch);
                var condition = branch.Condition;
                if (work)
                {
                    into.Add(new Assign(BranchFlag(branch), AssignOperator.Set, condition, false));
                    condition = BranchFlag(branch);
                }
                var then = new List<Stmt>();
                Forward(branch.Then, then);
                Block? otherwise = null;
                if (branch.Else is not null && branch.Else.Statements.Count > 0)
                {
                    var elseStatements = new List<Stmt>();
                    Forward(branch.Else, elseStatements);
                    otherwise = BlockOf(elseStatements);
                }
                into.Add(new SweepBranch(condition, BlockOf(then), otherwise));
                // Pushed after the branch body, so that the reverse sweep pops it before reversing the body.
                if (work && branch.InLoop) into.Add(Push(BranchFlag(branch)));
                break;
            }
            case ReturnStmt:
                break; // returns are in tail position: falling through to the reverse sweep is the same
        }
    }

    /// <summary>A span alias, and the same part of the aliased span's adjoint if the alias is active.</summary>
    private void Alias(SpanAlias alias, List<Stmt> into)
    {
        into.Add(alias);
        if (_activity.IsActiveName(alias.Name)) into.Add(new BarAlias(alias));
    }

    /// <summary>Pushes the old contents of the outputs the reverse sweep reads (per query for rows of a batch).</summary>
    private void PushOutputs(CallStmt statement, bool inLane, List<Stmt> into)
    {
        foreach (var output in ReversePlan.OutputArgs(statement.Call))
        {
            if (Activity.Root(output) is not { } root || !_plan.Records(statement, root)) continue;
            UsesTape = true;
            if (IsWholeBuffer(output) && !inLane) into.Add(new TapePushSpan(output, WholeBuffer: true));
            else Lanes(into, Varies(root) && !inLane, false, new List<Stmt> { new TapePushSpan(output, false) });
        }
    }

    private Block Reverse(Block block, Expr resultBar, bool topLevel = false)
    {
        var reverse = new List<Stmt>();
        if (!topLevel)
        {
            // Span aliases inside loops and branches are re-created: the reverse body needs them too.
            foreach (var alias in block.Statements.OfType<SpanAlias>())
                if (!Varies(alias.Name)) Alias(alias, reverse);
        }
        for (int i = block.Statements.Count - 1; i >= 0; i--)
            if (_plan.HasReverseWork(block.Statements[i])) Reverse(block.Statements[i], resultBar, reverse);
        return BlockOf(reverse);
    }

    private void Reverse(Stmt statement, Expr resultBar, List<Stmt> into)
    {
        switch (statement)
        {
            case Block block:
                into.Add(Reverse(block, resultBar));
                break;
            case DeclareLocal declare:
                Lanes(into, Varies(declare.Name), true, new List<Stmt>
                {
                    ReverseWrite(new LocalRef(declare.Name, declare.Kind), AssignOperator.Set, declare.Init!, _plan.PushesOnWrite(declare)),
                });
                break;
            case Assign assign:
                Lanes(into, VariesTarget(assign.Target), true, new List<Stmt>
                {
                    ReverseWrite(assign.Target, assign.Op, assign.Value, _plan.PushesOnWrite(assign), _plan.ZeroesBar(assign)),
                });
                break;
            case CallStmt call:
                ReverseCall(call, into);
                break;
            case ForLoop loop:
                ReverseLoop(loop, resultBar, into);
                break;
            case IfStmt branch:
                ReverseBranch(branch, resultBar, into);
                break;
            case ReturnStmt { Value: not null } ret:
                Lanes(into, _batch is not null, true, new List<Stmt> { ReverseReturn(ret, resultBar) });
                break;
        }
    }

    /// <summary>A loop run backwards over its recorded trip count, the loop variable recomputed from the recorded start.</summary>
    private void ReverseLoop(ForLoop loop, Expr resultBar, List<Stmt> into)
    {
        into.Add(new Comment("for " + loop.Variable + ", backwards"));
        if (loop.InLoop)
        {
            into.Add(new TapePop(LoopCount(loop)));
            into.Add(new TapePop(LoopStart(loop)));
        }
        var k = new LocalRef(NewTemp(EmittedNames.Iteration), ValueKind.Int);
        Expr offset = loop.Step == 1 ? k : new BinaryExpr(BinaryOperator.Multiply, k, IntLiteral(loop.Step), ValueKind.Int);
        if (loop.Step < 0) offset = new Grouped(offset);
        var body = new List<Stmt>
        {
            new Assign(new LocalRef(loop.Variable, ValueKind.Int), AssignOperator.Set, new BinaryExpr(BinaryOperator.Add, LoopStart(loop), offset, ValueKind.Int), false),
        };
        body.AddRange(Reverse(loop.Body, resultBar).Statements);
        var last = new BinaryExpr(BinaryOperator.Subtract, LoopCount(loop), IntLiteral(1), ValueKind.Int);
        into.Add(new ForLoop(k.Name, last, BinaryOperator.GreaterOrEqual, IntLiteral(0), -1, BlockOf(body), false));
    }

    /// <summary>A branch replayed by its recorded side.</summary>
    private void ReverseBranch(IfStmt branch, Expr resultBar, List<Stmt> into)
    {
        var flag = BranchFlag(branch);
        if (branch.InLoop) into.Add(new TapePop(flag));
        bool thenWork = _plan.HasReverseWork(branch.Then);
        bool elseWork = branch.Else is not null && _plan.HasReverseWork(branch.Else);
        if (thenWork)
            into.Add(new IfStmt(flag, Reverse(branch.Then, resultBar), elseWork ? Reverse(branch.Else!, resultBar) : null, false));
        else if (elseWork)
            into.Add(new IfStmt(new UnaryExpr(UnaryOperator.Not, flag, ValueKind.Bool), Reverse(branch.Else!, resultBar), null, false));
    }

    private void ReverseCall(CallStmt statement, List<Stmt> into)
    {
        var call = statement.Call;
        if (!Varies(call))
        {
            ReverseCallOnce(statement, inLane: false, into);
            return;
        }
        switch (_batch!.Classify(call))
        {
            case BatchedCall.Dense:
                into.Add(new Comment(call.Target.DisplayName + " for every query at once"));
                if (_plan.CallIsActive(call))
                {
                    var active = call.Args.Where(_activity.IsActive).ToList();
                    Expr? windowStart = null, windowLength = null;
                    if (_plan.NarrowsInputBar(statement, out var window))
                    {
                        // Only part of the input's adjoint is read later (or none of it): compute only that.
                        if (window is null) active.Remove(call.Args[call.Args.Count - 2]);
                        else if (!Varies(window.Start) && !Varies(window.Length)) (windowStart, windowLength) = (window.Start, window.Length);
                    }
                    into.Add(new DenseAdjointCall(call, new ImmutableEquatableArray<Expr>(active), windowStart, windowLength));
                }
                ClearOutputBars(call, inLane: false, into);
                RestoreOutputs(statement, inLane: false, into);
                break;
            case BatchedCall.Elementwise:
                into.Add(new Comment(call.Target.DisplayName + " over whole buffers"));
                if (_plan.CallIsActive(call))
                    into.Add(new ElementwiseAdjointCall(call, new ImmutableEquatableArray<bool>(call.Args.Select(_activity.IsActive))));
                ClearOutputBars(call, inLane: false, into);
                RestoreOutputs(statement, inLane: false, into);
                break;
            default:
                var once = new List<Stmt>();
                ReverseCallOnce(statement, inLane: true, once);
                into.Add(new PerQuery(BlockOf(once), Backwards: true));
                break;
        }
    }

    private void ReverseCallOnce(CallStmt statement, bool inLane, List<Stmt> into)
    {
        var call = statement.Call;
        into.Add(new ReversesComment(statement));
        if (_plan.CallIsActive(call))
        {
            bool narrowed = _plan.NarrowsInputBar(statement, out var window);
            var scalarBars = AdjointCallOf(call, seed: null, into, narrowed ? (window, call.Args.Count - 2) : null);
            ClearOutputBars(call, inLane, into);
            RestoreOutputs(statement, inLane, into);
            foreach (var (arg, bar) in scalarBars) Propagate(arg, bar, into);
        }
        else
        {
            RestoreOutputs(statement, inLane, into);
        }
    }

    /// <summary>Outputs are overwritten by the call, so their adjoints before it are zero.</summary>
    private void ClearOutputBars(CallExpr call, bool inLane, List<Stmt> into)
    {
        foreach (var output in ReversePlan.OutputArgs(call))
        {
            if (Activity.Root(output) is not { } root || !_activity.IsActiveName(root)) continue;
            if (IsWholeBuffer(output) && !inLane) into.Add(new ClearBar(output, WholeBuffer: true));
            else Lanes(into, Varies(root) && !inLane, true, new List<Stmt> { new ClearBar(output, false) });
        }
    }

    private void RestoreOutputs(CallStmt statement, bool inLane, List<Stmt> into)
    {
        // Popped in reverse order of the pushes.
        foreach (var output in ReversePlan.OutputArgs(statement.Call).Reverse())
            if (Activity.Root(output) is { } root && _plan.Records(statement, root))
            {
                if (IsWholeBuffer(output) && !inLane) into.Add(new TapePopSpan(output, WholeBuffer: true));
                else Lanes(into, Varies(root) && !inLane, true, new List<Stmt> { new TapePopSpan(output, false) });
            }
    }

    // ------------------------------------------------------------ one statement

    /// <summary>
    /// The reverse of <c>target op= value</c> (a declaration with an initial value is a <c>Set</c>): the
    /// target's adjoint is taken as the seed and zeroed (for <c>=</c>), the old value restored from the tape
    /// when <paramref name="restore"/>, and the seed propagated into the value's active leaves. Without
    /// <paramref name="zeroBar"/>, the adjoint is left as it is: nothing reversed later reads it.
    /// </summary>
    public Block ReverseWrite(Expr target, AssignOperator op, Expr value, bool restore, bool zeroBar = true)
    {
        var reverse = new List<Stmt> { new ReversesComment(new Assign(target, op, value, false)) };
        if (!_plan.IsActivePlace(target))
        {
            if (restore) reverse.Add(new TapePop(target));
            return BlockOf(reverse);
        }
        var bar = new BarRef(target);
        bool valueActive = _activity.IsActive(value);
        if (op == AssignOperator.Set)
        {
            LocalRef? seed = null;
            if (valueActive)
            {
                seed = new LocalRef(NewTemp(EmittedNames.Seed), ValueKind.Real);
                reverse.Add(new DeclareLocal(seed.Name, ValueKind.Real, bar, false));
            }
            if (zeroBar) reverse.Add(new Assign(bar, AssignOperator.Set, RealLiteral(0), false));
            if (restore) reverse.Add(new TapePop(target));
            if (seed is not null) Propagate(value, seed, reverse);
            return BlockOf(reverse);
        }
        // target += value: the target's adjoint passes through unchanged; the value receives it (negated for -=).
        if (restore) reverse.Add(new TapePop(target));
        if (!valueActive) return BlockOf(reverse);
        var accumulated = new LocalRef(NewTemp(EmittedNames.Seed), ValueKind.Real);
        reverse.Add(new DeclareLocal(accumulated.Name, ValueKind.Real, op == AssignOperator.Subtract ? Negate(bar) : bar, false));
        Propagate(value, accumulated, reverse);
        return BlockOf(reverse);
    }

    /// <summary>The reverse of <c>return value</c>: the result's adjoint <paramref name="resultBar"/> flows into the value.</summary>
    public Block ReverseReturn(ReturnStmt ret, Expr resultBar)
    {
        var reverse = new List<Stmt> { new ReversesComment(ret) };
        if (ret.Value is not null) Propagate(ret.Value, resultBar, reverse);
        return BlockOf(reverse);
    }

    /// <summary>
    /// The call to the callee's adjoint for <paramref name="call"/> (into <paramref name="into"/>), returning the
    /// scalar adjoint temporaries still to propagate into the scalar arguments' expressions.
    /// </summary>
    /// <remarks>
    /// <paramref name="narrowed"/>: the argument (a dense layer's input) whose adjoint is needed over a window only, or
    /// not at all (<see cref="InputBarWindows"/>); its bar is then that window of the adjoint span, and the call the
    /// adjoint's windowed form.
    /// </remarks>
    public List<(Expr Arg, LocalRef Bar)> AdjointCallOf(CallExpr call, Expr? seed, List<Stmt> into, (InputBarWindows.Window? Window, int Arg)? narrowed = null)
    {
        Expr? windowStart = null;
        var target = call.Target;
        var outputBars = new List<Expr>();
        var inputBars = new List<Expr>();
        var pending = new List<(Expr, LocalRef)>();
        for (int i = 0; i < call.Args.Count; i++)
        {
            var arg = call.Args[i];
            switch (Activity.RoleAt(target, i))
            {
                case ArgumentRole.Output:
                    outputBars.Add(Activity.Root(arg) is { } root && _activity.IsActiveName(root) ? new BarSpanRef(arg) : new DefaultArg());
                    break;
                case ArgumentRole.InputSpan when narrowed is { } part && part.Arg == i && _activity.IsActive(arg):
                    if (part.Window is { } window)
                    {
                        inputBars.Add(new BarSpanRef(new SliceExpr(arg, window.Start, window.Length)));
                        windowStart = window.Start;
                    }
                    else
                    {
                        inputBars.Add(new DefaultArg());
                    }
                    break;
                case ArgumentRole.InputSpan:
                    // An empty adjoint span tells the callee that this input's adjoint is not needed.
                    inputBars.Add(_activity.IsActive(arg) ? new BarSpanRef(arg) : new DefaultArg());
                    break;
                case ArgumentRole.Input:
                    var temp = new LocalRef(NewTemp(EmittedNames.ArgumentBar), ValueKind.Real);
                    into.Add(new DeclareLocal(temp.Name, ValueKind.Real, RealLiteral(0), false));
                    inputBars.Add(new RefArg(temp));
                    if (_activity.IsActive(arg)) pending.Add((arg, temp));
                    break;
            }
        }
        Rules.Add((target.Kind == CallKind.CustomAdjoint ? "custom adjoint " : "adjoint of [Differentiable] ") + target.DisplayName);
        into.Add(new AdjointCall(call, seed, new ImmutableEquatableArray<Expr>(outputBars), new ImmutableEquatableArray<Expr>(inputBars), windowStart));
        return pending;
    }

    /// <summary>Adds <paramref name="seed"/> · ∂expr/∂leaf into the adjoint of every active leaf of <paramref name="expr"/>.</summary>
    public void Propagate(Expr expr, Expr seed, List<Stmt> into)
    {
        if (!_activity.IsActive(expr)) return;
        var s = new Grouped(seed);
        switch (expr)
        {
            case LocalRef or ElementRef or ParamRef:
                into.Add(new Assign(new BarRef(expr), AssignOperator.Add, seed, false));
                break;
            case CastExpr cast:
                Propagate(cast.Operand, seed, into);
                break;
            case UnaryExpr { Op: UnaryOperator.Negate } unary:
                Propagate(unary.Operand, Negate(s), into);
                break;
            case BinaryExpr { Op: BinaryOperator.Add } binary:
                Propagate(binary.Left, seed, into);
                Propagate(binary.Right, seed, into);
                break;
            case BinaryExpr { Op: BinaryOperator.Subtract } binary:
                Propagate(binary.Left, seed, into);
                Propagate(binary.Right, Negate(s), into);
                break;
            case BinaryExpr { Op: BinaryOperator.Multiply } binary:
                Rules.Add("d(a * b) = b da + a db");
                Propagate(binary.Left, Times(s, new Grouped(binary.Right)), into);
                Propagate(binary.Right, Times(s, new Grouped(binary.Left)), into);
                break;
            case BinaryExpr { Op: BinaryOperator.Divide } binary:
                Rules.Add("d(a / b) = da / b - a db / b^2");
                Propagate(binary.Left, Over(s, new Grouped(binary.Right)), into);
                if (_activity.IsActive(binary.Right))
                {
                    var b = new Grouped(binary.Right);
                    Propagate(binary.Right, Over(Times(Negate(s), new Grouped(binary.Left)), new Grouped(Times(b, b))), into);
                }
                break;
            case ConditionalExpr conditional:
            {
                var whenTrue = new List<Stmt>();
                var whenFalse = new List<Stmt>();
                Propagate(conditional.WhenTrue, seed, whenTrue);
                Propagate(conditional.WhenFalse, seed, whenFalse);
                into.Add(new IfStmt(conditional.Condition, BlockOf(whenTrue), BlockOf(whenFalse), false));
                break;
            }
            case MathCall math:
                PropagateMath(math, s, into);
                break;
            case CallExpr call:
            {
                var temp = new LocalRef(NewTemp(EmittedNames.Seed), ValueKind.Real);
                into.Add(new DeclareLocal(temp.Name, ValueKind.Real, seed, false));
                foreach (var (arg, bar) in AdjointCallOf(call, temp, into)) Propagate(arg, bar, into);
                break;
            }
            default:
                throw new System.InvalidOperationException("Cannot differentiate " + expr.GetType().Name);
        }
    }

    private void Rule(string rule, List<Stmt> into, string? comment = null)
    {
        Rules.Add(rule);
        into.Add(new Comment(comment ?? rule));
    }

    private void PropagateMath(MathCall math, Grouped s, List<Stmt> into)
    {
        var a = math.Args[0];
        switch (math.Function)
        {
            case MathFunction.Exp:
                Rule("d exp(x) = exp(x) dx", into);
                Propagate(a, Times(s, Math(MathFunction.Exp, a)), into);
                break;
            case MathFunction.Log:
                Rule("d log(x) = dx / x", into);
                Propagate(a, Over(s, new Grouped(a)), into);
                break;
            case MathFunction.Tanh:
            {
                Rule("d tanh(x) = (1 - tanh(x)^2) dx", into);
                var t = new LocalRef(NewTemp(EmittedNames.Tanh), ValueKind.Real);
                into.Add(new DeclareLocal(t.Name, ValueKind.Real, Math(MathFunction.Tanh, a), false));
                Propagate(a, Times(s, new Grouped(new BinaryExpr(BinaryOperator.Subtract, RealLiteral(1), Times(t, t), ValueKind.Real))), into);
                break;
            }
            case MathFunction.Sqrt:
                Rule("d sqrt(x) = dx / (2 sqrt(x))", into);
                Propagate(a, Over(s, new Grouped(Times(RealLiteral(2), Math(MathFunction.Sqrt, a)))), into);
                break;
            case MathFunction.Sin:
                Rule("d sin(x) = cos(x) dx", into);
                Propagate(a, Times(s, Math(MathFunction.Cos, a)), into);
                break;
            case MathFunction.Cos:
                Rule("d cos(x) = -sin(x) dx", into);
                Propagate(a, Times(Negate(s), Math(MathFunction.Sin, a)), into);
                break;
            case MathFunction.Abs:
                Rule("d |x| = sign(x) dx (taking +1 at 0)", into, "d |x| = sign(x) dx");
                var negative = new BinaryExpr(BinaryOperator.Less, a, RealLiteral(0), ValueKind.Bool);
                Propagate(a, new Grouped(new ConditionalExpr(negative, Negate(s), s, ValueKind.Real)), into);
                break;
            case MathFunction.Pow:
            {
                Rule("d x^y = y x^(y-1) dx + x^y log(x) dy", into);
                var b = math.Args[1];
                var exponentLessOne = new BinaryExpr(BinaryOperator.Subtract, b, RealLiteral(1), ValueKind.Real);
                Propagate(a, Times(Times(s, new Grouped(b)), Math(MathFunction.Pow, a, exponentLessOne)), into);
                if (_activity.IsActive(b))
                    Propagate(b, Times(Times(s, Math(MathFunction.Pow, a, b)), Math(MathFunction.Log, a)), into);
                break;
            }
            case MathFunction.Max:
            case MathFunction.Min:
            {
                bool max = math.Function == MathFunction.Max;
                Rule(max ? "d max(a, b) = da where a >= b, else db" : "d min(a, b) = da where a <= b, else db", into);
                var b = math.Args[1];
                var first = new List<Stmt>();
                var second = new List<Stmt>();
                Propagate(a, s, first);
                Propagate(b, s, second);
                var chooseFirst = new BinaryExpr(max ? BinaryOperator.GreaterOrEqual : BinaryOperator.LessOrEqual, new Grouped(a), new Grouped(b), ValueKind.Bool);
                into.Add(new IfStmt(chooseFirst, BlockOf(first), BlockOf(second), false));
                break;
            }
            default:
                throw new System.InvalidOperationException("No derivative rule for " + math.Function);
        }
    }
}
