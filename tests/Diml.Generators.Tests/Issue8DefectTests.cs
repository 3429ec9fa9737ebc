using Microsoft.CodeAnalysis;

namespace Diml.Generators.Tests;

/// <summary>
/// Inputs that used to give a silent wrong gradient, an unlocated error, a misleading message or follow-on
/// compiler errors inside the generated files. Each now gives exactly one located DIML error.
/// </summary>
public class Issue8DefectTests
{
    private static Diagnostic Single(string markedSource, string id, string messageContains)
    {
        var (source, span) = GeneratorHarness.Marked(GeneratorHarness.Usings + markedSource);
        var (result, output) = GeneratorHarness.Run(source);
        Assert.Null(result.Exception);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Contains(messageContains, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(span, diagnostic.Location.SourceSpan);
        Assert.Equal("Input0.cs", diagnostic.Location.GetLineSpan().Path);
        // Nothing else fails to compile: no generated file refers to code that was not generated.
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "Follow-on compiler errors:\n" + string.Join("\n", errors.Take(10)));
        return diagnostic;
    }

    // ---- 1. members of the mechanism that read [Param] fields

    [Fact]
    public void MethodReadingAParamField_IsDIML022_AtTheCall() => Single("""
        [Mechanism]
        public partial class M
        {
            [Param] public float X = 0.7f;
            [Param] public float[] V = new float[3];
            private float Twice() => X * 2f;
            [Payoff]
            public float Payoff(ReadOnlySpan<int> joint, int agent) { return [|Twice()|] * V[0]; }
        }
        """, "DIML022", "'Twice' reads the [Param] field 'X'");

    [Fact]
    public void PropertyReadingAParamField_IsDIML022_AtTheRead() => Single("""
        [Mechanism]
        public partial class M
        {
            [Param] public float X = 0.7f;
            [Param] public float[] V = new float[3];
            private float Doubled => X * 2f;
            [Payoff]
            public float Payoff(ReadOnlySpan<int> joint, int agent) => [|Doubled|] * V[joint[agent]];
        }
        """, "DIML022", "'Doubled' reads the [Param] field 'X'");

    [Fact]
    public void PropertyReturningAParamArray_IsDIML022_AtTheRead() => Single("""
        [Mechanism]
        public partial class M
        {
            [Param] public float[] V = new float[3];
            private float[] Weights => V;
            [Payoff]
            public float Payoff(ReadOnlySpan<int> joint, int agent) => [|Weights|][joint[agent]];
        }
        """, "DIML022", "'Weights' reads the [Param] field 'V'");

    [Fact]
    public void MemberReadingAParamFieldThroughAnotherMember_IsDIML022() => Single("""
        [Mechanism]
        public partial class M
        {
            [Param] public float[] V = new float[3];
            private float First => V[0];
            private float Scaled(float s) => s * First;
            [Payoff]
            public float Payoff(ReadOnlySpan<int> joint, int agent) => [|Scaled(2f)|] + V[joint[agent]];
        }
        """, "DIML022", "'Scaled' reads the [Param] field 'V'");

    [Fact]
    public void MembersReadingOnlyOrdinaryFields_AreConstants()
    {
        GeneratorHarness.RunClean(GeneratorHarness.Usings + """
            [Mechanism]
            public partial class M
            {
                [Param] public float[] V = new float[3];
                public float Scale = 2f;
                private float Half => Scale / 2f;
                private float Square(float s) => s * s;
                [Payoff]
                public float Payoff(ReadOnlySpan<int> joint, int agent) => Half * Square(Scale) * V[joint[agent]];
            }
            """);
    }

    // ---- 2. '%=' on a real is located

    [Fact]
    public void RemainderAssignmentOnAReal_IsDIML002_AtTheAssignment() => Single("""
        public static partial class K
        {
            [Differentiable]
            public static float F(float x)
            {
                float y = x * 3f;
                [|y %= 1f|];
                return y;
            }
        }
        """, "DIML002", "'%' is supported on integers only");

    // ---- 3. an array local of a field says what to write

    [Fact]
    public void ArrayLocalOfAParamField_SuggestsAReadOnlySpan() => Single("""
        [Mechanism]
        public partial class M
        {
            [Param] public float[] V = new float[3];
            [Payoff]
            public float Payoff(ReadOnlySpan<int> joint, int agent)
            {
                [|float[]|] v = V;
                return v[joint[agent]];
            }
        }
        """, "DIML012", "declare it as 'ReadOnlySpan<float> v = V'");

    // ---- 4. [Param] in a learning rule: a learnable parameter (DIML023 is retired)

    private const string RuleWithLearnableStep = """
        [LearningRule]
        public partial class R
        {
            [Param(Range = ParamRange.UnitInterval)] public float Step = 0.1f;
            [Update]
            public void Update(ReadOnlySpan<float> q, ReadOnlySpan<float> u, int played, Span<float> next)
            {
                for (int k = 0; k < q.Length; k++) next[k] = q[k] + Step * (u[k] - q[k]);
            }
            [Response]
            public void Response(ReadOnlySpan<float> q, Span<float> logPolicy)
            {
                for (int k = 0; k < q.Length; k++) logPolicy[k] = q[k];
            }
            public int StateSize(int actions) => actions;
            public void InitialState(Span<float> state) => state.Clear();
        }
        """;

