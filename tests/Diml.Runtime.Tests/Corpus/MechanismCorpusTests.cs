using Diml.Runtime.Tests.Corpus.Mechanisms;

namespace Diml.Runtime.Tests.Corpus;

/// <summary>
/// Whole user-style mechanisms through the public interfaces only: the flat θ from <c>ReadParameters</c>, the
/// double twin differenced centrally against the double adjoint, the float adjoint against the double one, and
/// the generated self-check, field-independence included. No generator internals, no GradientCheck.
/// </summary>
public sealed class MechanismCorpusTests
{
    public sealed record Case(string Name, Func<IMechanism> Create, int Agents, int Actions)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Case> Cases => new()
    {
        new Case("first-price auction", () => new SmoothFirstPriceAuction(4), 4, 6),
        new Case("Tullock contest", () => new TullockContest(), 4, 5),
        new Case("Cournot oligopoly", () => new CournotOligopoly(3), 3, 5),
        new Case("logit Bertrand", () => new LogitBertrand(), 3, 4),
        new Case("attention", () => new AttentionGame(5, 4), 3, 5),
        new Case("ring network game", () => new RingNetworkGame(), 5, 5),
        new Case("anonymous routes with helpers", () => new AnonymousRoutes(4), 6, 4),
        new Case("anonymous public goods with a helper", () => new AnonymousPublicGoods(), 5, 4),
        new Case("coordination table", () => new CoordinationTable(3), 4, 3),
        new Case("posted price", () => new PostedPrice(), 5, 4),
        new Case("neural histogram", () => new NeuralHistogram(4, 8), 3, 4),
        new Case("shares then embedding (a windowed input adjoint)", () => new SharesThenEmbedding(4, 3, 8), 6, 4),
        new Case("embedding overwritten by shares (an adjoint zeroing that must stay)", () => new EmbeddingOverwrittenByShares(4, 3, 8), 6, 4),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void AdjointMatchesCentralDifferences_AndFloatMatchesDouble(Case c)
    {
        var mechanism = c.Create();
        mechanism.InitializeParameters(new Random(11));
        var thetaF = new float[mechanism.Layout.TotalLength];
        mechanism.ReadParameters(thetaF);
        var theta = Array.ConvertAll(thetaF, v => (double)v);
        var random = new Random(5);
        for (int query = 0; query < 4; query++)
        {
            var payoffs = Query.Random(mechanism, c.Agents, c.Actions, random);
            var seeds = new double[payoffs.Outputs];
            for (int j = 0; j < seeds.Length; j++) seeds[j] = 2 * random.NextDouble() - 1;

            var gradient = new double[theta.Length];
            payoffs.Adjoint(theta, seeds, gradient);
            var output = new double[payoffs.Outputs];
            for (int i = 0; i < theta.Length; i++)
            {
                double h = 1e-6 * Math.Max(1, Math.Abs(theta[i]));
                double saved = theta[i];
                theta[i] = saved + h;
                payoffs.Evaluate(theta, output);
                double plus = Dot(seeds, output);
                theta[i] = saved - h;
                payoffs.Evaluate(theta, output);
                double minus = Dot(seeds, output);
                theta[i] = saved;
                double numeric = (plus - minus) / (2 * h);
                double error = Math.Abs(gradient[i] - numeric) / Math.Max(1e-3, Math.Max(Math.Abs(gradient[i]), Math.Abs(numeric)));
                Assert.True(error < 1e-5, $"{c.Name}, query {query}, θ[{i}] ({mechanism.Layout}): adjoint {gradient[i]:R}, central difference {numeric:R}");
            }

            // The float kernels against their double twins.
            var gradientF = new float[thetaF.Length];
            payoffs.Adjoint(thetaF, Array.ConvertAll(seeds, s => (float)s), gradientF);
            double scale = Math.Max(1, gradient.Max(Math.Abs));
            for (int i = 0; i < theta.Length; i++)
                Assert.True(Math.Abs(gradientF[i] - gradient[i]) / scale < 1e-4, $"{c.Name}, query {query}, θ[{i}]: float adjoint {gradientF[i]}, double {gradient[i]:R}");
            payoffs.Evaluate(theta, output);
            var outputF = new float[payoffs.Outputs];
            payoffs.Evaluate(thetaF, outputF);
            for (int j = 0; j < output.Length; j++)
                Assert.True(Math.Abs(outputF[j] - output[j]) / Math.Max(1, Math.Abs(output[j])) < 1e-5, $"{c.Name}: float payoff {outputF[j]}, double {output[j]:R}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GeneratedSelfCheck_Passes_AndTheKernelsDoNotReadTheFields(Case c)
    {
        var mechanism = c.Create();
        mechanism.InitializeParameters(new Random(3));
        for (int seed = 1; seed <= 3; seed++)
        {
            var report = mechanism.CheckGradients(c.Agents, c.Actions, seed);
            Assert.True(report.Passed, report.ToString());
            Assert.Equal(0, report.FieldDependence);
        }
    }

    /// <summary>
    /// The batched adjoint computes the first layer's input adjoint over the embedding's window only (it starts after
    /// the data columns); it must still equal the per-query adjoint, which does the same through <c>Nn.DenseAdjoint</c>.
    /// </summary>
    [Fact]
    public void WindowedInputAdjoint_BatchedEqualsPerQuery()
    {
        const int actions = 4, count = 9;
        var mechanism = new SharesThenEmbedding(actions, 3, 8);
        mechanism.InitializeParameters(new Random(7));
        var theta = new float[mechanism.Layout.TotalLength];
        mechanism.ReadParameters(theta);
        var random = new Random(8);
        var own = new int[count];
        var counts = new int[count * actions];
        var seeds = new float[count];
        for (int q = 0; q < count; q++)
        {
            own[q] = random.Next(actions);
            for (int i = 0; i < 5; i++) counts[q * actions + random.Next(actions)]++;
            seeds[q] = (float)(random.NextDouble() * 2 - 1);
        }
        var expected = new float[theta.Length];
        for (int q = 0; q < count; q++)
            mechanism.PayoffAdjoint(theta, own[q], counts.AsSpan(q * actions, actions), seeds[q], expected);
        var actual = new float[theta.Length];
        ((IBatchedAnonymousMechanism)mechanism).PayoffBatchAdjoint(theta, own, counts, count, seeds, actual);
        double scale = Math.Max(1, expected.Max(Math.Abs));
        for (int i = 0; i < theta.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) / scale < 1e-5, $"θ[{i}]: per query {expected[i]}, batched {actual[i]}");
        Assert.Contains(expected, v => v != 0);
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>One random query of a mechanism as a map from θ to its payoffs, whatever its form.</summary>
    private sealed class Query(IMechanism mechanism, int[] joint, int[] counts)
    {
        public int Outputs => mechanism is IAnonymousMechanism ? counts.Length : joint.Length;

        public static Query Random(IMechanism mechanism, int agents, int actions, Random random)
        {
            var joint = new int[agents];
            for (int i = 0; i < agents; i++) joint[i] = random.Next(actions);
            var counts = new int[actions];
            for (int i = 1; i < agents; i++) counts[random.Next(actions)]++;
            return new Query(mechanism, joint, counts);
        }

        public void Evaluate(double[] theta, double[] output)
        {
            switch (mechanism)
            {
                case IJointMechanism m: m.Payoffs(theta, joint, output); break;
                case IPerAgentMechanism m: for (int i = 0; i < joint.Length; i++) output[i] = m.Payoff(theta, joint, i); break;
                case IAnonymousMechanism m: for (int k = 0; k < counts.Length; k++) output[k] = m.Payoff(theta, k, counts); break;
            }
        }

        public void Evaluate(float[] theta, float[] output)
        {
            switch (mechanism)
            {
                case IJointMechanism m: m.Payoffs(theta, joint, output); break;
                case IPerAgentMechanism m: for (int i = 0; i < joint.Length; i++) output[i] = m.Payoff(theta, joint, i); break;
                case IAnonymousMechanism m: for (int k = 0; k < counts.Length; k++) output[k] = m.Payoff(theta, k, counts); break;
            }
        }

        public void Adjoint(double[] theta, double[] seeds, double[] thetaBar)
        {
            switch (mechanism)
            {
                case IJointMechanism m: m.PayoffsAdjoint(theta, joint, seeds, thetaBar); break;
                case IPerAgentMechanism m: for (int i = 0; i < joint.Length; i++) m.PayoffAdjoint(theta, joint, i, seeds[i], thetaBar); break;
                case IAnonymousMechanism m: for (int k = 0; k < counts.Length; k++) m.PayoffAdjoint(theta, k, counts, seeds[k], thetaBar); break;
            }
        }

        public void Adjoint(float[] theta, float[] seeds, float[] thetaBar)
        {
            switch (mechanism)
            {
                case IJointMechanism m: m.PayoffsAdjoint(theta, joint, seeds, thetaBar); break;
                case IPerAgentMechanism m: for (int i = 0; i < joint.Length; i++) m.PayoffAdjoint(theta, joint, i, seeds[i], thetaBar); break;
                case IAnonymousMechanism m: for (int k = 0; k < counts.Length; k++) m.PayoffAdjoint(theta, k, counts, seeds[k], thetaBar); break;
            }
        }
    }
}
