using System.Collections.Generic;
using System.Linq;
using Diml.Generators.Analysis;
using Diml.Generators.Optimisation;
using Diml.Generators.Ir;
using Diml.Generators.Model;

namespace Diml.Generators.Emission;

/// <summary>The calling convention of an emitted adjoint.</summary>
internal enum AdjointStyle
{
    /// <summary>The CustomAdjointAttribute convention, so that other kernels can call it.</summary>
    Helper,
    /// <summary>IJointMechanism/IPerAgentMechanism/IAnonymousMechanism: flat theta in, thetaBar out.</summary>
    Mechanism,
    /// <summary>
    /// ILearningRule: outputs are not passed, adjoints of every span input are. With parameters (ILearnableRule),
    /// theta comes first and thetaBar last.
    /// </summary>
    LearningRule,
}

/// <summary>Writes whole forward and adjoint methods for one kernel (signature, documentation, body).</summary>
internal static class KernelEmitter
{
    public static string ParameterType(ParameterKind kind, Precision p) => kind switch
    {
        ParameterKind.RealScalar => p.Real,
        ParameterKind.IntScalar => "int",
        ParameterKind.BoolScalar => "bool",
        ParameterKind.RealSpanInput => p.ReadOnlySpan,
        ParameterKind.RealSpanOutput => p.Span,
        ParameterKind.IntSpanInput => "global::System.ReadOnlySpan<int>",
        _ => "object",
    };

    /// <summary>
    /// A forward method: the kernel's statements in <paramref name="p"/>; <paramref name="summary"/> is an XML
    /// documentation fragment (callers escape any user text in it). With <paramref name="parameters"/>,
    /// the method takes the flat parameter vector <c>theta</c> first and reads [Param] fields from it.
    /// </summary>
    public static void WriteForward(SourceWriter w, KernelMethod m, Precision p, string name, string modifiers,
        IReadOnlyList<ParamField>? parameters, string summary, bool markMethod = false)
    {
        var printer = new ExpressionPrinter(p, parameters);
        var signature = new List<string>();
        if (parameters is not null) signature.Add(p.ReadOnlySpan + " theta");
        signature.AddRange(m.Parameters.Select(x => ParameterType(x.Kind, p) + " " + x.Name));
        string returns = m.Returns == ValueKind.Real ? p.Real : "void";

        w.WriteLine("/// <summary>" + summary + "</summary>");
        if (markMethod) w.WriteLine(TypeEmitter.GeneratedCode);
        w.OpenBlock(modifiers + " " + returns + " " + name + "(" + string.Join(", ", signature) + ")");
        if (parameters is not null) WriteOffsets(w, parameters, m.Body);
        new ForwardEmitter(printer).Emit(m.Body, w);
        w.CloseBlock();
    }

