using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Diml.Generators.Analysis;
using Diml.Generators.Optimisation;
using Diml.Generators.Ir;
using Diml.Generators.Model;

namespace Diml.Generators.Emission;

/// <summary>Writes the generated source files: one per mechanism, learning rule and differentiable helper.</summary>
internal static class TypeEmitter
{
    private const string Runtime = "global::Diml.";

    public static string EmitHelper(HelperSpec spec)
    {
        var m = spec.Method;
        // Several helpers can share a class: each marks its own members rather than the type.
        return EmitFile(spec.Type, m.Name + " ([Differentiable])", null, markType: false, w =>
        {
            string modifiers = m.Accessibility + (m.IsStatic ? " static" : "");
            string display = spec.Type.Name + "." + m.Name;
            KernelEmitter.WriteForward(w, m, Precision.Double, m.Name + "Double", modifiers, null,
                "Double-precision twin of " + display + ", used by the gradient checks.", markMethod: true);
            w.WriteLine();
            KernelEmitter.WriteAdjoint(w, m, Precision.Float, m.Name + "Adjoint", modifiers, null, AdjointStyle.Helper, "resultBar",
                "Reverse-mode adjoint of " + display + ".", markMethod: true);
            w.WriteLine();
            KernelEmitter.WriteAdjoint(w, m, Precision.Double, m.Name + "DoubleAdjoint", modifiers, null, AdjointStyle.Helper, "resultBar",
                "Double-precision twin of " + m.Name + "Adjoint.", markMethod: true);
            if (IsCheckable(m))
            {
                w.WriteLine();
                WriteHelperCheck(w, spec);
            }
        });
    }

    public static string EmitMechanism(MechanismSpec spec)
    {
        var m = spec.Payoff;
        string @interface = spec.Form switch
        {
            PayoffForm.Joint => "IJointMechanism",
            PayoffForm.PerAgent => "IPerAgentMechanism",
            _ => "IAnonymousMechanism",
        };
        string kernel = spec.Form == PayoffForm.Joint ? "Payoffs" : "Payoff";
        var fields = spec.Params;
        var plan = BatchPlan.Analyze(m, ownActionHoisting: spec.Form == PayoffForm.Anonymous);
        bool batched = plan.Obstacle is null;
        if (batched) @interface = "IBatched" + @interface.Substring(1);
        return EmitFile(spec.Type, "mechanism", Runtime + @interface, w =>
        {
            w.WriteLine("/// <inheritdoc/>");
            w.WriteLine("public string ModelName => \"" + spec.Type.Name + "\";");
            w.WriteLine();
            w.WriteLine("/// <inheritdoc/>");
            w.WriteLine("public " + Runtime + "PayoffForm Form => " + Runtime + "PayoffForm." + spec.Form + ";");
            w.WriteLine();
            WriteLayout(w, fields);
            w.WriteLine();
            WriteParameterCopies(w, fields);
            w.WriteLine();
            string display = spec.Type.Name + "." + m.Name;
            KernelEmitter.WriteForward(w, m, Precision.Float, kernel, "public", fields,
                display + " with parameters read from the flat vector <paramref name=\"theta\"/>.");
            w.WriteLine();
            KernelEmitter.WriteAdjoint(w, m, Precision.Float, kernel + "Adjoint", "public", fields, AdjointStyle.Mechanism, "payoffBar",
                "Reverse-mode adjoint of " + display + ": adds the payoffs' adjoint times their Jacobian into <paramref name=\"thetaBar\"/>.");
            w.WriteLine();
            KernelEmitter.WriteForward(w, m, Precision.Double, kernel, "public", fields,
                "Double-precision twin of " + kernel + ", used by the gradient checks.");
            w.WriteLine();
            KernelEmitter.WriteAdjoint(w, m, Precision.Double, kernel + "Adjoint", "public", fields, AdjointStyle.Mechanism, "payoffBar",
                "Double-precision twin of " + kernel + "Adjoint.");
            w.WriteLine();
            if (batched)
            {
                KernelEmitter.PlanKeptLayers(m, fields, plan);
                KernelEmitter.WriteBatchedForward(w, m, kernel + "Batch", fields, plan,
                    display + " for many queries at once: each statement one loop over the queries, each dense layer one matrix-matrix product.");
                w.WriteLine();
                KernelEmitter.WriteBatchedAdjoint(w, m, kernel + "BatchAdjoint", fields, plan,
                    "Reverse-mode adjoint of " + kernel + "Batch: the gradient summed over the queries, added into <paramref name=\"thetaBar\"/>.");
            }
            else
            {
                w.WriteLine("// No batched kernel: " + plan.Obstacle + "; the runtime evaluates one query at a time.");
            }
            w.WriteLine();
            w.WriteLine("/// <inheritdoc/>");
            w.WriteLine("public " + Runtime + "GradientCheckReport CheckGradients(int agents, int actions, int seed = 1)");
            w.WriteLine("    => " + Runtime + "GradientSelfCheck.Mechanism(this, agents, actions, seed);");
        });
    }

