using System.Collections.Generic;
using System.Linq;
using Diml.Generators.Analysis;
using Diml.Generators.Differentiation;
using Diml.Generators.Ir;
using Diml.Generators.Model;

namespace Diml.Generators.Emission;

/// <summary>
/// Emits the body of a reverse-mode adjoint: the locals hoisted to the top, then the forward and reverse sweeps
/// that <see cref="ReverseMode"/> builds as adjoint IR, printed by the one statement printer.
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
    private readonly Expr _resultBar;
    private readonly ReverseMode _reverse;
    private readonly HashSet<string> _declaredScalars = new();

    private readonly LaneEmitter? _lanes;

    /// <summary>
    /// A per-query adjoint, or with <paramref name="lanes"/> a batched one: every varying statement runs for all
    /// queries (forwards in the forward sweep, backwards in the reverse sweep, so the tape stays last-in first-out).
    /// </summary>
    public AdjointEmitter(KernelMethod method, ExpressionPrinter printer, Expr resultBar, LaneEmitter? lanes = null)
    {
        _method = method;
        _p = printer;
        _resultBar = resultBar;
        _lanes = lanes;
        _plan = new ReversePlan(method);
        _activity = _plan.Activity;
        _reverse = new ReverseMode(_plan, lanes?.Plan);
    }

    /// <summary>The derivative rules the emitted code applies, for the documentation.</summary>
    public SortedSet<string> Rules => _reverse.Rules;

    public Activity Activity => _activity;

    private string Zero => _p.Precision.Literal(0);

    /// <summary>Writes hoisted locals, the forward sweep and the reverse sweep.</summary>
    public void EmitBody(SourceWriter output)
    {
        var forwardSweep = _reverse.ForwardSweep(_method.Body);
        var reverseSweep = _reverse.ReverseSweep(_method.Body, _resultBar);
        var printer = ForwardEmitter.ForAdjoint(_p, _lanes);
        var forward = new SourceWriter();
        printer.Emit(forwardSweep, forward);
        var reverse = new SourceWriter();
        printer.Emit(reverseSweep, reverse);

        if (_reverse.UsesTape) output.WriteLine("var tape = global::Diml.Kernels.AdjointTape.Current;");
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
                        bookkeeping.Add("int " + EmittedNames.LoopStart(_plan.Id(loop)) + " = 0, " + EmittedNames.LoopCount(_plan.Id(loop)) + " = 0;");
                    Collect(loop.Body);
                    break;
                case IfStmt branch:
                    if (_plan.HasReverseWork(branch)) bookkeeping.Add("bool " + EmittedNames.BranchFlag(_plan.Id(branch)) + " = false;");
                    Collect(branch.Then);
                    if (branch.Else is not null) Collect(branch.Else);
                    break;
            }
        }
    }

    private bool Varies(string name) => _lanes is not null && _lanes.IsVaryingName(name);
}
