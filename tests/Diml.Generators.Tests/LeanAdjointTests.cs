namespace Diml.Generators.Tests;

/// <summary>
/// The adjoint-liveness decisions that keep the adjoints lean, on small kernels: a dense layer's input adjoint only
/// over the window the rest of the reverse sweep reads (InputBarWindows), and no tape for an output whose primitive's
/// adjoint does not read it (CustomAdjoint ReadsOutputs = false). The gradients themselves are checked against central
/// differences in the runtime's mechanism corpus (SharesThenEmbedding) and the paper mechanisms' tests.
/// </summary>
public class LeanAdjointTests
{
    /// <summary>A first layer over [data shares | embedding]; <paramref name="extra"/> is inserted before the layer.</summary>
    private static string Mechanism(string extra) => Layer("""
        for (int k = 0; k < actions; k++) input[k] = opponentCounts[k] * 0.25f;
        Nn.Embedding(Embedding, ownAction, input.Slice(actions, size));
        """ + "\n" + extra);

    /// <summary>A dense layer over <c>input</c>, which <paramref name="fill"/> writes.</summary>
    private static string Layer(string fill) => GeneratorHarness.Usings + $$"""
        [Mechanism]
        public partial class M
        {
            [Param] public float[,] Embedding = new float[4, 3];
            [Param] public float[,] W1 = new float[5, 7];
            [Param] public float[] B1 = new float[5];
            [Param] public float[] W2 = new float[5];
            [Payoff]
            public float Payoff(int ownAction, ReadOnlySpan<int> opponentCounts)
            {
                int actions = opponentCounts.Length;
                int size = 3;
                Span<float> input = stackalloc float[actions + size];
                Span<float> z = stackalloc float[5];
                {{fill}}
                Nn.Dense(W1, B1, input, z);
                return Nn.Dot(W2, z);
            }
        }
        """;

    private static string Adjoint(string source)
        => GeneratorHarness.GeneratedSection(source, "public void PayoffAdjoint(global::System.ReadOnlySpan<float>", "/// <summary>Double-precision twin");

    [Fact]
    public void DenseLayerOverDataAndAnEmbedding_ComputesTheInputAdjointOverTheEmbeddingOnly()
    {
        var adjoint = Adjoint(Mechanism(""));
        Assert.Contains("input, z, zBar, thetaBar.Slice(w1Offset, this.W1.Length), thetaBar.Slice(b1Offset, this.B1.Length), inputBar.Slice(actions, size), actions);", adjoint);
        // The embedding's adjoint does not read its output, so writing the shares needs no tape.
        Assert.DoesNotContain("tape.", adjoint);
    }

    [Fact]
    public void BatchedDenseLayer_ComputesTheInputAdjointOverTheSameWindow()
    {
        var generated = GeneratorHarness.RunClean(Mechanism("")).Values.Single();
        // The shares come first: their weight gradient is hoisted to once per run, the embedding's to once per own action (ContextHoistingTests).
        Assert.Contains("thetaBar.Slice(b1Offset, this.B1.Length), inputBar, actions, size, "
            + "new global::Diml.Kernels.SharedColumns(0, actions, runOf, runLeaders.Slice(0, runs)), "
            + "new global::Diml.Kernels.SharedColumns(actions, size, groupOf, groupLeaders.Slice(0, groups)));", generated);
    }

    [Fact]
    public void AnActiveElementWrite_KeepsTheWholeInputAdjoint()
    {
        var adjoint = Adjoint(Mechanism("input[0] = input[0] * W2[1];"));
        Assert.Contains("thetaBar.Slice(b1Offset, this.B1.Length), inputBar);", adjoint);
    }

    [Fact]
    public void TwoActiveSlices_KeepTheWholeInputAdjoint()
    {
        var adjoint = Adjoint(Mechanism("Nn.Embedding(Embedding, ownAction, input.Slice(0, size));"));
        Assert.Contains("thetaBar.Slice(b1Offset, this.B1.Length), inputBar);", adjoint);
    }

    [Fact]
    public void OnlyDataBeforeTheLayer_ComputesNoInputAdjoint()
    {
        // The input becomes active only after the layer (activity is flow-insensitive): at the layer it holds data.
        var adjoint = Adjoint(GeneratorHarness.Usings + """
            [Mechanism]
            public partial class M
            {
                [Param] public float[,] W1 = new float[5, 4];
                [Param] public float[] B1 = new float[5];
                [Param] public float[] W2 = new float[5];
                [Payoff]
                public float Payoff(int ownAction, ReadOnlySpan<int> opponentCounts)
                {
                    Span<float> input = stackalloc float[opponentCounts.Length];
                    Span<float> z = stackalloc float[5];
                    for (int k = 0; k < opponentCounts.Length; k++) input[k] = opponentCounts[k] * 0.25f;
                    Nn.Dense(W1, B1, input, z);
                    input[0] = W2[ownAction];
                    return Nn.Dot(W2, z) * input[0];
                }
            }
            """);
        Assert.Contains("thetaBar.Slice(b1Offset, this.B1.Length), default);", adjoint);
    }