    public static string EmitLearningRule(LearningRuleSpec spec)
    {
        bool learnable = spec.Params.Count > 0;
        return EmitFile(spec.Type, "learning rule", Runtime + (learnable ? "ILearnableRule" : "ILearningRule"), w =>
        {
            w.WriteLine("/// <inheritdoc/>");
            w.WriteLine("public string RuleName => \"" + spec.Type.Name + "\";");
            w.WriteLine();
            w.WriteLine("/// <inheritdoc/>");
            w.WriteLine("public global::System.Collections.Generic.IReadOnlyDictionary<string, double> Hyperparameters => new global::System.Collections.Generic.Dictionary<string, double>");
            w.OpenBrace();
            foreach (var name in spec.Hyperparameters)
                w.WriteLine("[\"" + char.ToLowerInvariant(name[0]) + name.Substring(1) + "\"] = this." + name + ",");
            w.CloseBlock(";");
            // The ILearningRule members read the [Param] fields as constants; the θ-versions below read theta.
            WriteRuleMethod(w, spec, FieldReads.Of(spec.Update), "Update", "state update");
            WriteRuleMethod(w, spec, FieldReads.Of(spec.Response), "Response", "response");
            if (learnable)
            {
                w.WriteLine();
                w.WriteLine("// ---- ILearnableRule: the same kernels with the [Param] fields read from theta.");
                w.WriteLine();
                WriteLayout(w, spec.Params);
                w.WriteLine();
                WriteReadWrite(w, spec.Params);
                WriteInitialState(w, spec);
                WriteLearnableMethod(w, spec, spec.Update, "Update", "state update");
                WriteLearnableMethod(w, spec, spec.Response, "Response", "response");
            }
            w.WriteLine();
            w.WriteLine("/// <inheritdoc/>");
            w.WriteLine("public " + Runtime + "GradientCheckReport CheckGradients(int actions, int seed = 1)");
            w.WriteLine("    => " + Runtime + "GradientSelfCheck.LearningRule(this, actions, seed);");
        });
    }

    private static void WriteRuleMethod(SourceWriter w, LearningRuleSpec spec, KernelMethod m, string name, string what)
    {
        string display = spec.Type.Name + "." + m.Name;
        if (m.Name != name)
        {
            var args = string.Join(", ", m.Parameters.Select(p => p.Name));
            var parameters = string.Join(", ", m.Parameters.Select(p => KernelEmitter.ParameterType(p.Kind, Precision.Float) + " " + p.Name));
            w.WriteLine();
            w.WriteLine("/// <summary>The " + what + ", <see cref=\"" + m.Name + "\"/>, under the interface's name.</summary>");
            w.WriteLine("void " + Runtime + "ILearningRule." + name + "(" + parameters + ") => " + m.Name + "(" + args + ");");
        }
        w.WriteLine();
        KernelEmitter.WriteAdjoint(w, m, Precision.Float, name + "Adjoint", "public", null, AdjointStyle.LearningRule, "resultBar",
            "Reverse-mode adjoint of the " + what + " " + display + ".");
        w.WriteLine();
        KernelEmitter.WriteForward(w, m, Precision.Double, name, "public", null,
            "Double-precision twin of the " + what + " " + display + ", used by the gradient checks.");
        w.WriteLine();
        KernelEmitter.WriteAdjoint(w, m, Precision.Double, name + "Adjoint", "public", null, AdjointStyle.LearningRule, "resultBar",
            "Double-precision twin of " + name + "Adjoint.");
    }

