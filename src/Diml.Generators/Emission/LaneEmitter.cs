using System;
using System.Collections.Generic;
using System.Linq;
using Diml.Generators.Analysis;
using Diml.Generators.Optimisation;
using Diml.Generators.Ir;

namespace Diml.Generators.Emission;

/// <summary>
/// What batched kernels add to the per-query emitters: the loop over queries around each varying statement,
/// per-query buffers from the arena, and primitive calls over the whole batch — a dense layer as one
/// matrix–matrix product, an elementwise primitive as one call over the whole buffer — falling back to one
/// call per query for everything else.
/// </summary>
internal sealed class LaneEmitter
{
    private readonly ExpressionPrinter _p;

    public LaneEmitter(ExpressionPrinter printer, BatchPlan plan)
    {
        _p = printer;
        Plan = plan;
    }

    public BatchPlan Plan { get; }

    public bool IsVarying(Expr expr) => Plan.IsVarying(expr);

    public bool IsVaryingName(string name) => Plan.IsVarying(name);

    /// <summary>Runs <paramref name="body"/> inside <c>for (q ...)</c>; backwards in the reverse sweep, so tape pops mirror the pushes.</summary>
    public void ForEachQuery(SourceWriter w, bool backwards, Action body)
    {
        w.OpenBlock(backwards ? "for (int q = count - 1; q >= 0; q--)" : "for (int q = 0; q < count; q++)");
        _p.InLane = true;
        body();
        _p.InLane = false;
        w.CloseBlock();
    }

    /// <summary>A varying scalar: one slot per query from the arena.</summary>
    public string ScalarBuffer(string name, ValueKind kind)
        => "global::System.Span<" + (kind == ValueKind.Real ? _p.Precision.Real : "int") + "> " + name + " = arena." + (kind == ValueKind.Real ? "Floats" : "Ints") + "(count);";

    /// <summary>
    /// A varying span: one row of the stackalloc's size per query, from the arena; cleared (as a stackalloc is) unless
    /// <paramref name="overwritten"/> says the kernel's first use of it writes all of it; without <paramref name="withValues"/>,
    /// only its adjoint's rows; with <paramref name="keptLayer"/>, the activation store's rows for that kept layer when the
    /// caller keeps activations (<see cref="KeptBuffer"/>).
    /// </summary>
    public void SpanBuffer(SourceWriter w, StackAlloc alloc, bool withBar, bool overwritten = false, bool withValues = true, int keptLayer = -1)
    {
        string stride = ExpressionPrinter.StrideName(alloc.Name);
        string element = alloc.Kind == ValueKind.RealSpan ? _p.Precision.Real : "int";
        string take = alloc.Kind == ValueKind.RealSpan ? "Floats" : "Ints";
        string first = overwritten && alloc.Kind == ValueKind.RealSpan ? "FloatsToOverwrite" : take;
        string rows = "arena." + first + "(count * " + stride + ")";
        w.WriteLine("int " + stride + " = " + _p.Print(alloc.Size) + ";");
        if (keptLayer >= 0)
        {
            w.WriteLine("// " + alloc.Name + " is written straight into the activation store's rows when the caller keeps activations (a fit), so keeping it copies nothing.");
            rows = "global::Diml.Kernels.ActivationStore.RowsToKeep(" + keptLayer.ToString(System.Globalization.CultureInfo.InvariantCulture) + ", " + stride + ", count, " + rows + ")";
        }
        if (withValues) w.WriteLine("global::System.Span<" + element + "> " + alloc.Name + " = " + rows + ";");
        if (withBar) w.WriteLine("global::System.Span<" + element + "> " + _p.BarName(alloc.Name) + " = arena." + take + "(count * " + stride + ");");
    }

    /// <summary>How a call over varying arguments runs for the whole batch.</summary>
    public BatchedCall Classify(CallExpr call) => Plan.Classify(call);

    /// <summary>Buffer, per-query stride, offset within a row and row length of a varying span argument.</summary>
    public (string Buffer, string Stride, string Offset, string Length) Row(Expr span)
    {
        var (buffer, start, length) = Plan.Resolve(span);
        string stride = ExpressionPrinter.StrideName(buffer);
        string offset = _p.Print(start);
        string lengthText = length is not null ? _p.Print(length) : start is Literal { Value: 0 } ? stride : stride + " - " + ExpressionPrinter.Group(offset);
        return (buffer, stride, offset, lengthText);
    }

    /// <summary><c>BatchedDense.Forward(...)</c> for a dense layer over the batch.</summary>
    public string DenseForward(CallExpr call)
    {
        bool hasBias = call.Args.Count == 4;
        var (x, xStride, xOffset, cols) = Row(call.Args[hasBias ? 2 : 1]);
        var (y, yStride, yOffset, rows) = Row(call.Args[hasBias ? 3 : 2]);
        return "global::Diml.Kernels.BatchedDense.Forward(" + _p.Print(call.Args[0]) + ", " + (hasBias ? _p.Print(call.Args[1]) : "default")
            + ", " + x + ", " + xStride + ", " + xOffset + ", " + cols + ", " + y + ", " + yStride + ", " + yOffset + ", " + rows + ", count" + SharedBlocks(call) + ");";
    }