    /// <summary>An adjoint method: forward sweep, then reverse sweep, accumulating into the adjoints.</summary>
    public static void WriteAdjoint(SourceWriter w, KernelMethod m, Precision p, string name, string modifiers,
        IReadOnlyList<ParamField>? parameters, AdjointStyle style, string resultBar, string summary, bool markMethod = false)
    {
        var printer = new ExpressionPrinter(p, parameters);
        var emitter = new AdjointEmitter(m, printer, new LocalRef(resultBar, ValueKind.Real), ownsOutputs: style != AdjointStyle.Helper);
        var activity = emitter.Activity;
        var signature = new List<string>();
        var prologue = new SourceWriter();
        var epilogue = new SourceWriter();

        bool flat = parameters is not null;
        if (flat) signature.Add(p.ReadOnlySpan + " theta");
        foreach (var x in m.Parameters)
            if (style == AdjointStyle.Helper || x.Kind != ParameterKind.RealSpanOutput)
                signature.Add(ParameterType(x.Kind, p) + " " + x.Name);
        if (m.Returns == ValueKind.Real) signature.Add(p.Real + " " + resultBar);

        var assigned = AssignedNames(m.Body);
        var outputs = m.Parameters.Where(x => x.Kind == ParameterKind.RealSpanOutput).ToList();
        foreach (var x in outputs)
        {
            signature.Add(p.ReadOnlySpan + " " + EmittedNames.Bar(x.Name));
            // The caller's adjoint is read-only: where the reverse sweep writes it, work on a copy.
            if (activity.IsActiveName(x.Name) && emitter.WritesAdjointOf(x.Name)) printer.SetBarName(x.Name, EmittedNames.BarWork(x.Name));
        }
        if (style == AdjointStyle.Mechanism) signature.Add(p.Span + " thetaBar");
        foreach (var x in m.Parameters)
        {
            if (x.Kind == ParameterKind.RealScalar && style != AdjointStyle.Mechanism)
            {
                signature.Add("ref " + p.Real + " " + EmittedNames.Bar(x.Name));
                if (assigned.Contains(x.Name))
                {
                    // The parameter is reassigned, so its adjoint is zeroed mid-sweep: keep it apart from the caller's.
                    printer.SetBarName(x.Name, EmittedNames.BarLocal(x.Name));
                    prologue.WriteLine(p.Real + " " + x.Name + "BarLocal = " + p.Literal(0) + ";");
                    epilogue.WriteLine(x.Name + "Bar += " + x.Name + "BarLocal;");
                }
            }
            else if (x.Kind == ParameterKind.RealSpanInput && style != AdjointStyle.Mechanism)
            {
                signature.Add(p.Span + " " + EmittedNames.Bar(x.Name));
                if (style == AdjointStyle.Helper)
                {
                    // An empty adjoint span means the caller does not need it; accumulate into scratch instead.
                    string safe = EmittedNames.BarOrScratch(x.Name);
                    prologue.WriteLine(p.Span + " " + safe + " = " + x.Name + "Bar.IsEmpty ? stackalloc " + p.Real + "[" + x.Name + ".Length] : " + x.Name + "Bar;");
                    printer.SetBarName(x.Name, safe);
                }
            }
        }

        if (flat && style != AdjointStyle.Mechanism) signature.Add(p.Span + " thetaBar");

        var body = new SourceWriter();
        emitter.EmitBody(body);
        // The outputs' buffers come first; an output whose values nothing reads is not allocated.
        var buffers = new SourceWriter();
        foreach (var x in outputs)
        {
            if (style != AdjointStyle.Helper && !emitter.UnreadBuffers.Contains(x.Name))
                buffers.WriteLine(p.Span + " " + x.Name + " = stackalloc " + p.Real + "[" + x.Name + "Bar.Length];");
            if (activity.IsActiveName(x.Name) && emitter.WritesAdjointOf(x.Name))
            {
                string work = EmittedNames.BarWork(x.Name);
                buffers.WriteLine(p.Span + " " + work + " = stackalloc " + p.Real + "[" + x.Name + "Bar.Length];");
                buffers.WriteLine(x.Name + "Bar.CopyTo(" + work + ");");
            }
        }

        w.WriteLine("/// <summary>" + summary + "</summary>");
        w.WriteLine("/// <remarks>");
        w.WriteLine("/// Reverse mode by source transformation of <c>" + Xml(m.Signature) + "</c>. Adjoints are added to, never overwritten.");
        if (emitter.Rules.Count > 0)
        {
            w.WriteLine("/// Derivative rules applied:");
            w.WriteLine("/// <list type=\"bullet\">");
            foreach (var rule in emitter.Rules) w.WriteLine("/// <item><description>" + Xml(rule) + "</description></item>");
            w.WriteLine("/// </list>");
        }
        w.WriteLine("/// </remarks>");
        if (markMethod) w.WriteLine(TypeEmitter.GeneratedCode);
        w.OpenBlock(modifiers + " void " + name + "(" + string.Join(", ", signature) + ")");
        if (parameters is not null) WriteOffsets(w, parameters, m.Body);
        if (!buffers.IsEmpty) w.Append(buffers);
        if (!prologue.IsEmpty) w.Append(prologue);
        w.Append(body);
        if (!epilogue.IsEmpty) w.Append(epilogue);
        w.CloseBlock();
    }