    /// <summary>A rule kernel with its parameters read from theta, float and double, forward and adjoint.</summary>
    private static void WriteLearnableMethod(SourceWriter w, LearningRuleSpec spec, KernelMethod m, string name, string what)
    {
        string display = spec.Type.Name + "." + m.Name;
        foreach (var precision in new[] { Precision.Float, Precision.Double })
        {
            w.WriteLine();
            KernelEmitter.WriteForward(w, m, precision, name, "public", spec.Params, precision.IsDouble
                ? "Double-precision twin of " + name + "(theta, ...), used by the gradient checks."
                : "The " + what + " " + display + " with the rule's parameters read from the flat vector <paramref name=\"theta\"/>.");
            w.WriteLine();
            KernelEmitter.WriteAdjoint(w, m, precision, name + "Adjoint", "public", spec.Params, AdjointStyle.LearningRule, "resultBar", precision.IsDouble
                ? "Double-precision twin of " + name + "Adjoint(theta, ...)."
                : "Reverse-mode adjoint of the " + what + " " + display + " at <paramref name=\"theta\"/>: also adds into <paramref name=\"thetaBar\"/>.");
        }
    }

    /// <summary>
    /// The initial state at theta: the [Initial] kernel differentiated like the others, or else the plain
    /// InitialState (which must not read a [Param] field: the self-check's field-independence test says so).
    /// </summary>
    private static void WriteInitialState(SourceWriter w, LearningRuleSpec spec)
    {
        if (spec.Initial is { } initial)
        {
            WriteLearnableMethod(w, spec, initial, "InitialState", "initial state");
            return;
        }
        w.WriteLine();
        w.WriteLine("/// <summary>The initial state does not depend on the parameters: <see cref=\"InitialState(global::System.Span{float})\"/>.</summary>");
        w.WriteLine("public void InitialState(global::System.ReadOnlySpan<float> theta, global::System.Span<float> state) => InitialState(state);");
        w.WriteLine();
        w.WriteLine("/// <summary>The initial state does not depend on the parameters: nothing to add.</summary>");
        w.WriteLine("public void InitialStateAdjoint(global::System.ReadOnlySpan<float> theta, global::System.ReadOnlySpan<float> stateBar, global::System.Span<float> thetaBar) { }");
        w.WriteLine();
        w.WriteLine("/// <summary>Double-precision twin of InitialState: the float initial state, widened.</summary>");
        w.OpenBlock("public void InitialState(global::System.ReadOnlySpan<double> theta, global::System.Span<double> state)");
        w.WriteLine("global::System.Span<float> narrow = state.Length <= 256 ? stackalloc float[state.Length] : new float[state.Length];");
        w.WriteLine("InitialState(narrow);");
        w.WriteLine("for (int j = 0; j < state.Length; j++) state[j] = narrow[j];");
        w.CloseBlock();
        w.WriteLine();
        w.WriteLine("/// <summary>The initial state does not depend on the parameters: nothing to add.</summary>");
        w.WriteLine("public void InitialStateAdjoint(global::System.ReadOnlySpan<double> theta, global::System.ReadOnlySpan<double> stateBar, global::System.Span<double> thetaBar) { }");
    }

