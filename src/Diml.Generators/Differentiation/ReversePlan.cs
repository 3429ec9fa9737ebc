using System.Collections.Generic;
using System.Linq;
using Diml.Generators.Analysis;
using Diml.Generators.Ir;
using Diml.Generators.Model;
using Diml.Generators.Parsing;

namespace Diml.Generators.Differentiation;

/// <summary>
/// The differentiation stage's decisions about one kernel, made over its IR before anything is printed: which
/// statements have a reverse (their reverse propagates an adjoint or restores a value a later-reversed statement
/// reads), which writes are taped (<see cref="ToBeRecorded"/>, minus first writes of fresh buffers), and the
/// numbering of the loops and branches whose bookkeeping the forward sweep records. The adjoint printer follows
/// the plan; a statement without reverse work appears only in the forward sweep.
/// </summary>
internal sealed class ReversePlan
{
    private readonly Activity _activity;
    private readonly ToBeRecorded _needs;
    private readonly Dictionary<Stmt, int> _ids = new(ReferenceComparer<Stmt>.Instance);
    private readonly Dictionary<CallStmt, InputBarWindows.Window?> _inputBarWindows;
    private readonly HashSet<Assign> _unneededZeroing;

    public ReversePlan(KernelMethod method)
    {
        _activity = Activity.Analyze(method);
        _needs = ToBeRecorded.Analyze(method.Body, _activity);
        _inputBarWindows = InputBarWindows.Analyze(method, _activity);
        _unneededZeroing = BarZeroing.Unneeded(method);
        FindFirstWrites(method.Body);
        Number(method.Body);
    }

    /// <summary>
    /// Whether the dense layer <paramref name="call"/> needs its input's adjoint over a window only
    /// (<see cref="InputBarWindows"/>); <paramref name="window"/> is null when it needs none of it.
    /// </summary>
    public bool NarrowsInputBar(CallStmt call, out InputBarWindows.Window? window) => _inputBarWindows.TryGetValue(call, out window);

    public Activity Activity => _activity;

    /// <summary>
    /// Whether the reverse of <paramref name="write"/> zeroes the overwritten element's adjoint: not when nothing reversed
    /// after it reads that element's adjoint (<see cref="BarZeroing"/>).
    /// </summary>
    public bool ZeroesBar(Assign write) => !_unneededZeroing.Contains(write);

    /// <summary>The number of a loop or branch, for its bookkeeping locals (<c>loop1Start</c>, <c>branch2</c>).</summary>
    public int Id(Stmt loopOrBranch) => _ids[loopOrBranch];

    /// <summary>Whether the old value of <paramref name="name"/> must be pushed before <paramref name="writer"/> overwrites it.</summary>
    public bool Records(Stmt writer, string name) => !_firstWrites.Contains(writer) && _needs.MustRecord(writer, name);

    /// <summary>Top-level writes to a variable nothing before them touched: its old value is never read backwards.</summary>
    private readonly HashSet<Stmt> _firstWrites = new(ReferenceComparer<Stmt>.Instance);

