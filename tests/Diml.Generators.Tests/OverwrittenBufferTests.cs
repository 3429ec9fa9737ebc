namespace Diml.Generators.Tests;

/// <summary>
/// Which per-query buffers of a batched forward kernel skip the arena's clearing: only those the statement first
/// mentioning them overwrites whole (a dense layer's or an elementwise primitive's whole output); every other buffer is
/// cleared, as the user's stackalloc was. The values are checked end to end by the runtime's batched-kernel tests.
/// </summary>
public class OverwrittenBufferTests
{
    /// <summary>A two-layer anonymous payoff; <paramref name="beforeLayer"/> and <paramref name="afterLayer"/> are inserted around the first layer.</summary>
    private static string Mechanism(string beforeLayer, string afterLayer = "Nn.Relu(z, h);") => GeneratorHarness.Usings + $$"""
        [Mechanism]
        public partial class M
        {
            [Param] public float[,] W1 = new float[5, 4];
            [Param] public float[] B1 = new float[5];
            [Param] public float[] W2 = new float[5];
            [Payoff]
            public float Payoff(int ownAction, ReadOnlySpan<int> opponentCounts)
            {
                Span<float> input = stackalloc float[4];
                Span<float> z = stackalloc float[5];
                Span<float> h = stackalloc float[5];
                for (int k = 0; k < 4; k++) input[k] = opponentCounts[k] * 0.25f + ownAction;
                {{beforeLayer}}
                Nn.Dense(W1, B1, input, z);
                {{afterLayer}}
                return Nn.Dot(W2, h);
            }
        }
        """;

    private static string Batched(string source)
        => GeneratorHarness.GeneratedSection(source, "public void PayoffBatch(", "arena.Release(arenaMark);");

    [Fact]
    public void ADenseOutputAndAnElementwiseOutput_AreNotCleared_AnInputWrittenElementByElementIs()
    {
        var batched = Batched(Mechanism(""));
        Assert.Contains("z = arena.FloatsToOverwrite(count * zStride);", batched);
        Assert.Contains("h = arena.FloatsToOverwrite(count * hStride);", batched);
        Assert.Contains("input = arena.Floats(count * inputStride);", batched);
    }

    [Fact]
    public void ABufferReadOrPartlyWrittenFirst_StaysCleared()
    {
        // z read before the layer writes it: cleared; h still overwritten whole by the Relu.
        var batched = Batched(Mechanism("z[0] = z[1] + 1f;"));
        Assert.Contains("z = arena.Floats(count * zStride);", batched);
        Assert.Contains("h = arena.FloatsToOverwrite(count * hStride);", batched);
        var partial = Batched(Mechanism("", "Nn.Relu(z.Slice(0, 5), h.Slice(0, 5));"));
        Assert.Contains("h = arena.Floats(count * hStride);", partial);
        var element = Batched(Mechanism("", "h[0] = 1f; Nn.Relu(z, h);"));
        Assert.Contains("h = arena.Floats(count * hStride);", element);
    }
}
