using System.Globalization;
using Diml.Generators.Analysis;
using Diml.Generators.Optimisation;
using Diml.Generators.Ir;

namespace Diml.Generators.Emission;

/// <summary>
/// Emits a kernel's statements as plain forward code in one precision: the double twins, and the mechanism
/// kernels that read parameters from the flat vector. Locals are declared where the user declared them.
/// </summary>
internal sealed class ForwardEmitter
{
    private readonly ExpressionPrinter _p;
    private readonly LaneEmitter? _lanes;
    private readonly string _results;

    /// <summary>
    /// A per-query emitter, or with <paramref name="lanes"/> a batched one, where returned values go to
    /// <c>results[q]</c> (named <paramref name="results"/>).
    /// </summary>
    public ForwardEmitter(ExpressionPrinter printer, LaneEmitter? lanes = null, string results = "results")
    {
        _p = printer;
        _lanes = lanes;
        _results = results;
    }

    private bool Varies(Expr expr) => _lanes is not null && _lanes.IsVarying(expr);
    private bool Varies(string name) => _lanes is not null && _lanes.IsVaryingName(name);

    public void Emit(Stmt statement, SourceWriter w)
    {
        switch (statement)
        {
            case Block block:
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
                _lanes!.SpanBuffer(w, alloc, withBar: false);
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
                EmitBatchedCall(call.Call, w);
                break;
            case CallStmt call:
                w.WriteLine(_p.Print(call.Call) + ";");
                break;
            case ForLoop loop:
                string step = ExpressionPrinter.StepText(loop);
                w.OpenBlock("for (int " + loop.Variable + " = " + _p.Print(loop.Start) + "; " + loop.Variable + " " + loop.Comparison + " " + _p.Print(loop.Bound) + "; " + step + ")");
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

    private void EmitBatchedCall(CallExpr call, SourceWriter w)
    {
        switch (_lanes!.Classify(call))
        {
            case BatchedCall.Dense:
                w.WriteLine("// " + call.Target.DisplayName + " for every query at once: a matrix-matrix product");
                w.WriteLine(_lanes.DenseForward(call));
                break;
            case BatchedCall.Elementwise:
                w.WriteLine("// " + call.Target.DisplayName + " maps element by element: one call covers every query's row");
                w.WriteLine(call.Target.Forward + "(" + string.Join(", ", _lanes.WholeBuffers(call)) + ");");
                break;
            default:
                _lanes.ForEachQuery(w, false, () => w.WriteLine(_p.Print(call) + ";"));
                break;
        }
    }
}