    /// <summary>
    /// The shared blocks of a hoisted layer (<see cref="ContextHoisting"/>) as arguments: its context block grouped by runs,
    /// and its own block grouped by own action or <c>default</c>; nothing for a layer that is not hoisted.
    /// </summary>
    private string SharedBlocks(CallExpr call)
    {
        if (!Plan.Shared.Layers.TryGetValue(call, out var layer)) return "";
        string context = "new global::Diml.Kernels.SharedColumns(" + _p.Print(layer.Context.Start) + ", " + _p.Print(layer.Context.Length) + ", runOf, runLeaders.Slice(0, runs))";
        string own = layer.OwnAction is { } block
            ? "new global::Diml.Kernels.SharedColumns(" + _p.Print(block.Start) + ", " + _p.Print(block.Length) + ", groupOf, groupLeaders.Slice(0, groups))"
            : "default";
        return ", " + context + ", " + own;
    }

    /// <summary>
    /// The groups of the batch, for a kernel with hoisted dense layers (<see cref="ContextHoisting"/>): runs of consecutive
    /// queries with equal rows of the run input, and groups of queries with equal own action when a layer needs them.
    /// </summary>
    public void GroupsPreamble(SourceWriter w)
    {
        if (Plan.Shared.RunInput is not { } input) return;
        w.WriteLine("// Queries in a row with equal " + input + " form a run" + (Plan.Shared.OwnAction is { } own ? ", queries with equal " + own + " a group" : "")
            + ": a block of a layer's input that depends on only one of them is multiplied once per run or group.");
        w.WriteLine("global::System.Span<int> runOf = arena.Ints(count);");
        w.WriteLine("global::System.Span<int> runLeaders = arena.Ints(count);");
        w.WriteLine("int runs = global::Diml.Kernels.BatchGroups.Runs(" + input + ", " + ExpressionPrinter.StrideName(input) + ", count, runOf, runLeaders);");
        if (Plan.Shared.OwnAction is not { } ownAction) return;
        w.WriteLine("global::System.Span<int> groupOf = arena.Ints(count);");
        w.WriteLine("global::System.Span<int> groupLeaders = arena.Ints(count);");
        w.WriteLine("int groups = global::Diml.Kernels.BatchGroups.ByKey(" + ownAction + ", count, groupOf, groupLeaders);");
    }

    /// <summary><c>BatchedDense.Adjoint(...)</c>: weight and bias gradients summed over the batch, input adjoints per query.</summary>
    /// <remarks>With <paramref name="inputBarStart"/>, the input's adjoint over that window of columns only.</remarks>
    public string DenseAdjoint(CallExpr call, Func<Expr, bool> isActive, Expr? inputBarStart = null, Expr? inputBarLength = null)
    {
        bool hasBias = call.Args.Count == 4;
        var input = call.Args[hasBias ? 2 : 1];
        var (x, xStride, xOffset, cols) = Row(input);
        var (y, yStride, yOffset, rows) = Row(call.Args[hasBias ? 3 : 2]);
        string weightsBar = isActive(call.Args[0]) ? _p.BarSpan(call.Args[0]) ?? "default" : "default";
        string biasBar = hasBias && isActive(call.Args[1]) ? _p.BarSpan(call.Args[1]) ?? "default" : "default";
        string inputBar = isActive(input) ? _p.BarName(x) : "default";
        bool windowed = inputBarStart is not null && inputBarLength is not null && isActive(input);
        string window = windowed ? ", " + _p.Print(inputBarStart!) + ", " + _p.Print(inputBarLength!) : "";
        // A hoisted layer's weight gradient over its shared blocks is accumulated once per run or group, as its forward was computed.
        if (Plan.Shared.Layers.ContainsKey(call) && weightsBar != "default")
            window = (windowed ? window : ", 0, " + cols) + SharedBlocks(call);
        return "global::Diml.Kernels.BatchedDense.Adjoint(" + _p.Print(call.Args[0]) + ", " + x + ", " + xStride + ", " + xOffset + ", " + cols
            + ", " + _p.BarName(y) + ", " + yStride + ", " + yOffset + ", " + rows + ", count, " + weightsBar + ", " + biasBar + ", " + inputBar
            + window + ");";
    }

    /// <summary>The whole-buffer names of an elementwise call's span arguments (all rows of the batch at once).</summary>
    public IReadOnlyList<string> WholeBuffers(CallExpr call) => call.Args.Select(a => ((LocalRef)a).Name).ToList();
}
