using Microsoft.CodeAnalysis;

namespace Diml.Generators.Tests;

/// <summary>One test per diagnostic ID: the ID, the message and the location of the offending syntax.</summary>
public class DiagnosticTests
{
    private static Diagnostic Single(string markedSource, string id, string messageContains)
    {
        var (source, span) = GeneratorHarness.Marked(GeneratorHarness.Usings + markedSource);
        var (result, _) = GeneratorHarness.Run(source);
        Assert.Null(result.Exception);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Contains(messageContains, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(span, diagnostic.Location.SourceSpan);
        Assert.Equal("Input0.cs", diagnostic.Location.GetLineSpan().Path);
        return diagnostic;
    }

    [Fact]
    public void WhileLoop_IsDIML001_AtTheStatement() => Single("""
        public static partial class K
        {
            [Differentiable]
            public static float F(float x)
            {
                float y = x;
                [|while (y > 1) y = y * 0.5f;|]
                return y;
            }
        }
        """, "DIML001", "A 'while' statement cannot be differentiated");

    [Fact]
    public void Lambda_IsDIML002_AtTheLambda() => Single("""
        public static partial class K
        {
            [Differentiable]
            public static float F(float x)
            {
                float y = Apply([|v => v * 2|], x);
                return y;
            }
            public static float Apply(Func<float, float> f, float v) => f(v);
        }
        """, "DIML002", "lambdas are not supported");

    [Fact]
    public void LogWithABase_IsDIML002_AtTheCall() => Single("""
        public static partial class K
        {
            [Differentiable]
            public static float F(float x) => [|MathF.Log(x, 2)|];
        }
        """, "DIML002", "only the 1-argument overload of Log is supported");

    [Fact]
    public void UnknownCallWithActiveArgument_IsDIML003_AtTheCall() => Single("""
        public static partial class K
        {
            [Differentiable]
            public static float F(float x) => [|Helper(x)|] + 1;
            public static float Helper(float v) => v * v;
        }
        """, "DIML003", "'K.Helper' is called with an argument that depends on the parameters");

    [Fact]
    public void UnknownCallWithConstantArguments_IsAllowed()
    {
        var generated = GeneratorHarness.RunClean(GeneratorHarness.Usings + """
            public static partial class K
            {
                [Differentiable]
                public static float F(float x, int i) => x * Index(i);
                public static int Index(int v) => v + 1;
            }
            """);
        Assert.Single(generated);
    }

    [Fact]
    public void WriteToParam_IsDIML004_AtTheTarget() => Single("""
        [Mechanism]
        public partial class M
        {
            [Param] public float[] W = new float[3];
            [Payoff]
            public float Payoff(ReadOnlySpan<int> joint, int agent)
            {
                [|W[0]|] = 1;
                return W[joint[agent]];
            }
        }
        """, "DIML004", "'W' is a [Param] field and cannot be written");

    [Fact]
    public void ArrayAllocation_IsDIML005_AtTheAllocation() => Single("""
        public static partial class K
        {
            [Differentiable]
            public static float F(float x)
            {
                float[] buffer = [|new float[4]|];
                return x;
            }
        }
        """, "DIML005", "allocates on the heap");

    [Fact]
    public void Recursion_IsDIML006_AtTheCall() => Single("""
        public static partial class K
        {
            [Differentiable]
            public static float F(float x, int n) => n <= 0 ? x : [|F(x * 0.5f, n - 1)|];
        }
        """, "DIML006", "'F' calls itself");

    [Fact]
    public void WrongPayoffSignature_IsDIML007_AtTheMethodName() => Single("""
        [Mechanism]
        public partial class M
        {
            [Param] public float[] W = new float[3];
            [Payoff]
            public float [|Payoff|](int agent) => W[agent];
        }
        """, "DIML007", "The payoff method 'Payoff' must have one of the forms");

    [Fact]
    public void WrongUpdateSignature_IsDIML008_AtTheMethodName() => Single("""
        [LearningRule]
        public partial class R
        {
            [Update]
            public void [|Update|](ReadOnlySpan<float> q, ReadOnlySpan<float> u, Span<float> next) { }
            [Response]
            public void Response(ReadOnlySpan<float> q, Span<float> logPolicy) { }
            public int StateSize(int actions) => actions;
            public void InitialState(Span<float> state) => state.Clear();
        }
        """, "DIML008", "The update method 'Update' must be");

    [Fact]
    public void NonPartialMechanism_IsDIML009_AtTheTypeName() => Single("""
        [Mechanism]
        public class [|M|]
        {
            [Param] public float[] W = new float[3];
            [Payoff]
            public float Payoff(ReadOnlySpan<int> joint, int agent) => W[joint[agent]];
        }
        """, "DIML009", "'M' must be declared 'partial'");

    [Fact]
    public void MissingPayoff_IsDIML010_AtTheTypeName() => Single("""
        [Mechanism]
        public partial class [|M|]
        {
            [Param] public float[] W = new float[3];
        }
        """, "DIML010", "'M' has no method marked [Payoff]");

    [Fact]
    public void UnsupportedLocalType_IsDIML012_AtTheType() => Single("""
        public static partial class K
        {
            [Differentiable]
            public static float F(float x)
            {
                [|string|] s = "a";
                return x;
            }
        }
        """, "DIML012", "'s' has type 'string'");

    [Fact]
    public void LoopVariableAssignedInBody_IsDIML013_AtTheAssignment() => Single("""
        public static partial class K
        {
            [Differentiable]
            public static float F(float x)
            {
                float y = x;
                for (int i = 0; i < 4; i++)
                {
                    y = y * x;
                    [|i|] = i + 1;
                }
                return y;
            }
        }
        """, "DIML013", "the body assigns the loop variable 'i'");

    [Fact]
    public void ReturnInsideLoop_IsDIML014_AtTheReturn() => Single("""
        public static partial class K
        {
            [Differentiable]
            public static float F(float x)
            {
                float y = x;
                for (int i = 0; i < 4; i++)
                {
                    if (y > 10) [|return y;|]
                    y = y * x;
                }
                return y;
            }
        }
        """, "DIML014", "This 'return' is not the last statement on its path");

    [Fact]
    public void ParamOfUnsupportedType_IsDIML015_AtTheField() => Single("""
        [Mechanism]
        public partial class M
        {
            [Param] public double[] [|W|] = new double[3];
            [Payoff]
            public float Payoff(ReadOnlySpan<int> joint, int agent) => 0;
        }
        """, "DIML015", "[Param] field 'W' has type 'double[]'");

    [Fact]
    public void ParamReadInHelper_IsDIML016_AtTheRead() => Single("""
        [Mechanism]
        public partial class M
        {
            [Param] public float[] W = new float[3];
            [Payoff]
            public float Payoff(ReadOnlySpan<int> joint, int agent) => W[joint[agent]];
            [Differentiable]
            public float Scale(float x) => x * [|W|][0];
        }
        """, "DIML016", "[Param] field 'W' is read in 'Scale'");

    [Fact]
    public void StackallocInLoop_IsDIML017_AtTheStackalloc() => Single("""
        public static partial class K
        {
            [Differentiable]
            public static float F(float x)
            {
                float y = 0;
                for (int i = 0; i < 4; i++)
                {
                    Span<float> t = [|stackalloc float[2]|];
                    t[0] = x;
                    y += t[0];
                }
                return y;
            }
        }
        """, "DIML017", "'stackalloc' must be at the top level");

    [Fact]
    public void SpanReassigned_IsDIML018_AtTheTarget() => Single("""
        public static partial class K
        {
            [Differentiable]
            public static float F(ReadOnlySpan<float> x)
            {
                ReadOnlySpan<float> a = x.Slice(0, 2);
                [|a|] = x.Slice(1, 2);
                return a[0];
            }
        }
        """, "DIML018", "Span local 'a' is assigned after its declaration");

    [Fact]
    public void OutputAliasingInput_IsDIML019_AtTheOutputArgument() => Single("""
        public static partial class K
        {
            [Differentiable]
            public static float F(ReadOnlySpan<float> x)
            {
                Span<float> h = stackalloc float[4];
                h[0] = x[0];
                Nn.Tanh(h, [|h|]);
                return h[0];
            }
        }
        """, "DIML019", "'h' is passed both as an input and as the output of 'Nn.Tanh'");

    [Fact]
    public void MissingCustomAdjoint_IsDIML020_AtTheCall() => Single("""
        public static partial class K
        {
            [CustomAdjoint("Missing")]
            public static float Cube(float x) => x * x * x;

            [Differentiable]
            public static float F(float x) => [|Cube(x)|];
        }
        """, "DIML020", "[CustomAdjoint] on 'Cube' names 'Missing'");

    [Fact]
    public void TwoPayoffMethods_IsDIML021_AtTheSecond() => Single("""
        [Mechanism]
        public partial class M
        {
            [Param] public float[] W = new float[3];
            [Payoff]
            public float Payoff(ReadOnlySpan<int> joint, int agent) => W[joint[agent]];
            [Payoff]
            public float [|Other|](ReadOnlySpan<int> joint, int agent) => W[joint[agent]];
        }
        """, "DIML021", "'M' has more than one method marked [Payoff]");

    [Fact]
    public void EveryDescriptor_HasADocumentationPage()
    {
        var docs = Path.Combine(RepositoryRoot(), "docs", "diagnostics");
        foreach (var descriptor in Diagnostics.DiagnosticDescriptors.Descriptors)
        {
            Assert.True(File.Exists(Path.Combine(docs, descriptor.Id + ".md")), $"docs/diagnostics/{descriptor.Id}.md is missing.");
            Assert.Equal(Diagnostics.DiagnosticDescriptors.RepositoryUrl + "/blob/main/docs/diagnostics/" + descriptor.Id + ".md", descriptor.HelpLinkUri);
            Assert.True(Uri.TryCreate(descriptor.HelpLinkUri, UriKind.Absolute, out _), descriptor.HelpLinkUri);
        }
    }

    [Fact]
    public void HelpLinks_PointIntoTheRepositoryOfThePackageMetadata()
    {
        var props = File.ReadAllText(Path.Combine(RepositoryRoot(), "Directory.Build.props"));
        Assert.Contains("<RepositoryUrl>" + Diagnostics.DiagnosticDescriptors.RepositoryUrl + "</RepositoryUrl>", props);
    }

    [Fact]
    public void DescriptorIds_AreUniqueAndSequential()
    {
        var ids = Diagnostics.DiagnosticDescriptors.Descriptors.Select(d => d.Id).OrderBy(i => i, StringComparer.Ordinal).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        for (int i = 0; i < ids.Count; i++) Assert.Equal($"DIML{i + 1:000}", ids[i]);
    }

    internal static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string path = "")
        => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", ".."));
}
