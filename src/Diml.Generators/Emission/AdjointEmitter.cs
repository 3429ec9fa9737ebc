using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Diml.Generators.Analysis;
using Diml.Generators.Differentiation;
using Diml.Generators.Optimisation;
using Diml.Generators.Ir;
using Diml.Generators.Model;
using Diml.Generators.Parsing;

namespace Diml.Generators.Emission;

/// <summary>
/// Emits the body of a reverse-mode adjoint by source transformation.
/// </summary>
/// <remarks>
/// The forward sweep runs the user's statements, saving on the tape the old value of every variable the
/// reverse sweep will read before it is overwritten, plus the trip count of each nested loop and the side
/// taken by each nested branch. The reverse sweep visits the statements backwards; after reversing a
/// statement it restores what the statement overwrote, so every statement is reversed in exactly the state
/// it ran in. Loops and branches that are not nested inside a loop keep their bookkeeping in locals.
/// </remarks>
internal sealed class AdjointEmitter
{
    private readonly KernelMethod _method;
    private readonly ExpressionPrinter _p;
    private readonly Activity _activity;
    private readonly ReversePlan _plan;
    private readonly string _resultBar;
    private readonly HashSet<string> _declaredScalars = new();
    private int _temp;
    private bool _usesTape;

    private readonly LaneEmitter? _lanes;

    /// <summary>
    /// A per-query adjoint, or with <paramref name="lanes"/> a batched one: every varying statement runs for all
    /// queries (forwards in the forward sweep, backwards in the reverse sweep, so the tape stays last-in first-out).
    /// </summary>
    public AdjointEmitter(KernelMethod method, ExpressionPrinter printer, string resultBar, LaneEmitter? lanes = null)
    {
        _method = method;
        _p = printer;
        _resultBar = resultBar;
        _lanes = lanes;
        _plan = new ReversePlan(method);
        _activity = _plan.Activity;
    }

    /// <summary>The derivative rules the emitted code applies, for the documentation.</summary>
    public SortedSet<string> Rules { get; } = new(System.StringComparer.Ordinal);

    public Activity Activity => _activity;

    private string Real => _p.Precision.Real;

    private string Zero => _p.Precision.Literal(0);

    private string NewTemp(string stem) => EmittedNames.Temporary(stem, ++_temp);

    /// <summary>Writes hoisted locals, the forward sweep and the reverse sweep.</summary>
    public void EmitBody(SourceWriter output)
    {
        var forward = new SourceWriter();
        EmitForward(_method.Body, forward);
        var reverse = new SourceWriter();
        EmitReverse(_method.Body, reverse, topLevel: true);

        if (_usesTape) output.WriteLine("var tape = global::Diml.Kernels.AdjointTape.Current;");
        EmitHoisted(output);
        output.WriteLine();
        output.WriteLine("// Forward sweep: the user's statements, saving what the reverse sweep needs.");
        if (!forward.IsEmpty) output.Append(forward);
        output.WriteLine();
        output.WriteLine("// Reverse sweep: statements in reverse order, each propagating its result's adjoint to its operands.");
        if (!reverse.IsEmpty) output.Append(reverse);
    }

    // ------------------------------------------------------------ bookkeeping

