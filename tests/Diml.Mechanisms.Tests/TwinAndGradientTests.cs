namespace Diml.Mechanisms.Tests;

/// <summary>
/// Every paper mechanism, at the sizes the paper runs and at a small size: the float kernel (what fitting and simulation
/// run) agrees with its double twin (what the gradient checks run), forward and adjoint, at random queries; and the
/// generated gradient passes the runtime's finite-difference check (<see cref="IMechanism.CheckGradients"/>).
/// </summary>
/// <remarks>
/// Tolerances: a float result carries a relative rounding error of about 6e-8 per operation, and the largest kernels
/// here chain a few thousand operations into one output, so the twins may differ by up to ~1e-4 of the output's scale
/// (1e-3 for adjoints, which sum over more paths; the same bound as <see cref="GradientCheck.DefaultFloatTolerance"/>).
/// </remarks>
public sealed class TwinAndGradientTests
{
    private const double ValueTolerance = 1e-4, AdjointTolerance = GradientCheck.DefaultFloatTolerance;

    /// <summary>The mechanism (and size), agents and actions of each case.</summary>
    public static TheoryData<string, int, int> Cases() => new()
    {
        { "neural-joint/paper", 3, 6 },
        { "neural-joint/small", 2, 3 },
        { "congestion", 4, 5 },
        { "congestion", 3, 3 },
        { "congestion", 6, 8 },
        { "public-goods/paper", 3, 7 },
        { "public-goods/paper", 2, 3 },
        { "public-goods/paper", 5, 4 },
        { "public-goods/paper", 1, 2 },
        { "public-goods/paper", 4, 10 },
        { "public-goods/small", 2, 5 },
        { "anonymous-count/paper", 40, 10 },
        { "anonymous-count/small", 5, 3 },
        { "pooled-anonymous", 2, 2 },
        { "pooled-anonymous", 12, 5 },
        { "tabular", 3, 4 },
        { "tabular", 2, 3 },
        { "tabular", 3, 6 },
        { "tabular", 4, 5 },
        { "tabular", 1, 4 },
        { "linear-public-goods", 4, 21 },
        { "linear-public-goods", 1, 3 },
        { "volunteers", 12, 2 },
        { "volunteers", 2, 2 },
        { "public-goods-fixed-return", 4, 21 },
        { "public-goods-fixed-return", 3, 11 },
    };

