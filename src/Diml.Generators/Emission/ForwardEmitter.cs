using System.Globalization;
using System.Linq;
using Diml.Generators.Analysis;
using Diml.Generators.Optimisation;
using Diml.Generators.Ir;

namespace Diml.Generators.Emission;

/// <summary>
/// The one printer of statements: a kernel's forward IR as plain code in one precision (the double twins, and
/// the mechanism kernels that read parameters from the flat vector; locals are declared where the user declared
/// them), and the adjoint IR that <see cref="Differentiation.ReverseMode"/> builds (tape, adjoint accumulation,
/// calls to callees' adjoints).
/// </summary>
internal sealed class ForwardEmitter
{
    private readonly ExpressionPrinter _p;
    private readonly LaneEmitter? _lanes;
    private readonly LaneEmitter? _queries;
    private readonly string _results;

    /// <summary>
    /// A per-query emitter, or with <paramref name="lanes"/> a batched one, where returned values go to
    /// <c>results[q]</c> (named <paramref name="results"/>).
    /// </summary>
    public ForwardEmitter(ExpressionPrinter printer, LaneEmitter? lanes = null, string results = "results")
    {
        _p = printer;
        _lanes = lanes;
        _queries = lanes;
        _results = results;
    }

    private ForwardEmitter(ExpressionPrinter printer, LaneEmitter? queries)
    {
        _p = printer;
        _queries = queries;
        _results = "results";
    }

    /// <summary>
    /// The printer of adjoint IR. Its loops over queries are explicit (<see cref="PerQuery"/>), so unlike the
    /// batched forward printer it adds none of its own.
    /// </summary>
    public static ForwardEmitter ForAdjoint(ExpressionPrinter printer, LaneEmitter? lanes) => new(printer, lanes);

    // Varying buffers of the batched forward kernel whose first use writes every element (no clearing needed).
    private readonly System.Collections.Generic.HashSet<string> _overwritten = new();

    /// <summary>
    /// Finds the varying stackallocs of <paramref name="block"/> that the statement first mentioning them overwrites whole:
    /// a batched dense layer or elementwise primitive (one call over the whole batch) whose output argument is the whole
    /// buffer and whose other arguments do not mention it. Anything else — a partial write, a read, a loop, an alias —
    /// keeps the buffer cleared, as the user's stackalloc was.
    /// </summary>
    private void MarkOverwritten(Block block)
    {
        var statements = block.Statements;
        for (int index = 0; index < statements.Count; index++)
        {
            if (statements[index] is not StackAlloc { Kind: ValueKind.RealSpan } alloc || !Varies(alloc.Name)) continue;
            for (int next = index + 1; next < statements.Count; next++)
            {
                var mentioned = new System.Collections.Generic.HashSet<string>();
                Names.Collect(statements[next], mentioned);
                if (!mentioned.Contains(alloc.Name)) continue;
                if (OverwritesWhole(statements[next], alloc.Name)) _overwritten.Add(alloc.Name);
                break;
            }
        }
    }

    private bool OverwritesWhole(Stmt statement, string buffer)
    {
        if (statement is not CallStmt { Call: var call } || !Varies(call)) return false;
        if (_lanes!.Classify(call) is not (BatchedCall.Dense or BatchedCall.Elementwise)) return false;
        if (_lanes.Plan.Buffer(buffer) != buffer) return false;
        int writes = 0;
        for (int i = 0; i < call.Args.Count; i++)
        {
            var names = new System.Collections.Generic.HashSet<string>();
            Names.Collect(call.Args[i], names);
            if (!names.Contains(buffer)) continue;
            if (call.Args[i] is not LocalRef local || local.Name != buffer || Activity.RoleAt(call.Target, i) != ArgumentRole.Output) return false;
            writes++;
        }
        return writes == 1;
    }

    private bool Varies(Expr expr) => _lanes is not null && _lanes.IsVarying(expr);
    private bool Varies(string name) => _lanes is not null && _lanes.IsVaryingName(name);