    // ------------------------------------------------------------ parameters

    private static void WriteLayout(SourceWriter w, IReadOnlyList<ParamField> fields)
    {
        w.WriteLine("/// <inheritdoc/>");
        w.OpenBlock("public " + Runtime + "ParameterLayout Layout");
        w.OpenBlock("get");
        w.WriteLine("int offset = 0;");
        w.WriteLine("var blocks = new " + Runtime + "ParameterBlock[" + fields.Count.ToString(CultureInfo.InvariantCulture) + "];");
        for (int i = 0; i < fields.Count; i++)
        {
            var f = fields[i];
            string rows = f.Rank switch { 0 => "1", 1 => "this." + f.Name + ".Length", _ => "this." + f.Name + ".GetLength(0)" };
            string cols = f.Rank == 2 ? "this." + f.Name + ".GetLength(1)" : "1";
            string index = i.ToString(CultureInfo.InvariantCulture);
            string range = f.Range == RangeKind.Real ? "" : " { Range = " + Runtime + "ParamRange." + f.Range + " }";
            w.WriteLine("blocks[" + index + "] = new " + Runtime + "ParameterBlock(\"" + f.Name + "\", " + f.Rank.ToString(CultureInfo.InvariantCulture) + ", " + rows + ", " + cols + ", offset)" + range + ";");
            w.WriteLine("offset += blocks[" + index + "].Length;");
        }
        w.WriteLine("return new " + Runtime + "ParameterLayout(blocks);");
        w.CloseBlock();
        w.CloseBlock();
    }

    private static void WriteParameterCopies(SourceWriter w, IReadOnlyList<ParamField> fields)
    {
        const string Fields = Runtime + "ParameterFields";
        WriteReadWrite(w, fields);
        w.WriteLine();
        w.WriteLine("/// <inheritdoc/>");
        w.OpenBlock("public void InitializeParameters(global::System.Random random)");
        string fanIn = "1";
        foreach (var f in fields)
        {
            // PyTorch's fan-in for a bias is that of the weight matrix declared before it.
            if (f.Rank == 2) fanIn = "this." + f.Name + ".GetLength(1)";
            string init = Runtime + "ParamInit." + f.Init;
            w.WriteLine(f.Rank == 0
                ? "this." + f.Name + " = " + Fields + ".Initialize(this." + f.Name + ", " + init + ", " + fanIn + ", random);"
                : Fields + ".Initialize(this." + f.Name + ", " + init + ", " + fanIn + ", random);");
        }
        w.CloseBlock();
    }

    private static void WriteReadWrite(SourceWriter w, IReadOnlyList<ParamField> fields)
    {
        const string Fields = Runtime + "ParameterFields";
        w.WriteLine("/// <inheritdoc/>");
        w.OpenBlock("public void ReadParameters(global::System.Span<float> destination)");
        w.WriteLine("int offset = 0;");
        foreach (var f in fields)
            w.WriteLine(Fields + ".Read(this." + f.Name + ", destination, ref offset);");
        w.CloseBlock();
        w.WriteLine();
        w.WriteLine("/// <inheritdoc/>");
        w.OpenBlock("public void WriteParameters(global::System.ReadOnlySpan<float> source)");
        w.WriteLine("int offset = 0;");
        foreach (var f in fields)
            w.WriteLine(f.Rank == 0
                ? "this." + f.Name + " = " + Fields + ".ReadScalar(source, ref offset);"
                : Fields + ".Write(this." + f.Name + ", source, ref offset);");
        w.CloseBlock();
    }

    // ------------------------------------------------------------ helper self-check

    /// <summary>A helper can check itself when all its inputs and outputs are real scalars or spans.</summary>
    private static bool IsCheckable(KernelMethod m)
        => m.Parameters.All(p => p.Kind is ParameterKind.RealScalar or ParameterKind.RealSpanInput or ParameterKind.RealSpanOutput)
           && (m.Returns == ValueKind.Real || m.Parameters.Any(p => p.Kind == ParameterKind.RealSpanOutput))
           && m.Parameters.Any(p => p.Kind is ParameterKind.RealScalar or ParameterKind.RealSpanInput);