    // ---- forward liveness: writes nothing reads are not replayed

    private static string Rule(string update) => GeneratorHarness.Usings + $$"""
        [LearningRule]
        public partial class R
        {
            public float Alpha { get; } = 0.3f;
            public int StateSize(int actions) => actions;
            public void InitialState(Span<float> state) => state.Clear();
            [Update]
            public void Update(ReadOnlySpan<float> q, ReadOnlySpan<float> u, int played, Span<float> next)
            {
                {{update}}
            }
            [Response]
            public void Response(ReadOnlySpan<float> q, Span<float> logPolicy) => Nn.LogSoftmax(q, logPolicy);
        }
        """;

    private static string UpdateAdjoint(string source)
        => GeneratorHarness.GeneratedSection(source, "public void UpdateAdjoint(global::System.ReadOnlySpan<float>", "/// <summary>Double-precision twin");

    [Fact]
    public void OutputsAndScratchNothingReads_AreNeitherAllocatedNorWritten()
    {
        var adjoint = UpdateAdjoint(Rule("""
            Span<float> kept = stackalloc float[q.Length];
            for (int k = 0; k < q.Length; k++) kept[k] = (1f - Alpha) * q[k];
            for (int k = 0; k < q.Length; k++) next[k] = kept[k] + Alpha * u[k];
            """));
        Assert.DoesNotContain("next = stackalloc", adjoint);
        var forward = adjoint[..adjoint.IndexOf("// Reverse sweep", StringComparison.Ordinal)];
        Assert.DoesNotContain("next[k2] =", forward);
        Assert.DoesNotContain("kept[k] =", forward);
        // The loops only counted their trips for the reverse sweep: the counts in closed form.
        Assert.Contains("loop1Count = q.Length > loop1Start ? q.Length - loop1Start : 0;", adjoint);
        Assert.DoesNotContain("loop1Count++", adjoint);
    }

    [Fact]
    public void AnOutputALaterStatementReads_IsWrittenAndTaped()
    {
        var adjoint = UpdateAdjoint(Rule("""
            for (int k = 0; k < q.Length; k++)
            {
                next[k] = (1f - Alpha) * q[k] + Alpha * u[k];
                next[k] = next[k] + 0.5f * next[k] * next[k];
            }
            """));
        Assert.Contains("global::System.Span<float> next = stackalloc", adjoint);
        Assert.Contains("next[k] = (1f - this.Alpha) * q[k] + this.Alpha * u[k];", adjoint);
        Assert.Contains("tape.PushReal(next[k]);", adjoint);
    }

    [Fact]
    public void AnOwnedOutputWrittenOnce_ZeroesNoAdjoint_AndOneWrittenTwiceStillDoes()
    {
        var once = UpdateAdjoint(Rule("for (int k = 0; k < q.Length; k++) next[k] = (1f - Alpha) * q[k] + Alpha * u[k];"));
        // Nothing writes the output's adjoint, so the caller's read-only one serves: no copy.
        Assert.Contains("float seed2 = nextBar[k];", once);
        Assert.DoesNotContain("nextBarWork", once);
        // The second write's reverse must clear the adjoint before the first write's reverse reads it.
        var twice = UpdateAdjoint(Rule("""
            for (int k = 0; k < q.Length; k++) next[k] = q[k];
            for (int k = 0; k < q.Length; k++) next[k] = (1f - Alpha) * q[k] + Alpha * u[k];
            """));
        Assert.Contains("nextBar.CopyTo(nextBarWork);", twice);
        Assert.Contains("nextBarWork[k2] = 0f;", twice);
    }

    private static string PayoffsOfLayers(string layers) => GeneratorHarness.Usings + $$"""
        [Mechanism]
        public partial class M
        {
            [Param] public float[,] W1 = new float[2, 3];
            [Param] public float[] B1 = new float[2];
            [Param] public float[,] W2 = new float[2, 2];
            [Param] public float[] B2 = new float[2];
            [Payoff]
            public void Payoffs(ReadOnlySpan<int> joint, Span<float> payoffs)
            {
                Span<float> input = stackalloc float[3];
                Span<float> h = stackalloc float[2];
                for (int k = 0; k < 3; k++) input[k] = joint[0] == k ? 1f : 0f;
                {{layers}}
            }
        }
        """;