    /// <summary>
    /// A batched forward method: <c>count</c> queries at once, each statement one loop over the queries, each
    /// dense layer one matrix–matrix product. Query inputs are passed back to back; a returned payoff goes to
    /// <c>results[q]</c>.
    /// </summary>
    public static void WriteBatchedForward(SourceWriter w, KernelMethod m, string name, IReadOnlyList<ParamField> parameters, BatchPlan plan, string summary)
    {
        var p = Precision.Float;
        var printer = new ExpressionPrinter(p, parameters) { Batch = plan };
        var lanes = new LaneEmitter(printer, plan);
        var signature = new List<string> { p.ReadOnlySpan + " theta" };
        signature.AddRange(m.Parameters.Where(x => x.Kind != ParameterKind.RealSpanOutput).Select(x => "global::System.ReadOnlySpan<int> " + x.Name));
        signature.Add("int count");
        signature.AddRange(m.Parameters.Where(x => x.Kind == ParameterKind.RealSpanOutput).Select(x => p.Span + " " + x.Name));
        if (m.Returns == ValueKind.Real) signature.Add(p.Span + " results");

        w.WriteLine("/// <summary>" + summary + "</summary>");
        w.OpenBlock("public void " + name + "(" + string.Join(", ", signature) + ")");
        WriteBatchPreamble(w, m, parameters, outputsFromBars: false);
        lanes.GroupsPreamble(w);
        foreach (var (local, kind) in VaryingLocals(m.Body, plan)) w.WriteLine(lanes.ScalarBuffer(local, kind));
        new ForwardEmitter(printer, lanes).Emit(KeptActivations.InForward(m.Body, plan), w);
        w.WriteLine("arena.Release(arenaMark);");
        w.CloseBlock();
    }

    /// <summary>
    /// Tells <paramref name="plan"/> which dense layers the batched forward keeps for the adjoint: those the batched
    /// adjoint's forward sweep would compute again (a last layer whose output only the result reads is not among them).
    /// </summary>
    public static void PlanKeptLayers(KernelMethod m, IReadOnlyList<ParamField> parameters, BatchPlan plan)
    {
        var printer = new ExpressionPrinter(Precision.Float, parameters) { Batch = plan };
        var emitter = new AdjointEmitter(m, printer, ResultsBarOfQuery, ownsOutputs: true, new LaneEmitter(printer, plan));
        plan.KeepOnly(emitter.RecomputedBatchCalls);
    }

    /// <summary>The adjoint of query q's result in a batched adjoint: <c>resultsBar[q]</c>.</summary>
    private static readonly Expr ResultsBarOfQuery = new ElementRef(new LocalRef("resultsBar", ValueKind.RealSpan), new LocalRef("q", ValueKind.Int), null, ValueKind.Real);

    /// <summary>The adjoint of <see cref="WriteBatchedForward"/>: gradients summed over the queries into <c>thetaBar</c>.</summary>
    public static void WriteBatchedAdjoint(SourceWriter w, KernelMethod m, string name, IReadOnlyList<ParamField> parameters, BatchPlan plan, string summary)
    {
        var p = Precision.Float;
        var printer = new ExpressionPrinter(p, parameters) { Batch = plan };
        var lanes = new LaneEmitter(printer, plan);
        var emitter = new AdjointEmitter(m, printer, ResultsBarOfQuery, ownsOutputs: true, lanes);
        var signature = new List<string> { p.ReadOnlySpan + " theta" };
        signature.AddRange(m.Parameters.Where(x => x.Kind != ParameterKind.RealSpanOutput).Select(x => "global::System.ReadOnlySpan<int> " + x.Name));
        signature.Add("int count");
        signature.AddRange(m.Parameters.Where(x => x.Kind == ParameterKind.RealSpanOutput).Select(x => p.ReadOnlySpan + " " + EmittedNames.Bar(x.Name)));
        if (m.Returns == ValueKind.Real) signature.Add(p.ReadOnlySpan + " resultsBar");
        signature.Add(p.Span + " thetaBar");

        var body = new SourceWriter();
        // The caller's adjoints are read-only: where the reverse sweep writes one, work on a copy.
        var copied = m.Parameters.Where(x => x.Kind == ParameterKind.RealSpanOutput && emitter.Activity.IsActiveName(x.Name) && emitter.WritesAdjointOf(x.Name)).ToList();
        foreach (var x in copied) printer.SetBarName(x.Name, EmittedNames.BarWork(x.Name));
        emitter.EmitBody(body);

        w.WriteLine("/// <summary>" + summary + "</summary>");
        w.OpenBlock("public void " + name + "(" + string.Join(", ", signature) + ")");
        WriteBatchPreamble(w, m, parameters, outputsFromBars: true, emitter.UnreadBuffers);
        lanes.GroupsPreamble(w);
        foreach (var x in copied)
        {
            w.WriteLine(p.Span + " " + x.Name + "BarWork = arena.Floats(" + x.Name + "Bar.Length);");
            w.WriteLine(x.Name + "Bar.CopyTo(" + x.Name + "BarWork);");
        }
        w.Append(body);
        w.WriteLine("arena.Release(arenaMark);");
        w.CloseBlock();
    }

