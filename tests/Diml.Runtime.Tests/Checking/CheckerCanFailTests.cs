using System.Numerics;

namespace Diml.Tests.Checking;

/// <summary>
/// The gradient checker rejects what it is there to catch: adjoints with a planted mistake (a sign, a factor, a
/// missing term, a wrong index), a float kernel that differs from its double twin, and a mechanism whose
/// theta-functions read its fields. Each planted mistake is checked at several points and seeds.
/// </summary>
public sealed class CheckerCanFailTests
{
    /// <summary>Which mistake <see cref="Planted"/> makes.</summary>
    public enum Mistake { None, Sign, Factor, MissingTerm, WrongIndex, FloatForward, FloatAdjoint }

    /// <summary>
    /// y0 = x0·x1 + sin(x2), y1 = exp(x0)·x3 + x1², with its exact adjoint, except for the planted mistake.
    /// </summary>
    private sealed class Planted(Mistake mistake) : IFlatFunction
    {
        public string Name => "Planted." + mistake;
        public int InputLength => 4;
        public int OutputLength => 2;

        public void Evaluate(ReadOnlySpan<double> x, Span<double> y) => Forward(x, y, isFloat: false);
        public void Evaluate(ReadOnlySpan<float> x, Span<float> y) => Forward(x, y, isFloat: true);
        public void Adjoint(ReadOnlySpan<double> x, ReadOnlySpan<double> yBar, Span<double> xBar) => Backward(x, yBar, xBar, isFloat: false);
        public void Adjoint(ReadOnlySpan<float> x, ReadOnlySpan<float> yBar, Span<float> xBar) => Backward(x, yBar, xBar, isFloat: true);

        private void Forward<T>(ReadOnlySpan<T> x, Span<T> y, bool isFloat) where T : IFloatingPointIeee754<T>
        {
            y[0] = x[0] * x[1] + T.Sin(x[2]);
            y[1] = T.Exp(x[0]) * x[3] + x[1] * x[1];
            // A float kernel that has drifted from its double twin (here by 1%).
            if (isFloat && mistake == Mistake.FloatForward) y[1] *= T.CreateChecked(1.01);
        }