    public void Emit(Stmt statement, SourceWriter w)
    {
        switch (statement)
        {
            case Block block:
                if (_lanes is not null) MarkOverwritten(block);
                foreach (var s in block.Statements) Emit(s, w);
                break;
            case DeclareLocal declare when Varies(declare.Name):
                // Declared once at the top, one slot per query.
                if (declare.Init is not null)
                    _lanes!.ForEachQuery(w, false, () => w.WriteLine(_p.Print(new LocalRef(declare.Name, declare.Kind)) + " = " + _p.Print(declare.Init) + ";"));
                break;
            case DeclareLocal declare:
                w.WriteLine(_p.TypeName(declare.Kind) + " " + declare.Name + (declare.Init is null ? "" : " = " + _p.Print(declare.Init)) + ";");
                break;
            case StackAlloc alloc when Varies(alloc.Name):
                _lanes!.SpanBuffer(w, alloc, withBar: false, overwritten: _overwritten.Contains(alloc.Name));
                break;
            case KeptBuffer kept:
                _lanes!.SpanBuffer(w, kept.Alloc, withBar: false, overwritten: true, keptLayer: kept.Layer);
                break;
            case SpanAlias alias when Varies(alias.Name):
                w.WriteLine("// " + alias.Name + ": a part of each query's row of " + _lanes!.Plan.Buffer(alias.Name));
                break;
            case StackAlloc alloc:
            {
                string element = alloc.Kind == ValueKind.RealSpan ? _p.Precision.Real : "int";
                w.WriteLine("global::System.Span<" + element + "> " + alloc.Name + " = stackalloc " + element + "[" + _p.Print(alloc.Size) + "];");
                break;
            }
            case SpanAlias alias:
            {
                string element = alias.Value.Kind == ValueKind.RealSpan ? _p.Precision.Real : "int";
                string type = (alias.Writable ? "global::System.Span<" : "global::System.ReadOnlySpan<") + element + ">";
                w.WriteLine(type + " " + alias.Name + " = " + _p.Print(alias.Value) + ";");
                break;
            }
            case Assign assign when Activity.Root(assign.Target) is { } root && Varies(root):
                _lanes!.ForEachQuery(w, false, () => w.WriteLine(_p.Print(assign.Target) + " " + Operators.Text(assign.Op) + " " + _p.Print(assign.Value) + ";"));
                break;
            case Assign assign:
                w.WriteLine(_p.Print(assign.Target) + " " + Operators.Text(assign.Op) + " " + _p.Print(assign.Value) + ";");
                break;
            case CallStmt call when Varies(call.Call):
                EmitBatchedCall(call.Call, _lanes!, w);
                break;
            case KeepOutput keep:
            {
                var (output, stride, _, _) = _lanes!.Row(keep.Dense.Call.Args[keep.Dense.Call.Args.Count - 1]);
                w.WriteLine("// Kept for the adjoint when the caller keeps activations (a fit): its adjoint then reads " + output + " back.");
                w.WriteLine("global::Diml.Kernels.ActivationStore.Keep(" + keep.Layer.ToString(CultureInfo.InvariantCulture) + ", " + output + ", " + stride + ", count);");
                break;
            }
            case CallStmt call:
                w.WriteLine(_p.Print(call.Call) + ";");
                break;
            case ForLoop loop:
                string step = ExpressionPrinter.StepText(loop);
                w.OpenBlock("for (int " + loop.Variable + " = " + _p.Print(loop.Start) + "; " + loop.Variable + " " + Operators.Text(loop.Comparison) + " " + _p.Print(loop.Bound) + "; " + step + ")");
                Emit(loop.Body, w);
                w.CloseBlock();
                break;
            case IfStmt branch:
                w.OpenBlock("if (" + _p.Print(branch.Condition) + ")");
                Emit(branch.Then, w);
                w.CloseBlock();
                if (branch.Else is not null && branch.Else.Statements.Count > 0)
                {
                    w.OpenBlock("else");
                    Emit(branch.Else, w);
                    w.CloseBlock();
                }
                break;
            // Adjoint IR
            case Comment comment:
                w.WriteLine("// " + comment.Text);
                break;
            case ReversesComment reverses:
                w.WriteLine("// " + Quote(reverses.Forward));
                break;
            case TapePush push:
                w.WriteLine(push.Value.Kind switch
                {
                    ValueKind.Real => "tape.PushReal(" + _p.Print(push.Value) + ");",
                    ValueKind.Bool => "tape.PushInt(" + _p.Print(push.Value) + " ? 1 : 0);",
                    _ => "tape.PushInt(" + _p.Print(push.Value) + ");",
                });
                break;
            case TapePop pop:
                w.WriteLine(_p.Print(pop.Place) + " = " + pop.Place.Kind switch
                {
                    ValueKind.Real => (_p.Precision.IsDouble ? "" : "(float)") + "tape.PopReal();",
                    ValueKind.Bool => "tape.PopInt() != 0;",
                    _ => "tape.PopInt();",
                });
                break;
            case AdjointCall adjoint:
            {
                var args = adjoint.Call.Args.Select(_p.Print).ToList();
                if (adjoint.Seed is not null) args.Add(_p.Print(adjoint.Seed));
                args.AddRange(adjoint.OutputBars.Select(_p.Print));
                args.AddRange(adjoint.InputBars.Select(_p.Print));
                if (adjoint.InputBarStart is not null) args.Add(_p.Print(adjoint.InputBarStart));
                var target = adjoint.Call.Target;
                w.WriteLine((_p.Precision.IsDouble ? target.AdjointDouble : target.Adjoint) + "(" + string.Join(", ", args) + ");");
                break;
            }
            case TapePushSpan push:
                w.WriteLine("tape.PushSpan(" + (push.WholeBuffer ? Activity.Root(push.Span) : _p.Print(push.Span)) + ");");
                break;
            case TapePopSpan pop:
                w.WriteLine("tape.PopSpan(" + (pop.WholeBuffer ? Activity.Root(pop.Span) : _p.Print(pop.Span)) + ");");
                break;
            case ClearBar clear:
                w.WriteLine((clear.WholeBuffer ? _p.BarName(Activity.Root(clear.Span)!) : _p.BarSpan(clear.Span)) + ".Clear();");
                break;
            case BarStackAlloc { Alloc: var alloc }:
            {
                string element = alloc.Kind == ValueKind.RealSpan ? _p.Precision.Real : "int";
                w.WriteLine("global::System.Span<" + element + "> " + _p.BarName(alloc.Name) + " = stackalloc " + element + "[" + _p.Print(alloc.Size) + "];");
                break;
            }
            case BarAlias { Alias: var alias }:
                if (_p.BarSpan(alias.Value) is { } bar)
                    w.WriteLine("global::System.Span<" + _p.Precision.Real + "> " + _p.BarName(alias.Name) + " = " + bar + ";");
                break;
            case SweepLoop sweep:
            {
                var loop = sweep.Loop;
                w.OpenBlock("for (" + loop.Variable + " = " + _p.Print(sweep.Start) + "; " + loop.Variable + " " + Operators.Text(loop.Comparison) + " " + _p.Print(loop.Bound) + "; " + ExpressionPrinter.StepText(loop) + ")");
                Emit(sweep.Body, w);
                w.CloseBlock();
                break;
            }
            case SweepBranch branch:
                w.OpenBlock("if (" + _p.Print(branch.Condition) + ")");
                Emit(branch.Then, w);
                w.CloseBlock();
                if (branch.Else is not null)
                {
                    w.OpenBlock("else");
                    Emit(branch.Else, w);
                    w.CloseBlock();
                }
                break;
            case OpenTape:
                w.WriteLine("var tape = global::Diml.Kernels.AdjointTape.Current;");
                break;
            case HoistedLocal { PerQuery: true } local:
                w.WriteLine(_queries!.ScalarBuffer(local.Name, local.Kind));
                if (local.WithBar) w.WriteLine(_queries.ScalarBuffer(_p.BarName(local.Name), local.Kind));
                break;
            case HoistedLocal local:
            {
                string zero = Zero(local.Kind);
                w.WriteLine(_p.TypeName(local.Kind) + " " + local.Name + " = " + zero + (local.WithBar ? ", " + _p.BarName(local.Name) + " = " + zero : "") + ";");
                break;
            }
            case HoistedBookkeeping bookkeeping:
                w.WriteLine(_p.TypeName(bookkeeping.Kind) + " " + string.Join(", ", bookkeeping.Names.Select(name => name + " = " + Zero(bookkeeping.Kind))) + ";");
                break;
            case CountIteration count:
                w.WriteLine(count.Counter.Name + "++;");
                break;
            case PerQuery perQuery:
                _queries!.ForEachQuery(w, perQuery.Backwards, () => Emit(perQuery.Body, w));
                break;
            case QueryBuffers buffers:
                _queries!.SpanBuffer(w, buffers.Alloc, buffers.WithBar, overwritten: buffers.Overwritten, withValues: buffers.WithValues);
                break;
            case ReadBackOrCompute readBack:
            {
                var call = readBack.Dense.Call.Call;
                var (output, stride, _, _) = _queries!.Row(call.Args[call.Args.Count - 1]);
                string layer = readBack.Layer.ToString(CultureInfo.InvariantCulture);
                if (readBack.InPlace)
                {
                    w.WriteLine("// " + call.Target.DisplayName + ": the output the forward pass kept (ActivationStore), read where it lies (nothing here writes " + output + "), else a matrix-matrix product for every query at once");
                    w.OpenBlock("if (!global::Diml.Kernels.ActivationStore.TryRead(" + layer + ", ref " + output + ", " + stride + ", count))");
                }
                else
                {
                    w.WriteLine("// " + call.Target.DisplayName + ": the output the forward pass kept (ActivationStore), else a matrix-matrix product for every query at once");
                    w.OpenBlock("if (!global::Diml.Kernels.ActivationStore.TryLoad(" + layer + ", " + output + ", " + stride + ", count))");
                }
                w.WriteLine(_queries.DenseForward(call));
                w.CloseBlock();
                break;
            }
            case WholeBatchCall batched:
                EmitBatchedCall(batched.Call.Call, _queries!, w);
                break;
            case DenseAdjointCall dense:
                w.WriteLine(_queries!.DenseAdjoint(dense.Call, dense.ActiveArgs.Contains, dense.InputBarStart, dense.InputBarLength));
                break;
            case ElementwiseAdjointCall elementwise:
            {
                var call = elementwise.Call;
                var buffers = _queries!.WholeBuffers(call);
                var args = new System.Collections.Generic.List<string>(buffers);
                for (int i = 0; i < call.Args.Count; i++)
                    if (Activity.RoleAt(call.Target, i) == ArgumentRole.Output) args.Add(_p.BarName(buffers[i]));
                for (int i = 0; i < call.Args.Count; i++)
                    if (Activity.RoleAt(call.Target, i) == ArgumentRole.InputSpan) args.Add(elementwise.ActiveArgs[i] ? _p.BarName(buffers[i]) : "default");
                w.WriteLine(call.Target.Adjoint + "(" + string.Join(", ", args) + ");");
                break;
            }
            case ReturnStmt { Value: { } value } when _lanes is not null:
                _lanes.ForEachQuery(w, false, () => w.WriteLine(_results + "[q] = " + _p.Print(value) + ";"));
                break;
            case ReturnStmt when _lanes is not null:
                break;
            case ReturnStmt ret:
                w.WriteLine(ret.Value is null ? "return;" : "return " + _p.Print(ret.Value) + ";");
                break;
        }
    }