    private static void WriteHelperCheck(SourceWriter w, HelperSpec spec)
    {
        var m = spec.Method;
        string className = m.Name + "GradientFunction";
        string modifiers = m.Accessibility + (m.IsStatic ? " static" : "");
        w.WriteLine("/// <summary>");
        w.WriteLine("/// Checks " + m.Name + "Adjoint against central finite differences of " + m.Name + "Double at a random point,");
        w.WriteLine("/// every span argument of length <paramref name=\"spanLength\"/>.");
        w.WriteLine("/// </summary>");
        w.WriteLine(GeneratedCode);
        w.OpenBlock(modifiers + " " + Runtime + "GradientCheckReport " + m.Name + "CheckGradient(int spanLength = 4, int seed = 1)");
        w.WriteLine("var function = new " + className + "(" + (m.IsStatic ? "" : "this, ") + "spanLength);");
        w.WriteLine("return " + Runtime + "GradientCheck.Run(function, " + Runtime + "GradientSelfCheck.RandomPoint(function.InputLength, seed), seed);");
        w.CloseBlock();
        w.WriteLine();

        w.WriteLine("/// <summary>" + m.Name + " as a map between flat vectors, for " + m.Name + "CheckGradient.</summary>");
        w.WriteLine(GeneratedCode);
        w.OpenBlock("private sealed class " + className + " : " + Runtime + "IFlatFunction");
        if (!m.IsStatic) w.WriteLine("private readonly " + spec.Type.FullName + " _owner;");
        w.WriteLine("private readonly int _n;");
        w.WriteLine();
        w.OpenBlock("public " + className + "(" + (m.IsStatic ? "" : spec.Type.FullName + " owner, ") + "int spanLength)");
        if (!m.IsStatic) w.WriteLine("_owner = owner;");
        w.WriteLine("_n = spanLength;");
        w.CloseBlock();
        w.WriteLine();
        int scalarIn = m.Parameters.Count(p => p.Kind == ParameterKind.RealScalar);
        int spanIn = m.Parameters.Count(p => p.Kind == ParameterKind.RealSpanInput);
        int spanOut = m.Parameters.Count(p => p.Kind == ParameterKind.RealSpanOutput);
        int scalarOut = m.Returns == ValueKind.Real ? 1 : 0;
        w.WriteLine("public string Name => \"" + spec.Type.Name + "." + m.Name + "\";");
        w.WriteLine("public int InputLength => " + Count(scalarIn, spanIn) + ";");
        w.WriteLine("public int OutputLength => " + Count(scalarOut, spanOut) + ";");
        foreach (var precision in new[] { Precision.Double, Precision.Float })
        {
            string r = precision.Real;
            string target = (m.IsStatic ? spec.Type.FullName : "_owner") + "." + m.Name + (precision.IsDouble ? "Double" : "");
            string adjoint = (m.IsStatic ? spec.Type.FullName : "_owner") + "." + m.Name + (precision.IsDouble ? "Double" : "") + "Adjoint";
            var inputs = Slices(m, "input", inputKinds: true);
            var outputs = Slices(m, "output", inputKinds: false, skipResult: scalarOut);
            w.WriteLine();
            w.OpenBlock("public void Evaluate(global::System.ReadOnlySpan<" + r + "> input, global::System.Span<" + r + "> output)");
            string call = target + "(" + string.Join(", ", Arguments(m, inputs, outputs)) + ")";
            w.WriteLine(scalarOut == 1 ? "output[0] = " + call + ";" : call + ";");
            w.CloseBlock();
            w.WriteLine();
            w.OpenBlock("public void Adjoint(global::System.ReadOnlySpan<" + r + "> input, global::System.ReadOnlySpan<" + r + "> outputBar, global::System.Span<" + r + "> inputBar)");
            w.WriteLine("global::System.Span<" + r + "> output = stackalloc " + r + "[OutputLength];");
            var args = Arguments(m, inputs, outputs).ToList();
            if (scalarOut == 1) args.Add("outputBar[0]");
            args.AddRange(Slices(m, "outputBar", inputKinds: false, skipResult: scalarOut).Select(x => x.Slice));
            foreach (var (name, slice) in Slices(m, "inputBar", inputKinds: true))
            {
                var kind = m.Parameters.First(p => p.Name == name).Kind;
                args.Add(kind == ParameterKind.RealScalar ? "ref " + slice : slice);
            }
            w.WriteLine(adjoint + "(" + string.Join(", ", args) + ");");
            w.CloseBlock();
        }
        w.CloseBlock();
    }