    /// <summary>Offsets, the arena, and the per-query row length of every query input and output.</summary>
    private static void WriteBatchPreamble(SourceWriter w, KernelMethod m, IReadOnlyList<ParamField> parameters, bool outputsFromBars,
        IReadOnlyCollection<string>? unread = null)
    {
        WriteOffsets(w, parameters, m.Body);
        w.WriteLine("if (count == 0) return;");
        w.WriteLine("var arena = global::Diml.Kernels.BatchArena.Current;");
        w.WriteLine("var arenaMark = arena.Mark();");
        foreach (var x in m.Parameters)
        {
            if (x.Kind == ParameterKind.IntSpanInput)
                w.WriteLine("int " + ExpressionPrinter.StrideName(x.Name) + " = " + x.Name + ".Length / count;");
            else if (x.Kind == ParameterKind.RealSpanOutput && outputsFromBars)
            {
                w.WriteLine("int " + ExpressionPrinter.StrideName(x.Name) + " = " + x.Name + "Bar.Length / count;");
                if (unread is null || !unread.Contains(x.Name))
                    w.WriteLine("global::System.Span<float> " + x.Name + " = arena.Floats(" + x.Name + "Bar.Length);");
            }
            else if (x.Kind == ParameterKind.RealSpanOutput)
                w.WriteLine("int " + ExpressionPrinter.StrideName(x.Name) + " = " + x.Name + ".Length / count;");
        }
    }

    /// <summary>Scalar locals that vary across queries, each once.</summary>
    private static IEnumerable<(string Name, ValueKind Kind)> VaryingLocals(Stmt statement, BatchPlan plan)
        => Statements.All(statement).OfType<DeclareLocal>().Where(d => plan.IsVarying(d.Name))
            .GroupBy(d => d.Name).Select(g => (g.Key, g.First().Kind));

    /// <summary>
    /// Where each [Param] field starts in the flat vector (fields in declaration order, row-major), and the row
    /// length of each matrix field <paramref name="body"/> indexes element by element.
    /// </summary>
    public static void WriteOffsets(SourceWriter w, IReadOnlyList<ParamField> parameters, Stmt body)
    {
        var indexed = new HashSet<string>(Statements.Expressions(body).OfType<ElementRef>()
            .Where(e => e.Column is not null).Select(e => e.Target).OfType<ParamRef>().Select(r => r.Field));
        // Offsets up to the last field the body reads (each is the previous plus its length): a constant offset
        // nobody reads would be a compiler warning in the generated file.
        var read = new HashSet<string>(Statements.Expressions(body).OfType<ParamRef>().Select(r => r.Field));
        int last = -1;
        for (int i = 0; i < parameters.Count; i++)
            if (read.Contains(parameters[i].Name)) last = i;
        string previous = "0";
        foreach (var field in parameters.Take(last + 1))
        {
            w.WriteLine("int " + ExpressionPrinter.OffsetName(field.Name) + " = " + previous + ";");
            if (field.Rank == 2 && indexed.Contains(field.Name))
                w.WriteLine("int " + ExpressionPrinter.ColumnsName(field.Name) + " = this." + field.Name + ".GetLength(1);");
            previous = ExpressionPrinter.OffsetName(field.Name) + " + " + (field.Rank == 0 ? "1" : "this." + field.Name + ".Length");
        }
    }

    private static HashSet<string> AssignedNames(Stmt statement)
        => new(Statements.All(statement).OfType<Assign>().Select(a => a.Target).OfType<LocalRef>().Select(l => l.Name));

    public static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
