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
        // z, a kept layer's output, lives in the activation store's rows when the caller keeps activations.
        Assert.Contains("z = global::Diml.Kernels.ActivationStore.RowsToKeep(0, zStride, count, arena.FloatsToOverwrite(count * zStride));", batched);
        Assert.Contains("h = arena.FloatsToOverwrite(count * hStride);", batched);
        Assert.Contains("input = arena.Floats(count * inputStride);", batched);
    }

    [Fact]
    public void TheAdjointsBuffers_AreNotCleared_WhereTheirFirstUseWritesThemWhole_TheirAdjointsAre()
    {
        var adjoint = GeneratorHarness.GeneratedSection(Mechanism(""), "public void PayoffBatchAdjoint(", "arena.Release(arenaMark);");
        Assert.Contains("z = arena.FloatsToOverwrite(count * zStride);", adjoint);      // read back or computed whole
        Assert.Contains("h = arena.FloatsToOverwrite(count * hStride);", adjoint);      // the Relu's whole output
        Assert.Contains("zBar = arena.Floats(count * zStride);", adjoint);               // accumulated into
        Assert.Contains("hBar = arena.Floats(count * hStride);", adjoint);
        Assert.Contains("input = arena.Floats(count * inputStride);", adjoint);
    }

    [Fact]
    public void AKeptOutput_IsReadInPlace_OnlyWhereNothingWritesItAgain()
    {
        var plain = Mechanism("");
        Assert.Contains("ActivationStore.TryRead(0, ref z, zStride, count)", GeneratorHarness.GeneratedSection(plain, "public void PayoffBatchAdjoint(", "arena.Release(arenaMark);"));
        // Written again after the layer: by an assignment, or as the output of a later call. The store then
        // gets a copy (Keep) and the adjoint copies it back (TryLoad), so that neither side's later writes reach it.
        foreach (var after in new[] { "z[0] = 2f; Nn.Relu(z, h);", "Nn.Relu(z, h); Nn.Relu(h, z);" })
        {
            var source = Mechanism("", after);
            var forward = Batched(source);
            var adjoint = GeneratorHarness.GeneratedSection(source, "public void PayoffBatchAdjoint(", "arena.Release(arenaMark);");
            Assert.DoesNotContain("RowsToKeep", forward);
            Assert.Contains("ActivationStore.Keep(0, z, zStride, count);", forward);
            Assert.Contains("ActivationStore.TryLoad(0, z, zStride, count)", adjoint);
            Assert.DoesNotContain("TryRead", adjoint);
        }
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