    private static string Count(int scalars, int spans)
        => spans == 0 ? scalars.ToString(CultureInfo.InvariantCulture)
            : scalars.ToString(CultureInfo.InvariantCulture) + " + " + spans.ToString(CultureInfo.InvariantCulture) + " * _n";

    /// <summary>Where each input (or output) parameter lives in the flat vector: <c>input[2]</c> or <c>input.Slice(3, _n)</c>.</summary>
    private static List<(string Name, string Slice)> Slices(KernelMethod m, string vector, bool inputKinds, int skipResult = 0)
    {
        var result = new List<(string Name, string Slice)>();
        string offset = skipResult.ToString(CultureInfo.InvariantCulture);
        foreach (var p in m.Parameters)
        {
            bool isInput = p.Kind is ParameterKind.RealScalar or ParameterKind.RealSpanInput;
            if (isInput != inputKinds) continue;
            if (p.Kind == ParameterKind.RealScalar)
            {
                result.Add((p.Name, vector + "[" + offset + "]"));
                offset = offset + " + 1";
            }
            else
            {
                result.Add((p.Name, vector + ".Slice(" + offset + ", _n)"));
                offset = offset + " + _n";
            }
        }
        return result;
    }

    private static IEnumerable<string> Arguments(KernelMethod m, List<(string Name, string Slice)> inputs, List<(string Name, string Slice)> outputs)
        => m.Parameters.Select(p => inputs.Concat(outputs).First(x => x.Name == p.Name).Slice);

    // ------------------------------------------------------------ file frame

    /// <summary>Marks the generated part of the type, as the framework's own generators do.</summary>
    internal static readonly string GeneratedCode = "[global::System.CodeDom.Compiler.GeneratedCode(\"Diml.Generators\", \""
        + typeof(TypeEmitter).Assembly.GetName().Version!.ToString(3) + "\")]";

    private static string EmitFile(TypeSpec type, string what, string? implements, Action<SourceWriter> members)
        => EmitFile(type, what, implements, markType: true, members);

    private static string EmitFile(TypeSpec type, string what, string? implements, bool markType, Action<SourceWriter> members)
    {
        var w = new SourceWriter();
        w.WriteLine("// <auto-generated/>");
        w.WriteLine("// Generated by the Diml differentiator from " + type.Name + " (" + what + "). Edit the annotated source, not this file.");
        w.WriteLine("#nullable enable");
        w.WriteLine();
        if (type.Namespace.Length > 0) w.OpenBlock("namespace " + type.Namespace);
        for (int i = 0; i < type.Declarations.Count; i++)
        {
            bool annotated = i == type.Declarations.Count - 1;
            if (annotated && markType) w.WriteLine(GeneratedCode);
            w.OpenBlock(type.Declarations[i] + (annotated && implements is not null ? " : " + implements : ""));
        }
        members(w);
        for (int i = 0; i < type.Declarations.Count; i++) w.CloseBlock();
        if (type.Namespace.Length > 0) w.CloseBlock();
        return w.ToString();
    }
}