    [Fact]
    public void ParamFieldInALearningRule_IsALearnableParameter()
    {
        var (result, output) = GeneratorHarness.Run(GeneratorHarness.Usings + RuleWithLearnableStep);
        Assert.Null(result.Exception);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var generated = Assert.Single(result.GeneratedSources).SourceText.ToString();
        Assert.Contains("partial class R : global::Diml.ILearnableRule", generated);
        // The ILearningRule update reads the field; its θ-version reads theta and adds into thetaBar.
        Assert.Contains("uBar[k] += seed2 * this.Step;", generated);
        Assert.Contains("thetaBar[stepOffset] += ", generated);
        Assert.Contains("new global::Diml.ParameterBlock(\"Step\", 0, 1, 1, offset) { Range = global::Diml.ParamRange.UnitInterval }", generated);
    }

    [Fact]
    public void ParamFieldOfAnUnlearnableTypeInALearningRule_IsDIML015_AtTheField() => Single("""
        [LearningRule]
        public partial class R
        {
            [Param] public double [|Step|] = 0.1;
            [Update]
            public void Update(ReadOnlySpan<float> q, ReadOnlySpan<float> u, int played, Span<float> next)
            {
                for (int k = 0; k < q.Length; k++) next[k] = q[k] + 0.1f * (u[k] - q[k]);
            }
            [Response]
            public void Response(ReadOnlySpan<float> q, Span<float> logPolicy)
            {
                for (int k = 0; k < q.Length; k++) logPolicy[k] = q[k];
            }
            public int StateSize(int actions) => actions;
            public void InitialState(Span<float> state) => state.Clear();
        }
        """, "DIML015", "[Param] field 'Step' has type 'double'");

    // ---- 5. lambdas, rejected helpers, goto

    [Fact]
    public void LambdaLocal_IsDIML002_AtTheLambda() => Single("""
        public static partial class K
        {
            [Differentiable]
            public static float F(float x)
            {
                Func<float, float> twice = [|v => v * 2|];
                return twice(x);
            }
        }
        """, "DIML002", "lambdas are not supported");

    [Fact]
    public void CallerOfARecursiveHelper_EmitsNothing_AndOnlyTheHelperIsReported() => Single("""
        public static partial class K
        {
            [Differentiable]
            public static float F(float x, int n) => n <= 0 ? x : [|F(x * 0.5f, n - 1)|];

            [Differentiable]
            public static float G(float x) => F(x, 3) * 2f;
        }
        """, "DIML006", "'F' calls itself");

    [Fact]
    public void CallerOfAnIntReturningHelper_EmitsNothing_AndOnlyTheHelperIsReported() => Single("""
        public static partial class K
        {
            [Differentiable]
            public static [|int|] Index(float x) => x > 0 ? 1 : 0;

            [Differentiable]
            public static float G(ReadOnlySpan<float> x) => x[Index(x[0])] * 2f;
        }
        """, "DIML012", "'Index' has type 'int'");

    [Fact]
    public void MechanismCallingARejectedHelper_EmitsNothing() => Single("""
        [Mechanism]
        public partial class M
        {
            [Param] public float[] V = new float[3];
            [Differentiable]
            public static float Bad(float x) { float y = x; [|while (y > 1) y = y * 0.5f;|] return y; }
            [Payoff]
            public float Payoff(ReadOnlySpan<int> joint, int agent) => Bad(V[joint[agent]]);
        }
        """, "DIML001", "A 'while' statement cannot be differentiated");

    [Fact]
    public void Goto_IsDIML001_WithoutSpeakingOfALoop()
    {
        var diagnostic = Single("""
            public static partial class K
            {
                [Differentiable]
                public static float F(float x)
                {
                    float y = x;
                    if (y > 1) [|goto done;|]
                    y = y * 2f;
                    done:
                    return y;
                }
            }
            """, "DIML001", "A 'goto' statement cannot be differentiated");
        Assert.DoesNotContain("loop", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    // ---- 2. an emitter failure is located too

    private sealed record Spec(string Name);

    [Fact]
    public void EmitterFailure_IsDIML011_AtTheDeclaration_AndEmitsNothing()
    {
        var at = new Diagnostics.LocationInfo("Input0.cs", new Microsoft.CodeAnalysis.Text.TextSpan(40, 5),
            new Microsoft.CodeAnalysis.Text.LinePositionSpan(new(3, 13), new(3, 18)));
        var parsed = new Model.ParseResult<Spec>(new Spec("M"), Model.ImmutableEquatableArray<Diagnostics.DiagnosticInfo>.Empty);

        var failed = Emission.GuardedEmission.Guard(parsed, at, _ => throw new InvalidOperationException("no adjoint for this statement"), s => "N." + s.Name + ".Mechanism");

        Assert.Null(failed.File);
        var diagnostic = Assert.Single(failed.Diagnostics).ToDiagnostic();
        Assert.Equal("DIML011", diagnostic.Id);
        Assert.Equal("Input0.cs", diagnostic.Location.GetLineSpan().Path);
        Assert.Equal(new Microsoft.CodeAnalysis.Text.TextSpan(40, 5), diagnostic.Location.SourceSpan);
        Assert.Contains("InvalidOperationException: no adjoint for this statement", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));

        var emitted = Emission.GuardedEmission.Guard(parsed, at, s => "// " + s.Name, s => "N." + s.Name + ".Mechanism");
        Assert.Equal(new Model.GeneratedFile("N.M.Mechanism", "// M"), emitted.File);
        Assert.Empty(emitted.Diagnostics);
    }
}