    private void FindFirstWrites(Block body)
    {
        var touched = new HashSet<string>();
        foreach (var statement in body.Statements)
        {
            var references = new HashSet<string>();
            // Allocating a fresh buffer reads nothing of it.
            if (statement is StackAlloc alloc) Names.Collect(alloc.Size, references);
            else Names.Collect(statement, references);
            var written = statement switch
            {
                Assign { Target: var target } => Activity.Root(target) is { } root ? new[] { root } : System.Array.Empty<string>(),
                CallStmt call => OutputArgs(call.Call).Select(Activity.Root).Where(r => r is not null).Select(r => r!).ToArray(),
                _ => System.Array.Empty<string>(),
            };
            if (written.Length > 0 && written.All(w => !touched.Contains(w)) && (statement is CallStmt || !ReadsItself((Assign)statement)))
                _firstWrites.Add(statement);
            if (statement is ForLoop loop) FindLoopFirstWrites(loop, touched);
            touched.UnionWith(references);
        }

        // A top-level loop filling a fresh span element by element, span[i] = ..., with i the loop variable and the
        // span mentioned nowhere else in the loop: every iteration writes an element nothing has read.
        void FindLoopFirstWrites(ForLoop loop, HashSet<string> touchedBefore)
        {
            foreach (var statement in loop.Body.Statements)
            {
                if (statement is not Assign { Op: AssignOperator.Set, Target: ElementRef { Target: LocalRef span, Index: LocalRef index, Column: null } } fill
                    || index.Name != loop.Variable || touchedBefore.Contains(span.Name) || ReadsItself(fill))
                    continue;
                bool mentionedElsewhere = loop.Body.Statements.Where(other => !ReferenceEquals(other, fill)).Any(other =>
                {
                    var names = new HashSet<string>();
                    Names.Collect(other, names);
                    return names.Contains(span.Name);
                });
                if (!mentionedElsewhere) _firstWrites.Add(fill);
            }
        }

        static bool ReadsItself(Assign assign)
        {
            var read = new HashSet<string>();
            Names.Collect(assign.Value, read);
            if (assign.Target is ElementRef element)
            {
                Names.Collect(element.Index, read);
                if (element.Column is not null) Names.Collect(element.Column, read);
            }
            return assign.Op != AssignOperator.Set || (Activity.Root(assign.Target) is { } root && read.Contains(root));
        }
    }

    private void Number(Stmt statement)
    {
        switch (statement)
        {
            case Block block:
                foreach (var s in block.Statements) Number(s);
                break;
            case ForLoop loop:
                _ids[loop] = _ids.Count + 1;
                Number(loop.Body);
                break;
            case IfStmt branch:
                _ids[branch] = _ids.Count + 1;
                Number(branch.Then);
                if (branch.Else is not null) Number(branch.Else);
                break;
        }
    }

    public bool IsActivePlace(Expr target)
        => target.Kind == ValueKind.Real && (target is ParamRef || (Activity.Root(target) is { } root && _activity.IsActiveName(root)));

    public bool PushesOnWrite(Stmt statement) => !_firstWrites.Contains(statement) && statement switch
    {
        DeclareLocal declare => declare.Init is not null && declare.InLoop && _needs.MustRecord(declare, declare.Name),
        Assign assign => Activity.Root(assign.Target) is { } root && _needs.MustRecord(assign, root),
        CallStmt call => OutputArgs(call.Call).Any(a => Activity.Root(a) is { } root && _needs.MustRecord(call, root)),
        _ => false,
    };

    public bool HasReverseWork(Stmt statement) => statement switch
    {
        Block block => block.Statements.Any(HasReverseWork),
        DeclareLocal declare => declare.Init is not null && (_activity.IsActiveName(declare.Name) && declare.Kind == ValueKind.Real || PushesOnWrite(declare)),
        // A write of data whose adjoint needs no zeroing propagates nothing.
        Assign assign => IsActivePlace(assign.Target) && (ZeroesBar(assign) || assign.Op != AssignOperator.Set || _activity.IsActive(assign.Value))
                         || PushesOnWrite(assign),
        CallStmt call => call.Call.Target.Kind != CallKind.Constant && (CallIsActive(call.Call) || PushesOnWrite(call)),
        IfStmt branch => HasReverseWork(branch.Then) || (branch.Else is not null && HasReverseWork(branch.Else)),
        ForLoop loop => HasReverseWork(loop.Body),
        ReturnStmt ret => ret.Value is not null && _activity.IsActive(ret.Value),
        _ => false,
    };

    public bool CallIsActive(CallExpr call)
    {
        for (int i = 0; i < call.Args.Count; i++)
            if (Activity.RoleAt(call.Target, i) is ArgumentRole.Input or ArgumentRole.InputSpan && _activity.IsActive(call.Args[i]))
                return true;
        return false;
    }

    public static IEnumerable<Expr> OutputArgs(CallExpr call)
        => call.Args.Where((a, i) => Activity.RoleAt(call.Target, i) == ArgumentRole.Output);
}