    [Fact]
    public void AnOutputALayerWritesWhole_IsNotClearedAfterItsAdjoint_UnlessAnEarlierWriteReadsItsAdjoint()
    {
        string Adjoint(string layers) => GeneratorHarness.GeneratedSection(PayoffsOfLayers(layers),
            "public void PayoffsAdjoint(global::System.ReadOnlySpan<float>", "/// <summary>Double-precision twin");
        var once = Adjoint("Nn.Dense(W1, B1, input, payoffs);");
        Assert.Contains("Nn.DenseAdjoint(", once);
        Assert.DoesNotContain("payoffsBarWork.Clear()", once);
        // The first layer's output is read again and then overwritten: the adjoints reversed after the second layer's
        // must not see the adjoint of the payoffs it wrote.
        var twice = Adjoint("Nn.Dense(W1, B1, input, payoffs);\nNn.Tanh(payoffs, h);\nNn.Dense(W2, B2, h, payoffs);");
        Assert.Contains("payoffsBarWork.Clear()", twice);
        Assert.DoesNotContain("payoffsBarWork", once);
        // An output a later call reads gets its adjoint added into: the adjoint works on its own copy.
        var readAgain = Adjoint("Nn.Dense(W1, B1, input, payoffs);\nNn.Tanh(payoffs, h);");
        Assert.Contains("payoffsBar.CopyTo(payoffsBarWork);", readAgain);
        Assert.Contains("TanhAdjoint(payoffs, h, hBar, payoffsBarWork)", readAgain);
    }

    [Fact]
    public void AHelpersOutput_WrittenOnce_ZeroesNoAdjoint_AndReadsTheCallersAdjointWithoutACopy()
    {
        var generated = string.Concat(GeneratorHarness.RunClean(GeneratorHarness.Usings + """
            public static partial class K
            {
                [Differentiable]
                public static void Twice(ReadOnlySpan<float> x, Span<float> y)
                {
                    for (int k = 0; k < x.Length; k++) y[k] = 2f * x[k];
                }
            }
            """).Values);
        Assert.Contains("float seed2 = yBar[k];", generated);
        Assert.DoesNotContain("yBarWork", generated);
    }

    [Fact]
    public void AnOutputLayerWhoseAdjointReadsOnlyItsLength_IsNotRunForwardInTheAdjoint()
    {
        var source = GeneratorHarness.Usings + """
            [Mechanism]
            public partial class M
            {
                [Param] public float[,] W1 = new float[5, 3];
                [Param] public float[] B1 = new float[5];
                [Param] public float[,] W2 = new float[1, 5];
                [Param] public float[] B2 = new float[1];
                [Payoff]
                public float Payoff(int ownAction, ReadOnlySpan<int> opponentCounts)
                {
                    Span<float> input = stackalloc float[3];
                    for (int k = 0; k < 3; k++) input[k] = opponentCounts[k] * 0.25f + ownAction;
                    Span<float> z = stackalloc float[5];
                    Span<float> h = stackalloc float[5];
                    Span<float> output = stackalloc float[1];
                    Nn.Dense(W1, B1, input, z);
                    Nn.Tanh(z, h);
                    Nn.Dense(W2, B2, h, output);
                    return output[0];
                }
            }
            """;
        var adjoint = Adjoint(source);
        var forward = adjoint[..adjoint.IndexOf("// Reverse sweep", StringComparison.Ordinal)];
        // The hidden layer runs forward (tanh's adjoint reads its output), the output layer does not: Dense's adjoint reads
        // only its output's length, and the reverse sweep starts from the result's adjoint.
        Assert.Contains("global::Diml.Nn.Tanh(z, h);", forward);
        Assert.DoesNotContain("h, output);", forward);
        Assert.Contains("global::System.Span<float> output = stackalloc float[1];", forward);
        // The batched adjoint's dense-layer adjoint takes the output's adjoint and row length only: no rows of values.
        var batched = GeneratorHarness.GeneratedSection(source, "public void PayoffBatchAdjoint(", "arena.Release(arenaMark);");
        Assert.Contains("outputBar = arena.Floats(count * outputStride);", batched);
        Assert.DoesNotContain("output = arena.", batched);
    }

    // ---- adjoint liveness of overwritten elements

    /// <summary>An embedding into the first <c>size</c> elements of the input, then <paramref name="fill"/> writing data.</summary>
    private static string EmbeddingThen(string fill) => Layer("Nn.Embedding(Embedding, ownAction, input.Slice(0, size));\n" + fill);

    private static string ReverseSweep(string adjoint) => adjoint[adjoint.IndexOf("// Reverse sweep", StringComparison.Ordinal)..];

    [Fact]
    public void DataWrittenAfterAnEmbeddingsSlice_ZeroesNoAdjoint()
    {
        var adjoint = Adjoint(EmbeddingThen("for (int k = 0; k < actions; k++) input[size + k] = opponentCounts[k] * 0.25f;"));
        Assert.Contains("input[size + k] = ", adjoint);
        Assert.DoesNotContain("inputBar[size + k] = 0f", adjoint);
        // Nothing is left to run backwards over the shares, so the forward loop records no trip count either.
        Assert.DoesNotContain("for k, backwards", ReverseSweep(adjoint));
        Assert.DoesNotContain("loop1Count", adjoint);
    }

    [Fact]
    public void DataOverwritingAnEmbeddingsLastElement_StillZeroesItsAdjoint()
    {
        var adjoint = Adjoint(EmbeddingThen("for (int k = 0; k < actions; k++) input[size - 1 + k] = opponentCounts[k] * 0.25f;"));
        Assert.Contains("inputBar[size - 1 + k] = 0f;", ReverseSweep(adjoint));
    }
}
