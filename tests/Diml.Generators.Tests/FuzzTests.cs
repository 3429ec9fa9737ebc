using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Diml.Generators.Tests;

/// <summary>
/// The generator never throws: over hundreds of mutated kernels it produces code or diagnostics, never an
/// exception or an internal error, and when it reports nothing for valid input its output compiles.
/// </summary>
public class FuzzTests
{
    private static readonly string[] Seeds =
    [
        "src/Diml.Mechanisms/Paper/Congestion.cs",
        "src/Diml.Mechanisms/Paper/NeuralJoint.cs",
        "src/Diml.Mechanisms/Paper/AnonymousCount.cs",
        "src/Diml.Runtime/Learning/ExperienceWeightedAttraction.cs",
    ];

    private const string Helpers = """
        public static partial class FuzzHelpers
        {
            [Differentiable]
            public static float Mix(ReadOnlySpan<float> x, float a, float b)
            {
                float s = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    float v = a * x[i] + b;
                    s += v > 0 ? v : 0.01f * v;
                    if (s > 10) s = MathF.Sqrt(s);
                }
                float m = MathF.Max(a, b) * MathF.Exp(-s * s);
                return m + MathF.Pow(MathF.Abs(a) + 1, b) - MathF.Tanh(s) / (1 + b * b);
            }
        }
        """;

    private static readonly string[] Fragments =
    [
        "while", "for", "if", "else", "return", "(", ")", "{", "}", ";", "=", "+=", "*", "/", "-", "?", ":", "x", "i",
        "0", "1f", "new float[2]", "stackalloc float[3]", "=>", "break;", "MathF.Exp(", "Nn.Tanh(", ".Slice(0, 1)",
        "this", "float", "int", "var", "null", "[0]", ",", "v => v", "joint", "payoffs", "continue;", "goto x;", "try {",
    ];

    private static readonly string[] Statements =
    [
        "while (true) { }", "float[] a = new float[3];", "Func<float, float> f = v => v;", "throw new Exception();",
        "foreach (var z in new int[1]) { }", "switch (1) { default: break; }", "int q = 0; q++;", "return default;",
        "for (int k = 0; k < 3; k++) { k = 2; }", "Span<float> s = stackalloc float[2]; s[0] = 1;",
        "float w = MathF.Floor(1.5f);", "lock (this) { }", "using (null) { }", "checked { }",
    ];

    public static IEnumerable<object[]> Mutants()
    {
        var random = new Random(20261129);
        var sources = Seeds.Select(s => GeneratorHarness.Usings + File.ReadAllText(Path.Combine(DiagnosticTests.RepositoryRoot(), s))).Append(GeneratorHarness.Usings + Helpers).ToArray();
        for (int i = 0; i < 320; i++)
        {
            string source = sources[random.Next(sources.Length)];
            yield return [i, Mutate(source, random)];
        }
    }

    private static string Mutate(string source, Random random)
    {
        var root = CSharpSyntaxTree.ParseText(source).GetRoot();
        var bodies = root.DescendantNodes().OfType<MethodDeclarationSyntax>().Where(m => m.AttributeLists.Count > 0)
            .Select(m => (SyntaxNode?)m.Body ?? m.ExpressionBody).Where(b => b is not null).ToList();
        var body = bodies[random.Next(bodies.Count)]!;
        var tokens = body.DescendantTokens().ToList();
        int mutations = 1 + random.Next(3);
        string text = source;
        for (int m = 0; m < mutations; m++)
        {
            var token = tokens[random.Next(tokens.Count)];
            int start = token.SpanStart, length = token.Span.Length;
            if (start + length > text.Length) break;
            text = random.Next(5) switch
            {
                0 => text.Remove(start, length),
                1 => text.Insert(start, token.Text + " "),
                2 => text.Remove(start, length).Insert(start, Fragments[random.Next(Fragments.Length)]),
                3 when body is BlockSyntax block && block.Statements.Count > 0 =>
                    text.Insert(block.Statements[random.Next(block.Statements.Count)].SpanStart, Statements[random.Next(Statements.Length)] + " "),
                _ => text.Insert(start, Fragments[random.Next(Fragments.Length)] + " "),
            };
        }
        return text;
    }

    [Theory]
    [MemberData(nameof(Mutants))]
    public void Generator_NeverThrows_OnMutatedKernels(int index, string source)
    {
        var input = GeneratorHarness.Compile(source);
        var driver = GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(input, out var output, out _);
        var result = driver.GetRunResult().Results.Single();
        Assert.True(result.Exception is null, $"Mutant {index} threw {result.Exception}:\n{source}");
        Assert.DoesNotContain(result.Diagnostics, d => d.Id == "DIML011");

        bool inputCompiles = !input.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error);
        if (inputCompiles && result.Diagnostics.IsEmpty)
        {
            var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, $"Mutant {index} compiles and the generator accepted it, but its output does not compile:\n{string.Join("\n", errors.Take(5))}\n{source}");
        }
    }
}