    private void EmitHoisted(SourceWriter output)
    {
        var scalars = new List<(string Name, ValueKind Kind)>();
        var bookkeeping = new List<string>();
        Collect(_method.Body);
        foreach (var (name, kind) in scalars)
        {
            if (!_declaredScalars.Add(name)) continue;
            if (Varies(name))
            {
                output.WriteLine(_lanes!.ScalarBuffer(name, kind));
                if (kind == ValueKind.Real && _activity.IsActiveName(name)) output.WriteLine(_lanes.ScalarBuffer(_p.BarName(name), kind));
                continue;
            }
            string init = kind switch { ValueKind.Real => Zero, ValueKind.Bool => "false", _ => "0" };
            string line = _p.TypeName(kind) + " " + name + " = " + init;
            if (kind == ValueKind.Real && _activity.IsActiveName(name)) line += ", " + _p.BarName(name) + " = " + init;
            output.WriteLine(line + ";");
        }
        foreach (var line in bookkeeping) output.WriteLine(line);

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
                        bookkeeping.Add("int " + LoopStart(loop) + " = 0, " + LoopCount(loop) + " = 0;");
                    Collect(loop.Body);
                    break;
                case IfStmt branch:
                    if (_plan.HasReverseWork(branch)) bookkeeping.Add("bool " + BranchFlag(branch) + " = false;");
                    Collect(branch.Then);
                    if (branch.Else is not null) Collect(branch.Else);
                    break;
            }
        }
    }

    private bool Varies(string name) => _lanes is not null && _lanes.IsVaryingName(name);
    private bool Varies(Expr expr) => _lanes is not null && _lanes.IsVarying(expr);
    private bool VariesTarget(Expr target) => Activity.Root(target) is { } root && Varies(root);

    /// <summary>Emits <paramref name="body"/> once, or for every query when <paramref name="varying"/>.</summary>
    private void PerQuery(SourceWriter w, bool varying, bool backwards, System.Action body)
    {
        if (varying) _lanes!.ForEachQuery(w, backwards, body);
        else body();
    }

    private string LoopStart(ForLoop loop) => EmittedNames.LoopStart(_plan.Id(loop));
    private string LoopCount(ForLoop loop) => EmittedNames.LoopCount(_plan.Id(loop));
    private string BranchFlag(IfStmt branch) => EmittedNames.BranchFlag(_plan.Id(branch));

    // ------------------------------------------------------------ forward sweep

    private void EmitForward(Stmt statement, SourceWriter w)
    {
        switch (statement)
        {
            case Block block:
                foreach (var s in block.Statements) EmitForward(s, w);
                break;
            case DeclareLocal declare:
                if (declare.Init is null) break;
                PerQuery(w, Varies(declare.Name), false, () =>
                {
                    var local = new LocalRef(declare.Name, declare.Kind);
                    if (_plan.PushesOnWrite(declare)) Push(w, local);
                    w.WriteLine(_p.Print(local) + " = " + _p.Print(declare.Init) + ";");
                });
                break;
            case StackAlloc alloc when Varies(alloc.Name):
                _lanes!.SpanBuffer(w, alloc, withBar: _activity.IsActiveName(alloc.Name));
                break;
            case SpanAlias alias when Varies(alias.Name):
                break; // a part of each query's row of its buffer: resolved where it is used
            case StackAlloc alloc:
            {
                string element = alloc.Kind == ValueKind.RealSpan ? Real : "int";
                string size = _p.Print(alloc.Size);
                w.WriteLine("global::System.Span<" + element + "> " + alloc.Name + " = stackalloc " + element + "[" + size + "];");
                if (_activity.IsActiveName(alloc.Name))
                {
                    w.WriteLine("global::System.Span<" + element + "> " + _p.BarName(alloc.Name) + " = stackalloc " + element + "[" + size + "];");
                    w.WriteLine(_p.BarName(alloc.Name) + ".Clear();");
                }
                break;
            }
            case SpanAlias alias:
                EmitAlias(alias, w);
                break;
            case Assign assign:
                PerQuery(w, VariesTarget(assign.Target), false, () =>
                {
                    if (_plan.PushesOnWrite(assign)) Push(w, assign.Target);
                    w.WriteLine(_p.Print(assign.Target) + " " + Operators.Text(assign.Op) + " " + _p.Print(assign.Value) + ";");
                });
                break;
            case CallStmt call when Varies(call.Call) && _lanes!.Classify(call.Call) != BatchedCall.PerQuery:
                PushOutputs(call, w);
                new ForwardEmitter(_p, _lanes).Emit(call, w);
                break;
            case CallStmt call:
                PerQuery(w, Varies(call.Call), false, () =>
                {
                    PushOutputs(call, w);
                    w.WriteLine(_p.Print(call.Call) + ";");
                });
                break;
            case ForLoop loop:
                EmitForwardLoop(loop, w);
                break;
            case IfStmt branch:
                EmitForwardBranch(branch, w);
                break;
            case ReturnStmt:
                break; // returns are in tail position: falling through to the reverse sweep is the same
        }
    }

    private void EmitAlias(SpanAlias alias, SourceWriter w)
    {
        string type = alias.Writable ? "global::System.Span<" + Real + ">" : "global::System.ReadOnlySpan<" + Real + ">";
        if (alias.Value.Kind == ValueKind.IntSpan)
            type = alias.Writable ? "global::System.Span<int>" : "global::System.ReadOnlySpan<int>";
        w.WriteLine(type + " " + alias.Name + " = " + _p.Print(alias.Value) + ";");
        if (_activity.IsActiveName(alias.Name) && _p.BarSpan(alias.Value) is { } bar)
            w.WriteLine("global::System.Span<" + Real + "> " + _p.BarName(alias.Name) + " = " + bar + ";");
    }

    private void Push(SourceWriter w, Expr place)
    {
        _usesTape = true;
        string value = _p.Print(place);
        w.WriteLine(place.Kind switch
        {
            ValueKind.Real => "tape.PushReal(" + value + ");",
            ValueKind.Bool => "tape.PushInt(" + value + " ? 1 : 0);",
            _ => "tape.PushInt(" + value + ");",
        });
    }

    private string Pop(Expr place) => place.Kind switch
    {
        ValueKind.Real => _p.Print(place) + " = " + (_p.Precision.IsDouble ? "" : "(float)") + "tape.PopReal();",
        ValueKind.Bool => _p.Print(place) + " = tape.PopInt() != 0;",
        _ => _p.Print(place) + " = tape.PopInt();",
    };

    private void EmitForwardLoop(ForLoop loop, SourceWriter w)
    {
        string step = ExpressionPrinter.StepText(loop);
        bool work = _plan.HasReverseWork(loop);
        string start = work ? LoopStart(loop) : _p.Print(loop.Start);
        if (work)
        {
            w.WriteLine(LoopStart(loop) + " = " + _p.Print(loop.Start) + ";");
            w.WriteLine(LoopCount(loop) + " = 0;");
        }
        w.OpenBlock("for (" + loop.Variable + " = " + start + "; " + loop.Variable + " " + loop.Comparison + " " + _p.Print(loop.Bound) + "; " + step + ")");
        EmitForward(loop.Body, w);
        if (work) w.WriteLine(LoopCount(loop) + "++;");
        w.CloseBlock();
        if (work && loop.InLoop)
        {
            _usesTape = true;
            w.WriteLine("tape.PushInt(" + LoopStart(loop) + ");");
            w.WriteLine("tape.PushInt(" + LoopCount(loop) + ");");
        }
    }


    private void EmitForwardBranch(IfStmt branch, SourceWriter w)
    {
        bool work = _plan.HasReverseWork(branch);
        string condition = _p.Print(branch.Condition);
        if (work)
        {
            w.WriteLine(BranchFlag(branch) + " = " + condition + ";");
            condition = BranchFlag(branch);
        }
        w.OpenBlock("if (" + condition + ")");
        EmitForward(branch.Then, w);
        w.CloseBlock();
        if (branch.Else is not null && branch.Else.Statements.Count > 0)
        {
            w.OpenBlock("else");
            EmitForward(branch.Else, w);
            w.CloseBlock();
        }
        if (work && branch.InLoop)
        {
            // Pushed after the branch body, so that the reverse sweep pops it before reversing the body.
            _usesTape = true;
            w.WriteLine("tape.PushInt(" + BranchFlag(branch) + " ? 1 : 0);");
        }
    }

    // ------------------------------------------------------------ reverse sweep

    private void EmitReverse(Stmt statement, SourceWriter w, bool topLevel = false)
    {
        switch (statement)
        {
            case Block block:
                if (!topLevel)
                {
                    // Span aliases inside loops and branches are re-created: the reverse body needs them too.
                    foreach (var alias in block.Statements.OfType<SpanAlias>())
                        if (!Varies(alias.Name)) EmitAlias(alias, w);
                }
                for (int i = block.Statements.Count - 1; i >= 0; i--)
                    if (_plan.HasReverseWork(block.Statements[i])) EmitReverse(block.Statements[i], w);
                break;
            case DeclareLocal declare:
                PerQuery(w, Varies(declare.Name), true, () =>
                    EmitReverseWrite(new LocalRef(declare.Name, declare.Kind), AssignOperator.Set, declare.Init!, _plan.PushesOnWrite(declare), w));
                break;
            case Assign assign:
                PerQuery(w, VariesTarget(assign.Target), true, () =>
                    EmitReverseWrite(assign.Target, assign.Op, assign.Value, _plan.PushesOnWrite(assign), w));
                break;
            case CallStmt call:
                EmitReverseCall(call, w);
                break;
            case ForLoop loop:
                EmitReverseLoop(loop, w);
                break;
            case IfStmt branch:
                EmitReverseBranch(branch, w);
                break;
            case ReturnStmt { Value: { } value }:
                PerQuery(w, _lanes is not null, true, () =>
                {
                    w.WriteLine("// return " + _p.Print(value));
                    Propagate(value, _resultBar, w);
                });
                break;
        }
    }

    private void EmitReverseWrite(Expr target, AssignOperator op, Expr value, bool restore, SourceWriter w)
    {
        bool active = _plan.IsActivePlace(target);
        string forward = _p.Print(target) + " " + Operators.Text(op) + " " + _p.Print(value);
        w.WriteLine("// " + forward);
        if (!active)
        {
            if (restore) w.WriteLine(Pop(target));
            return;
        }
        string bar = _p.Bar(target);
        bool valueActive = _activity.IsActive(value);
        if (op == AssignOperator.Set)
        {
            if (valueActive)
            {
                string seed = NewTemp(EmittedNames.Seed);
                w.WriteLine(Real + " " + seed + " = " + bar + ";");
                w.WriteLine(bar + " = " + Zero + ";");
                if (restore) w.WriteLine(Pop(target));
                Propagate(value, seed, w);
            }
            else
            {
                w.WriteLine(bar + " = " + Zero + ";");
                if (restore) w.WriteLine(Pop(target));
            }
            return;
        }
        // target += value: the target's adjoint passes through unchanged; the value receives it (negated for -=).
        if (restore) w.WriteLine(Pop(target));
        if (!valueActive) return;
        string accumulated = NewTemp(EmittedNames.Seed);
        w.WriteLine(Real + " " + accumulated + " = " + (op == AssignOperator.Subtract ? "-" : "") + bar + ";");
        Propagate(value, accumulated, w);
    }

    private void EmitReverseLoop(ForLoop loop, SourceWriter w)
    {
        w.WriteLine("// for " + loop.Variable + ", backwards");
        if (loop.InLoop)
        {
            w.WriteLine(LoopCount(loop) + " = tape.PopInt();");
            w.WriteLine(LoopStart(loop) + " = tape.PopInt();");
        }
        string k = NewTemp(EmittedNames.Iteration);
        w.OpenBlock("for (int " + k + " = " + LoopCount(loop) + " - 1; " + k + " >= 0; " + k + "--)");
        string step = loop.Step == 1 ? k : k + " * " + loop.Step.ToString(CultureInfo.InvariantCulture);
        w.WriteLine(loop.Variable + " = " + LoopStart(loop) + " + " + (loop.Step < 0 ? "(" + step + ")" : step) + ";");
        EmitReverse(loop.Body, w);
        w.CloseBlock();
    }

    private void EmitReverseBranch(IfStmt branch, SourceWriter w)
    {
        if (branch.InLoop) w.WriteLine(BranchFlag(branch) + " = tape.PopInt() != 0;");
        bool thenWork = _plan.HasReverseWork(branch.Then);
        bool elseWork = branch.Else is not null && _plan.HasReverseWork(branch.Else);
        if (thenWork)
        {
            w.OpenBlock("if (" + BranchFlag(branch) + ")");
            EmitReverse(branch.Then, w);
            w.CloseBlock();
            if (elseWork)
            {
                w.OpenBlock("else");
                EmitReverse(branch.Else!, w);
                w.CloseBlock();
            }
        }
        else if (elseWork)
        {
            w.OpenBlock("if (!" + BranchFlag(branch) + ")");
            EmitReverse(branch.Else!, w);
            w.CloseBlock();
        }
    }

    private void EmitReverseCall(CallStmt statement, SourceWriter w)
    {
        var call = statement.Call;
        if (!Varies(call))
        {
            EmitReverseCallOnce(statement, w);
            return;
        }
        switch (_lanes!.Classify(call))
        {
            case BatchedCall.Dense:
                w.WriteLine("// " + call.Target.DisplayName + " for every query at once");
                if (_plan.CallIsActive(call)) w.WriteLine(_lanes.DenseAdjoint(call, _activity.IsActive));
                ClearOutputBars(call, w);
                RestoreOutputs(statement, w);
                break;
            case BatchedCall.Elementwise:
            {
                w.WriteLine("// " + call.Target.DisplayName + " over whole buffers");
                var buffers = _lanes.WholeBuffers(call);
                if (_plan.CallIsActive(call))
                {
                    var args = new List<string>(buffers);
                    for (int i = 0; i < call.Args.Count; i++)
                        if (Activity.RoleAt(call.Target, i) == ArgumentRole.Output) args.Add(_p.BarName(buffers[i]));
                    for (int i = 0; i < call.Args.Count; i++)
                        if (Activity.RoleAt(call.Target, i) == ArgumentRole.InputSpan) args.Add(_activity.IsActive(call.Args[i]) ? _p.BarName(buffers[i]) : "default");
                    w.WriteLine(call.Target.Adjoint + "(" + string.Join(", ", args) + ");");
                }
                ClearOutputBars(call, w);
                RestoreOutputs(statement, w);
                break;
            }
            default:
                _lanes.ForEachQuery(w, true, () => EmitReverseCallOnce(statement, w));
                break;
        }
    }

    /// <summary>Pushes the old contents of the outputs the reverse sweep reads (per query for rows of a batch).</summary>
    private void PushOutputs(CallStmt statement, SourceWriter w)
    {
        var call = statement.Call;
        foreach (var output in ReversePlan.OutputArgs(call))
        {
            if (Activity.Root(output) is not { } root || !_plan.Records(statement, root)) continue;
            _usesTape = true;
            if (IsWholeBuffer(output) && !_p.InLane) w.WriteLine("tape.PushSpan(" + root + ");");
            else if (Varies(root) && !_p.InLane) _lanes!.ForEachQuery(w, false, () => w.WriteLine("tape.PushSpan(" + _p.Print(output) + ");"));
            else w.WriteLine("tape.PushSpan(" + _p.Print(output) + ");");
        }
    }

    /// <summary>A varying span argument that is a whole per-query buffer: every query's row at once.</summary>
    private bool IsWholeBuffer(Expr span) => _lanes is not null && span is LocalRef local && _lanes.IsVaryingName(local.Name) && _lanes.Plan.Buffer(local.Name) == local.Name;

    /// <summary>Outputs are overwritten by the call, so their adjoints before it are zero.</summary>
    private void ClearOutputBars(CallExpr call, SourceWriter w)
    {
        foreach (var output in ReversePlan.OutputArgs(call))
        {
            if (Activity.Root(output) is not { } root || !_activity.IsActiveName(root)) continue;
            if (IsWholeBuffer(output) && !_p.InLane) w.WriteLine(_p.BarName(root) + ".Clear();");
            else PerQuery(w, Varies(root) && !_p.InLane, true, () => w.WriteLine(_p.BarSpan(output) + ".Clear();"));
        }
    }

    private void EmitReverseCallOnce(CallStmt statement, SourceWriter w)
    {
        var call = statement.Call;
        w.WriteLine("// " + _p.Print(call));
        if (_plan.CallIsActive(call))
        {
            var scalarBars = EmitAdjointCall(call, seed: null, w);
            ClearOutputBars(call, w);
            RestoreOutputs(statement, w);
            foreach (var (arg, bar) in scalarBars) Propagate(arg, bar, w);
        }
        else
        {
            RestoreOutputs(statement, w);
        }
    }

    private void RestoreOutputs(CallStmt statement, SourceWriter w)
    {
        var call = statement.Call;
        // Popped in reverse order of the pushes.
        foreach (var output in ReversePlan.OutputArgs(call).Reverse())
            if (Activity.Root(output) is { } root && _plan.Records(statement, root))
            {
                if (IsWholeBuffer(output) && !_p.InLane) w.WriteLine("tape.PopSpan(" + root + ");");
                else PerQuery(w, Varies(root) && !_p.InLane, true, () => w.WriteLine("tape.PopSpan(" + _p.Print(output) + ");"));
            }
    }

    /// <summary>
    /// Emits a call to the callee's adjoint and returns the scalar adjoint temporaries still to propagate
    /// into the scalar arguments' expressions.
    /// </summary>
    private List<(Expr Arg, string Bar)> EmitAdjointCall(CallExpr call, string? seed, SourceWriter w)
    {
        var target = call.Target;
        var primal = new List<string>();
        var outputBars = new List<string>();
        var inputBars = new List<string>();
        var pending = new List<(Expr, string)>();
        for (int i = 0; i < call.Args.Count; i++)
        {
            var arg = call.Args[i];
            primal.Add(_p.Print(arg));
            switch (Activity.RoleAt(target, i))
            {
                case ArgumentRole.Output:
                    outputBars.Add(_p.BarSpan(arg) is { } outBar && Activity.Root(arg) is { } root && _activity.IsActiveName(root) ? outBar : "default");
                    break;
                case ArgumentRole.InputSpan:
                    // An empty adjoint span tells the callee that this input's adjoint is not needed.
                    inputBars.Add(_activity.IsActive(arg) && _p.BarSpan(arg) is { } inBar ? inBar : "default");
                    break;
                case ArgumentRole.Input:
                    string temp = NewTemp(EmittedNames.ArgumentBar);
                    w.WriteLine(Real + " " + temp + " = " + Zero + ";");
                    inputBars.Add("ref " + temp);
                    if (_activity.IsActive(arg)) pending.Add((arg, temp));
                    break;
            }
        }
        var all = new List<string>(primal);
        if (seed is not null) all.Add(seed);
        all.AddRange(outputBars);
        all.AddRange(inputBars);
        string adjoint = _p.Precision.IsDouble ? target.AdjointDouble : target.Adjoint;
        Rules.Add((target.Kind == CallKind.CustomAdjoint ? "custom adjoint " : "adjoint of [Differentiable] ") + target.DisplayName);
        w.WriteLine(adjoint + "(" + string.Join(", ", all) + ");");
        return pending;
    }

    // ------------------------------------------------------------ adjoint of an expression

    /// <summary>Adds <paramref name="seed"/> · ∂expr/∂leaf into the adjoint of every active leaf of <paramref name="expr"/>.</summary>
    private void Propagate(Expr expr, string seed, SourceWriter w)
    {
        if (!_activity.IsActive(expr)) return;
        string s = ExpressionPrinter.Group(seed);
        switch (expr)
        {
            case LocalRef or ElementRef or ParamRef:
                w.WriteLine(_p.Bar(expr) + " += " + seed + ";");
                break;
            case CastExpr cast:
                Propagate(cast.Operand, seed, w);
                break;
            case UnaryExpr { Op: UnaryOperator.Negate } unary:
                Propagate(unary.Operand, "-" + s, w);
                break;
            case BinaryExpr { Op: BinaryOperator.Add } binary:
                Propagate(binary.Left, seed, w);
                Propagate(binary.Right, seed, w);
                break;
            case BinaryExpr { Op: BinaryOperator.Subtract } binary:
                Propagate(binary.Left, seed, w);
                Propagate(binary.Right, "-" + s, w);
                break;
            case BinaryExpr { Op: BinaryOperator.Multiply } binary:
                Rules.Add("d(a * b) = b da + a db");
                Propagate(binary.Left, s + " * " + Operand(binary.Right), w);
                Propagate(binary.Right, s + " * " + Operand(binary.Left), w);
                break;
            case BinaryExpr { Op: BinaryOperator.Divide } binary:
                Rules.Add("d(a / b) = da / b - a db / b^2");
                Propagate(binary.Left, s + " / " + Operand(binary.Right), w);
                if (_activity.IsActive(binary.Right))
                {
                    string b = Operand(binary.Right);
                    Propagate(binary.Right, "-" + s + " * " + Operand(binary.Left) + " / (" + b + " * " + b + ")", w);
                }
                break;
            case ConditionalExpr conditional:
                w.OpenBlock("if (" + _p.Print(conditional.Condition) + ")");
                Propagate(conditional.WhenTrue, seed, w);
                w.CloseBlock();
                if (_activity.IsActive(conditional.WhenFalse))
                {
                    w.OpenBlock("else");
                    Propagate(conditional.WhenFalse, seed, w);
                    w.CloseBlock();
                }
                break;
            case MathCall math:
                PropagateMath(math, s, w);
                break;
            case CallExpr call:
            {
                string temp = NewTemp(EmittedNames.Seed);
                w.WriteLine(Real + " " + temp + " = " + seed + ";");
                foreach (var (arg, bar) in EmitAdjointCall(call, temp, w)) Propagate(arg, bar, w);
                break;
            }
            default:
                throw new System.InvalidOperationException("Cannot differentiate " + expr.GetType().Name);
        }
    }

    /// <summary>An operand's value as a factor: simple operands inline, anything else in parentheses.</summary>
    private string Operand(Expr expr) => ExpressionPrinter.Group(_p.Print(expr));

    private void PropagateMath(MathCall math, string s, SourceWriter w)
    {
        string M = _p.Precision.Math;
        var a = math.Args[0];
        string x = _p.Print(a);
        switch (math.Function)
        {
            case MathFunction.Exp:
            {
                Rules.Add("d exp(x) = exp(x) dx");
                w.WriteLine("// d exp(x) = exp(x) dx");
                Propagate(a, s + " * " + M + ".Exp(" + x + ")", w);
                break;
            }
            case MathFunction.Log:
                Rules.Add("d log(x) = dx / x");
                w.WriteLine("// d log(x) = dx / x");
                Propagate(a, s + " / " + Operand(a), w);
                break;
            case MathFunction.Tanh:
            {
                Rules.Add("d tanh(x) = (1 - tanh(x)^2) dx");
                w.WriteLine("// d tanh(x) = (1 - tanh(x)^2) dx");
                string t = NewTemp(EmittedNames.Tanh);
                w.WriteLine(Real + " " + t + " = " + M + ".Tanh(" + x + ");");
                Propagate(a, s + " * (" + _p.Precision.Literal(1) + " - " + t + " * " + t + ")", w);
                break;
            }
            case MathFunction.Sqrt:
                Rules.Add("d sqrt(x) = dx / (2 sqrt(x))");
                w.WriteLine("// d sqrt(x) = dx / (2 sqrt(x))");
                Propagate(a, s + " / (" + _p.Precision.Literal(2) + " * " + M + ".Sqrt(" + x + "))", w);
                break;
            case MathFunction.Sin:
                Rules.Add("d sin(x) = cos(x) dx");
                w.WriteLine("// d sin(x) = cos(x) dx");
                Propagate(a, s + " * " + M + ".Cos(" + x + ")", w);
                break;
            case MathFunction.Cos:
                Rules.Add("d cos(x) = -sin(x) dx");
                w.WriteLine("// d cos(x) = -sin(x) dx");
                Propagate(a, "-" + s + " * " + M + ".Sin(" + x + ")", w);
                break;
            case MathFunction.Abs:
                Rules.Add("d |x| = sign(x) dx (taking +1 at 0)");
                w.WriteLine("// d |x| = sign(x) dx");
                Propagate(a, "(" + x + " < " + Zero + " ? -" + s + " : " + s + ")", w);
                break;
            case MathFunction.Pow:
            {
                Rules.Add("d x^y = y x^(y-1) dx + x^y log(x) dy");
                w.WriteLine("// d x^y = y x^(y-1) dx + x^y log(x) dy");
                var b = math.Args[1];
                string y = _p.Print(b);
                Propagate(a, s + " * " + Operand(b) + " * " + M + ".Pow(" + x + ", " + y + " - " + _p.Precision.Literal(1) + ")", w);
                if (_activity.IsActive(b))
                    Propagate(b, s + " * " + M + ".Pow(" + x + ", " + y + ") * " + M + ".Log(" + x + ")", w);
                break;
            }
            case MathFunction.Max:
            case MathFunction.Min:
            {
                bool max = math.Function == MathFunction.Max;
                Rules.Add(max ? "d max(a, b) = da where a >= b, else db" : "d min(a, b) = da where a <= b, else db");
                w.WriteLine(max ? "// d max(a, b) = da where a >= b, else db" : "// d min(a, b) = da where a <= b, else db");
                var b = math.Args[1];
                w.OpenBlock("if (" + Operand(a) + (max ? " >= " : " <= ") + Operand(b) + ")");
                Propagate(a, s, w);
                w.CloseBlock();
                if (_activity.IsActive(b))
                {
                    w.OpenBlock("else");
                    Propagate(b, s, w);
                    w.CloseBlock();
                }
                break;
            }
            default:
                throw new System.InvalidOperationException("No derivative rule for " + math.Function);
        }
    }
}