        private void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> yBar, Span<T> xBar, bool isFloat) where T : IFloatingPointIeee754<T>
        {
            T two = T.CreateChecked(2);
            xBar[0] += yBar[0] * x[1] + yBar[1] * T.Exp(x[0]) * x[3];
            xBar[1] += yBar[0] * x[0];
            xBar[2] += yBar[0] * T.Cos(x[2]);
            xBar[3] += yBar[1] * T.Exp(x[0]);
            switch (mistake)
            {
                case Mistake.Sign: xBar[2] -= two * yBar[0] * T.Cos(x[2]); break;         // d sin = -cos
                case Mistake.Factor: xBar[1] += two * two * yBar[1] * x[1]; break;         // d x² = 4x dx
                case Mistake.MissingTerm: break;                                           // d x1 of x1² forgotten
                case Mistake.WrongIndex: xBar[3] += two * yBar[1] * x[1]; break;           // d x1² added into x3
                case Mistake.FloatAdjoint: xBar[1] += two * yBar[1] * x[1] * (isFloat ? T.CreateChecked(1.05) : T.One); break;
                default: xBar[1] += two * yBar[1] * x[1]; break;
            }
        }
    }

    public static TheoryData<Mistake> Mistakes => new() { Mistake.Sign, Mistake.Factor, Mistake.MissingTerm, Mistake.WrongIndex, Mistake.FloatForward, Mistake.FloatAdjoint };

    [Fact]
    public void TheExactAdjoint_Passes()
    {
        for (int seed = 1; seed <= 5; seed++)
        {
            var report = GradientCheck.Run(new Planted(Mistake.None), GradientSelfCheck.RandomPoint(4, seed), seed);
            Assert.True(report.Passed, report.ToString());
        }
    }

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void APlantedMistake_IsRejected(Mistake mistake)
    {
        for (int seed = 1; seed <= 5; seed++)
        {
            var report = GradientCheck.Run(new Planted(mistake), GradientSelfCheck.RandomPoint(4, seed), seed);
            Assert.False(report.Passed, $"seed {seed}: {report}");
            if (mistake is Mistake.FloatForward or Mistake.FloatAdjoint)
            {
                // The double adjoint is right; only the float-vs-double comparison can see these.
                Assert.True(report.MaxRelativeError <= GradientCheck.DefaultTolerance, report.ToString());
                Assert.True(report.FloatRelativeError > GradientCheck.DefaultFloatTolerance, report.ToString());
            }
            else
            {
                Assert.True(report.MaxRelativeError > GradientCheck.DefaultTolerance, report.ToString());
            }
        }
    }

    /// <summary>
    /// payoff = w[a]·load + s·load, where s is the scalar parameter; <paramref name="readsField"/> makes the kernel
    /// read s from the field instead of theta (the bug of a helper member called as it is).
    /// </summary>
    private sealed class LoadMechanism(int actions, bool readsField) : IPerAgentMechanism
    {
        private readonly float[] _weights = new float[actions];
        private float _share = 0.7f;

        public string ModelName => readsField ? "FieldReading" : "ThetaReading";
        public PayoffForm Form => PayoffForm.PerAgent;
        public ParameterLayout Layout => new([new ParameterBlock("W", 1, actions, 1, 0), new ParameterBlock("S", 0, 1, 1, actions)]);

        public void ReadParameters(Span<float> destination)
        {
            _weights.CopyTo(destination);
            destination[actions] = _share;
        }

        public void WriteParameters(ReadOnlySpan<float> source)
        {
            source[..actions].CopyTo(_weights);
            _share = source[actions];
        }

        public void InitializeParameters(Random random)
        {
            for (int k = 0; k < actions; k++) _weights[k] = (float)random.NextDouble();
        }

        public GradientCheckReport CheckGradients(int agents, int actions, int seed = 1) => GradientSelfCheck.Mechanism(this, agents, actions, seed);

        private T Share<T>(ReadOnlySpan<T> theta) where T : INumber<T> => readsField ? T.CreateChecked(_share) : theta[actions];

        private static int Load(ReadOnlySpan<int> joint, int agent)
        {
            int load = 0;
            foreach (int a in joint) if (a == joint[agent]) load++;
            return load;
        }

        private T Payoff<T>(ReadOnlySpan<T> theta, ReadOnlySpan<int> joint, int agent) where T : INumber<T>
            => (theta[joint[agent]] + Share(theta)) * T.CreateChecked(Load(joint, agent));

        private void Adjoint<T>(ReadOnlySpan<int> joint, int agent, T payoffBar, Span<T> thetaBar) where T : INumber<T>
        {
            T load = T.CreateChecked(Load(joint, agent));
            thetaBar[joint[agent]] += payoffBar * load;
            // What the buggy kernel's adjoint does too: the field is a constant to it, so no gradient for S.
            if (!readsField) thetaBar[actions] += payoffBar * load;
        }

        public float Payoff(ReadOnlySpan<float> theta, ReadOnlySpan<int> joint, int agent) => Payoff<float>(theta, joint, agent);
        public double Payoff(ReadOnlySpan<double> theta, ReadOnlySpan<int> joint, int agent) => Payoff<double>(theta, joint, agent);
        public void PayoffAdjoint(ReadOnlySpan<float> theta, ReadOnlySpan<int> joint, int agent, float payoffBar, Span<float> thetaBar) => Adjoint(joint, agent, payoffBar, thetaBar);
        public void PayoffAdjoint(ReadOnlySpan<double> theta, ReadOnlySpan<int> joint, int agent, double payoffBar, Span<double> thetaBar) => Adjoint(joint, agent, payoffBar, thetaBar);
    }

    [Fact]
    public void AMechanismReadingItsFields_PassesFiniteDifferences_ButFailsTheFieldCheck()
    {
        var mechanism = new LoadMechanism(4, readsField: true);
        mechanism.InitializeParameters(new Random(2));
        var theta = new float[5];
        mechanism.ReadParameters(theta);
        var report = mechanism.CheckGradients(agents: 3, actions: 4, seed: 2);
        // Finite differences of the same wrong function agree with its adjoint: only the field check sees it.
        Assert.True(report.MaxRelativeError <= GradientCheck.DefaultTolerance, report.ToString());
        Assert.True(report.FieldDependence > 0, report.ToString());
        Assert.False(report.Passed, report.ToString());
        Assert.Contains("reads its [Param] fields", report.ToString());
        // The check leaves the fields as it found them.
        var after = new float[5];
        mechanism.ReadParameters(after);
        Assert.Equal(theta, after);
    }

    [Fact]
    public void AMechanismReadingThetaOnly_PassesTheFieldCheck()
    {
        var mechanism = new LoadMechanism(4, readsField: false);
        mechanism.InitializeParameters(new Random(2));
        var report = mechanism.CheckGradients(agents: 3, actions: 4, seed: 2);
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(0, report.FieldDependence);
    }
}
