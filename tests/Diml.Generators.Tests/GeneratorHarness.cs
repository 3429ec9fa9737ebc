using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Diml.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Diml.Generators.Tests;

/// <summary>Runs the Diml generator over in-memory sources, as the compiler would.</summary>
internal static class GeneratorHarness
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly ImmutableArray<MetadataReference> References =
    [
        .. Basic.Reference.Assemblies.Net100.References.All,
        MetadataReference.CreateFromFile(typeof(MechanismAttribute).Assembly.Location),
    ];

    public const string Usings = "using System;\nusing Diml;\n";

    public static CSharpCompilation Compile(params string[] sources) => CSharpCompilation.Create(
        "DimlTestInput",
        sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Input{i}.cs")),
        References,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver() => CSharpGeneratorDriver.Create(
        [new DimlGenerator().AsSourceGenerator()],
        parseOptions: ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator; returns its result and the compilation with the generated sources added.</summary>
    public static (GeneratorRunResult Result, Compilation Output) Run(params string[] sources)
    {
        var input = Compile(sources);
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(input, out var output, out _);
        return (driver.GetRunResult().Results.Single(), output);
    }

    /// <summary>
    /// Runs the generator and asserts it reported nothing and its output compiles without errors; returns the
    /// generated sources by hint name.
    /// </summary>
    public static IReadOnlyDictionary<string, string> RunClean(params string[] sources)
    {
        var (result, output) = Run(sources);
        Assert.Null(result.Exception);
        Assert.Empty(result.Diagnostics);
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "The generated code does not compile:\n" + string.Join("\n", errors.Take(20)));
        return result.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());
    }

    /// <summary>
    /// The one generated file of <paramref name="source"/> (which must generate cleanly), from the first
    /// <paramref name="start"/> up to the next <paramref name="end"/> after it: one generated method, for assertions on its code.
    /// </summary>
    public static string GeneratedSection(string source, string start, string end)
    {
        var generated = RunClean(source).Values.Single();
        int from = generated.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, generated);
        return generated[from..generated.IndexOf(end, from, StringComparison.Ordinal)];
    }

    /// <summary>
    /// Source with one location marked as <c>[|...|]</c>: returns the source without the markers and the span.
    /// </summary>
    public static (string Source, TextSpan Span) Marked(string marked)
    {
        int start = marked.IndexOf("[|", StringComparison.Ordinal);
        int end = marked.IndexOf("|]", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "The test source must mark the expected location with [| |].");
        string source = marked.Remove(end, 2).Remove(start, 2);
        return (source, TextSpan.FromBounds(start, end - 2));
    }

    public static string Normalize(string text) => Regex.Replace(text, "\r\n?", "\n");
}
