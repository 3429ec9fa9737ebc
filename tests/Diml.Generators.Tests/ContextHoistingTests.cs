namespace Diml.Generators.Tests;

/// <summary>
/// Loop-invariant code motion over the own-action set (Optimisation/ContextHoisting): a batched dense layer whose input
/// splits into a block written only from values that do not depend on the own action and a block holding the rest computes
/// the first block's product — and, in the adjoint, its weight gradient — once per run of queries with equal opponent
/// counts. The results are checked against the per-query kernels in the runtime's corpus tests (ContextRunsTests).
/// </summary>
public class ContextHoistingTests
{
    /// <summary>An anonymous payoff over a first layer whose input <paramref name="fill"/> writes.</summary>
    private static string Mechanism(string fill, string signature = "int ownAction, ReadOnlySpan<int> opponentCounts") => GeneratorHarness.Usings + $$"""
        [Mechanism]
        public partial class M
        {
            [Param] public float[,] Embedding = new float[4, 3];
            [Param] public float[,] W1 = new float[16, 7];
            [Param] public float[] B1 = new float[16];
            [Param] public float[] W2 = new float[16];
            [Payoff]
            public float Payoff({{signature}})
            {
                int actions = 4;
                int size = 3;
                Span<float> input = stackalloc float[size + actions];
                Span<float> z = stackalloc float[16];
                {{fill}}
                Nn.Dense(W1, B1, input, z);
                return Nn.Dot(W2, z);
            }
        }
        """;

    private const string EmbeddingThenShares = """
        Nn.Embedding(Embedding, ownAction, input.Slice(0, size));
        for (int k = 0; k < actions; k++) input[size + k] = opponentCounts[k] * 0.25f;
        """;

    private static string Forward(string source) => GeneratorHarness.GeneratedSection(source, "public void PayoffBatch(", "arena.Release(arenaMark);");

    private static string Adjoint(string source) => GeneratorHarness.GeneratedSection(source, "public void PayoffBatchAdjoint(", "arena.Release(arenaMark);");

    private const string ByRun = "new global::Diml.Kernels.SharedColumns(size, actions, runOf, runLeaders.Slice(0, runs))";
    private const string ByOwnAction = "new global::Diml.Kernels.SharedColumns(0, size, groupOf, groupLeaders.Slice(0, groups))";

    [Fact]
    public void SharesAfterTheEmbedding_AreHoistedInTheForwardAndTheWeightGradient()
    {
        var source = Mechanism(EmbeddingThenShares);
        var forward = Forward(source);
        Assert.Contains("int runs = global::Diml.Kernels.BatchGroups.Runs(opponentCounts, opponentCountsStride, count, runOf, runLeaders);", forward);
        Assert.Contains("int groups = global::Diml.Kernels.BatchGroups.ByKey(ownAction, count, groupOf, groupLeaders);", forward);
        Assert.Contains("z, zStride, 0, zStride, count, " + ByRun + ", " + ByOwnAction + ");", forward);
        var adjoint = Adjoint(source);
        Assert.Contains("z, zStride, 0, zStride, count, " + ByRun + ", " + ByOwnAction + ");", adjoint);
        Assert.Contains("inputBar, 0, size, " + ByRun + ", " + ByOwnAction + ");", adjoint);
    }

    [Fact]
    public void AnOwnBlockThatAlsoReadsTheCounts_IsPerQuery_AndTheSharesStillPerRun()
    {
        // The first block mixes the own action with the counts: not the same for one own action across contexts.
        var forward = Forward(Mechanism("""
            Nn.Embedding(Embedding, (ownAction + opponentCounts[0]) % 4, input.Slice(0, size));
            for (int k = 0; k < actions; k++) input[size + k] = opponentCounts[k] * 0.25f;
            """));
        Assert.DoesNotContain("BatchGroups.ByKey", forward);
        Assert.Contains("z, zStride, 0, zStride, count, " + ByRun + ", default);", forward);
    }

    [Fact]
    public void AnOwnDependentValueInTheShares_IsNotHoisted()
    {
        // The second block now depends on the own action too: nothing in the row is the same across a run.
        var forward = Forward(Mechanism("""
            Nn.Embedding(Embedding, ownAction, input.Slice(0, size));
            for (int k = 0; k < actions; k++) input[size + k] = opponentCounts[k] * 0.25f + ownAction;
            """));
        Assert.DoesNotContain("runOf", forward);
        Assert.Contains("z, zStride, 0, zStride, count);", forward);
    }

    [Fact]
    public void AnOwnDependentWriteIntoTheSharesWindow_IsNotHoisted()
    {
        var forward = Forward(Mechanism(EmbeddingThenShares + "\ninput[size] = ownAction;"));
        Assert.DoesNotContain("runOf", forward);
    }

    [Fact]
    public void AWriteUnderABranch_IsNotFollowed_AndTheLayerStaysWhole()
    {
        var forward = Forward(Mechanism(EmbeddingThenShares + "\nif (actions > 2) input[size] = 1f;"));
        Assert.DoesNotContain("runOf", forward);
    }

    [Fact]
    public void BlocksThatDoNotCoverTheRow_AreNotHoisted()
    {
        // The shares end one column early: the split is not proven to be the whole row.
        var forward = Forward(Mechanism("""
            Nn.Embedding(Embedding, ownAction, input.Slice(0, size));
            for (int k = 0; k < actions - 1; k++) input[size + k] = opponentCounts[k] * 0.25f;
            """));
        Assert.DoesNotContain("runOf", forward);
    }

    [Fact]
    public void APerAgentPayoff_HasNoRuns()
    {
        // A per-agent payoff's own action is inside the joint action: its queries come in no runs of one context.
        var forward = Forward(Mechanism("""
            for (int k = 0; k < size; k++) input[k] = agent;
            for (int k = 0; k < actions; k++) input[size + k] = joint[k] * 0.25f;
            """, "ReadOnlySpan<int> joint, int agent"));
        Assert.Contains("count);", forward);
        Assert.DoesNotContain("runOf", forward);
    }
}
