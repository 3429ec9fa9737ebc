using System.Globalization;
using Diml.Generators.Ir;

namespace Diml.Generators.Emission;

/// <summary>
/// Emits a kernel's statements as plain forward code in one precision: the double twins, and the mechanism
/// kernels that read parameters from the flat vector. Locals are declared where the user declared them.
/// </summary>
internal sealed class ForwardEmitter
{
    private readonly ExpressionPrinter _p;

    public ForwardEmitter(ExpressionPrinter printer) => _p = printer;

    public void Emit(Stmt statement, SourceWriter w)
    {
        switch (statement)
        {
            case Block block:
                foreach (var s in block.Statements) Emit(s, w);
                break;
            case DeclareLocal declare:
                w.WriteLine(_p.TypeName(declare.Kind) + " " + declare.Name + (declare.Init is null ? "" : " = " + _p.Print(declare.Init)) + ";");
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
            case Assign assign:
                w.WriteLine(_p.Print(assign.Target) + " " + assign.Op + " " + _p.Print(assign.Value) + ";");
                break;
            case CallStmt call:
                w.WriteLine(_p.Print(call.Call) + ";");
                break;
            case ForLoop loop:
                string step = loop.Step switch
                {
                    1 => loop.Variable + "++",
                    -1 => loop.Variable + "--",
                    > 0 => loop.Variable + " += " + loop.Step.ToString(CultureInfo.InvariantCulture),
                    _ => loop.Variable + " -= " + (-loop.Step).ToString(CultureInfo.InvariantCulture),
                };
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
            case ReturnStmt ret:
                w.WriteLine(ret.Value is null ? "return;" : "return " + _p.Print(ret.Value) + ";");
                break;
        }
    }
}