    private static IMechanism Create(string name, int agents, int actions, int seed)
    {
        var random = new Random(seed);
        IMechanism mechanism = name switch
        {
            "neural-joint/paper" => new NeuralJoint(agents, actions),
            "neural-joint/small" => new NeuralJoint(agents, actions, hidden: 8),
            "congestion" => Congestion.RandomTruth(actions, random),
            "public-goods/paper" => PublicGoods.PaperTruth(actions, random),
            "public-goods/small" => new PublicGoods(actions, hidden: 8),
            "anonymous-count/paper" => new AnonymousCount(actions),
            "anonymous-count/small" => new AnonymousCount(actions, hidden: 8),
            "pooled-anonymous" => new PooledAnonymous(actions, hidden: 8),
            "tabular" => new Tabular(agents, actions),
            "linear-public-goods" => new LinearPublicGoods(actions) { Mpcr = 0.3f + (float)random.NextDouble(), Reciprocity = (float)random.NextDouble() },
            "volunteers" => new VolunteersDilemma(actions) { Benefit = 0.5f + (float)random.NextDouble(), Cost = (float)random.NextDouble() },
            "public-goods-fixed-return" => new FixedReturnPublicGoods(actions),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown case"),
        };
        if (name.StartsWith("neural", StringComparison.Ordinal) || name.StartsWith("anonymous", StringComparison.Ordinal) || name == "pooled-anonymous" || name == "public-goods/small")
            mechanism.InitializeParameters(random);
        if (mechanism is FixedReturnPublicGoods fixedReturn) fixedReturn.DrawTruth(random);
        if (name == "tabular")
        {
            // Zero tables are a degenerate point: draw every entry.
            var table = new float[mechanism.Layout.TotalLength];
            for (int j = 0; j < table.Length; j++) table[j] = (float)(random.NextDouble() * 2 - 1);
            mechanism.WriteParameters(table);
        }
        return mechanism;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FloatKernel_AgreesWithItsDoubleTwin_ForwardAndAdjoint(string name, int agents, int actions)
    {
        // A query may legitimately have a zero gradient (a one-parameter mechanism at a point where its term vanishes), but
        // the test as a whole must compare some non-zero adjoint.
        bool anyGradient = false;
        for (int seed = 1; seed <= 3; seed++)
        {
            var mechanism = Create(name, agents, actions, seed);
            var theta = new float[mechanism.Layout.TotalLength];
            mechanism.ReadParameters(theta);
            var thetaDouble = Array.ConvertAll(theta, v => (double)v);
            var random = new Random(100 + seed);
            for (int query = 0; query < 4; query++)
            {
                var (values, valuesDouble, gradient, gradientDouble) = Evaluate(mechanism, theta, thetaDouble, agents, actions, random);
                AssertClose(valuesDouble, values, ValueTolerance, 1, $"{name} seed {seed} query {query}: payoff");
                AssertClose(gradientDouble, gradient, AdjointTolerance, GradientCheck.MagnitudeFloor, $"{name} seed {seed} query {query}: adjoint", requireNonzero: false);
                anyGradient |= Array.Exists(gradientDouble, v => v != 0);
            }
        }
        Assert.True(anyGradient, $"{name}: every adjoint compared was zero");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GeneratedGradient_PassesTheFiniteDifferenceCheck(string name, int agents, int actions)
    {
        for (int seed = 1; seed <= 3; seed++)
        {
            var report = Create(name, agents, actions, seed).CheckGradients(agents, actions, seed);
            Assert.True(report.Passed, $"{name} seed {seed}: {report}");
            Assert.True(report.Coordinates > 0, report.ToString());
        }
    }

    /// <summary>
    /// One random query of the mechanism's form in float and in double, and the adjoint of its outputs under one random
    /// seed vector in both precisions.
    /// </summary>
    private static (double[] Values, double[] ValuesDouble, double[] Gradient, double[] GradientDouble) Evaluate(
        IMechanism mechanism, float[] theta, double[] thetaDouble, int agents, int actions, Random random)
    {
        int p = theta.Length;
        var gradient = new float[p];
        var gradientDouble = new double[p];
        switch (mechanism)
        {
            case IJointMechanism joint:
            {
                var profile = RandomActions(agents, actions, random);
                var seeds = RandomSeeds(agents, random);
                var values = new float[agents];
                var valuesDouble = new double[agents];
                joint.Payoffs(theta, profile, values);
                joint.Payoffs(thetaDouble, profile, valuesDouble);
                joint.PayoffsAdjoint(theta, profile, Array.ConvertAll(seeds, s => (float)s), gradient);
                joint.PayoffsAdjoint(thetaDouble, profile, seeds, gradientDouble);
                return (Array.ConvertAll(values, v => (double)v), valuesDouble, Array.ConvertAll(gradient, v => (double)v), gradientDouble);
            }
            case IPerAgentMechanism perAgent:
            {
                var profile = RandomActions(agents, actions, random);
                var values = new double[agents];
                var valuesDouble = new double[agents];
                for (int i = 0; i < agents; i++)
                {
                    values[i] = perAgent.Payoff(theta, profile, i);
                    valuesDouble[i] = perAgent.Payoff(thetaDouble, profile, i);
                    double seed = random.NextDouble() * 2 - 1;
                    perAgent.PayoffAdjoint(theta, profile, i, (float)seed, gradient);
                    perAgent.PayoffAdjoint(thetaDouble, profile, i, seed, gradientDouble);
                }
                return (values, valuesDouble, Array.ConvertAll(gradient, v => (double)v), gradientDouble);
            }
            case IAnonymousMechanism anonymous:
            {
                var counts = new int[actions];
                for (int j = 0; j < agents - 1; j++) counts[random.Next(actions)]++;
                var values = new double[actions];
                var valuesDouble = new double[actions];
                for (int k = 0; k < actions; k++)
                {
                    values[k] = anonymous.Payoff(theta, k, counts);
                    valuesDouble[k] = anonymous.Payoff(thetaDouble, k, counts);
                    double seed = random.NextDouble() * 2 - 1;
                    anonymous.PayoffAdjoint(theta, k, counts, (float)seed, gradient);
                    anonymous.PayoffAdjoint(thetaDouble, k, counts, seed, gradientDouble);
                }
                return (values, valuesDouble, Array.ConvertAll(gradient, v => (double)v), gradientDouble);
            }
            default:
                throw new InvalidOperationException($"{mechanism.ModelName} implements no payoff interface.");
        }
    }

    private static int[] RandomActions(int agents, int actions, Random random)
    {
        var joint = new int[agents];
        for (int i = 0; i < agents; i++) joint[i] = random.Next(actions);
        return joint;
    }

    private static double[] RandomSeeds(int length, Random random)
    {
        var seeds = new double[length];
        for (int i = 0; i < length; i++) seeds[i] = random.NextDouble() * 2 - 1;
        return seeds;
    }

    /// <summary>Every element within <paramref name="tolerance"/> of the larger of the expected values' scale and <paramref name="floor"/>.</summary>
    private static void AssertClose(double[] expected, double[] actual, double tolerance, double floor, string what, bool requireNonzero = true)
    {
        double scale = floor;
        foreach (double v in expected) scale = Math.Max(scale, Math.Abs(v));
        if (requireNonzero) Assert.Contains(expected, v => v != 0);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * scale,
                FormattableString.Invariant($"{what} [{i}]: double {expected[i]:R}, float {actual[i]:R} (scale {scale:G3})"));
    }
}
