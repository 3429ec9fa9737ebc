namespace Diml.Generators.Tests;

/// <summary>
/// The generated code for representative inputs, compared with accepted golden files. Each input must also
/// generate without diagnostics and compile.
/// </summary>
public class GoldenTests
{
    private static string RepositoryFile(string relative)
        => File.ReadAllText(Path.Combine(DiagnosticTests.RepositoryRoot(), relative));

    /// <summary>Every generated file for one input, in hint-name order, as one text.</summary>
    private static string Generate(string source)
    {
        var generated = GeneratorHarness.RunClean(source);
        return string.Join("\n", generated.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => "// ---- " + g.Key + "\n" + g.Value));
    }

    [Fact]
    public void CongestionMechanism() => GoldenFile.Verify("Congestion",
        Generate(GeneratorHarness.Usings + RepositoryFile("src/Diml.Mechanisms/Paper/Congestion.cs")));

    [Fact]
    public void NeuralJointMechanism() => GoldenFile.Verify("NeuralJoint",
        Generate(GeneratorHarness.Usings + RepositoryFile("src/Diml.Mechanisms/Paper/NeuralJoint.cs")));

    [Fact]
    public void AnonymousCountMechanism() => GoldenFile.Verify("AnonymousCount",
        Generate(GeneratorHarness.Usings + RepositoryFile("src/Diml.Mechanisms/Paper/AnonymousCount.cs")));

    [Fact]
    public void LogitQLearningRule() => GoldenFile.Verify("LogitQ",
        Generate(GeneratorHarness.Usings + "using Diml.Learning;\n"
            + RepositoryFile("src/Diml.Runtime/Learning/LogitQ.cs").Replace("namespace Diml.Learning;", "namespace Golden;")));

    [Fact]
    public void HelperWithLoopsAndBranches() => GoldenFile.Verify("SmoothMaxHelper", Generate(GeneratorHarness.Usings + """
        namespace Golden;

        public static partial class Smooth
        {
            /// <summary>A leaky, clipped recurrence: loops that overwrite a local, a branch on an active value, a call.</summary>
            [Differentiable]
            public static float Recur(ReadOnlySpan<float> x, float decay)
            {
                float h = 0;
                for (int t = 0; t < x.Length; t++)
                {
                    float z = decay * h + x[t];
                    if (z > 0)
                        h = z;
                    else
                        h = 0.1f * z;
                }
                return Softplus(h);
            }

            [Differentiable]
            public static float Softplus(float v) => v > 20 ? v : MathF.Log(1 + MathF.Exp(v));
        }
        """));
}
