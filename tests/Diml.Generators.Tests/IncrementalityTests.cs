using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Diml.Generators.Tests;

/// <summary>The generator's pipeline caches: same input, unrelated edits, real edits; and models hold no Roslyn objects.</summary>
public class IncrementalityTests
{
    private const string Mechanism = GeneratorHarness.Usings + """
        namespace Inc;
        [Mechanism]
        public partial class Tolls
        {
            [Param] public float[] Toll = new float[3];
            [Payoff]
            public float Payoff(ReadOnlySpan<int> joint, int agent) => Toll[joint[agent]] * 2;
        }
        public static partial class Helpers
        {
            [Differentiable]
            public static float Square(float x) => x * x;
        }
        """;

    private static readonly string[] ModelSteps =
        [DimlGenerator.Steps.MechanismModels, DimlGenerator.Steps.HelperModels];

    private static GeneratorRunResult RunTwice(Compilation first, Compilation second)
    {
        var driver = GeneratorHarness.CreateDriver().RunGenerators(first);
        return driver.RunGenerators(second).GetRunResult().Results.Single();
    }

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorRunResult result, string step)
        => result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason);

    [Fact]
    public void SameInput_IsCached()
    {
        var compilation = GeneratorHarness.Compile(Mechanism);
        var result = RunTwice(compilation, compilation.Clone());
        foreach (var step in ModelSteps)
            Assert.All(Reasons(result, step), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
    }

    [Fact]
    public void UnrelatedEdit_KeepsModelsUnchanged()
    {
        var compilation = GeneratorHarness.Compile(Mechanism);
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("public class Unrelated { public int X; }", path: "Other.cs"));
        var result = RunTwice(compilation, edited);
        foreach (var step in ModelSteps)
            Assert.All(Reasons(result, step), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, step + ": " + r));
    }

    [Fact]
    public void MovingCodeWithoutChangingIt_KeepsModelsUnchanged()
    {
        var compilation = GeneratorHarness.Compile(Mechanism);
        var tree = compilation.SyntaxTrees.Single();
        var moved = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(tree.GetText().Replace(0, 0, "// a comment that shifts every position\n")));
        var result = RunTwice(compilation, moved);
        foreach (var step in ModelSteps)
            Assert.All(Reasons(result, step), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, step + ": " + r));
    }

    [Fact]
    public void EditToAnnotatedBody_RegeneratesIt()
    {
        var compilation = GeneratorHarness.Compile(Mechanism);
        var tree = compilation.SyntaxTrees.Single();
        string text = tree.GetText().ToString();
        var edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(text.Replace("* 2;", "* 3;"))));
        var result = RunTwice(compilation, edited);
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(result, DimlGenerator.Steps.MechanismModels));
        Assert.All(Reasons(result, DimlGenerator.Steps.HelperModels), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
        Assert.Contains("* 3.0", result.GeneratedSources.Single(s => s.HintName.Contains("Tolls")).SourceText.ToString());
    }

    [Fact]
    public void Models_HoldNoRoslynObjects()
    {
        var driver = GeneratorHarness.CreateDriver().RunGenerators(GeneratorHarness.Compile(Mechanism));
        var result = driver.GetRunResult().Results.Single();
        int visited = 0;
        foreach (var step in new[] { DimlGenerator.Steps.Mechanisms, DimlGenerator.Steps.Helpers })
            foreach (var output in result.TrackedSteps[step].SelectMany(s => s.Outputs))
                visited += Walk(output.Value, new HashSet<object>(ReferenceEqualityComparer.Instance));
        Assert.True(visited > 20, $"Walked only {visited} objects; the models were not found.");
    }

    private static readonly Type[] Forbidden = [typeof(ISymbol), typeof(SyntaxNode), typeof(Location), typeof(Compilation), typeof(SemanticModel), typeof(SyntaxTree)];

    /// <summary>Walks every field reachable from <paramref name="value"/> and fails on a Roslyn object.</summary>
    private static int Walk(object? value, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum) return 0;
        if (!value.GetType().IsValueType && !seen.Add(value)) return 0;
        foreach (var type in Forbidden)
            Assert.False(type.IsInstanceOfType(value), $"The model holds a {value.GetType().Name}.");
        int count = 1;
        if (value is IEnumerable sequence)
            foreach (var item in sequence) count += Walk(item, seen);
        for (var type = value.GetType(); type is not null && type != typeof(object); type = type.BaseType)
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                count += Walk(field.GetValue(value), seen);
        return count;
    }
}