    private string Zero(ValueKind kind) => kind switch { ValueKind.Real => _p.Precision.Literal(0), ValueKind.Bool => "false", _ => "0" };

    /// <summary>A forward statement in one line, as a reverse-sweep comment quotes it.</summary>
    private string Quote(Stmt statement) => statement switch
    {
        Assign assign => _p.Print(assign.Target) + " " + Operators.Text(assign.Op) + " " + _p.Print(assign.Value),
        CallStmt call => _p.Print(call.Call),
        ReturnStmt { Value: { } value } => "return " + _p.Print(value),
        ReturnStmt => "return",
        _ => throw new System.InvalidOperationException("No one-line form of " + statement.GetType().Name),
    };

    private void EmitBatchedCall(CallExpr call, LaneEmitter lanes, SourceWriter w)
    {
        switch (lanes.Classify(call))
        {
            case BatchedCall.Dense:
                w.WriteLine("// " + call.Target.DisplayName + " for every query at once: a matrix-matrix product"
                    + (lanes.Plan.Shared.Layers.TryGetValue(call, out var layer)
                        ? "; the input block that does not depend on the own action once per run" + (layer.OwnAction is null ? "" : ", the one that depends on it alone once per group")
                        : ""));
                w.WriteLine(lanes.DenseForward(call));
                break;
            case BatchedCall.Elementwise:
                w.WriteLine("// " + call.Target.DisplayName + " maps element by element: one call covers every query's row");
                w.WriteLine(call.Target.Forward + "(" + string.Join(", ", lanes.WholeBuffers(call)) + ");");
                break;
            default:
                lanes.ForEachQuery(w, false, () => w.WriteLine(_p.Print(call) + ";"));
                break;
        }
    }
}
