namespace Diml;

/// <summary>
/// The gradient self-checks generated code calls: each kernel, at a random query, seen as a flat function
/// and handed to <see cref="GradientCheck"/>.
/// </summary>
public static class GradientSelfCheck
{
    /// <summary>
    /// Checks a mechanism's payoff adjoint with respect to all its parameters at a random query, and that its
    /// theta-functions do not read the <c>[Param]</c> fields (<see cref="FieldDependence(IMechanism, IFlatFunction, ReadOnlySpan{float})"/>). The fields are
    /// changed and restored during the check, so do not run it while the mechanism is being fitted.
    /// </summary>
    public static GradientCheckReport Mechanism(IMechanism mechanism, int agents, int actions, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        ArgumentOutOfRangeException.ThrowIfLessThan(agents, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(actions, 2);
        var random = new Random(seed);
        var theta = new float[mechanism.Layout.TotalLength];
        mechanism.ReadParameters(theta);
        var point = Array.ConvertAll(theta, v => (double)v);
        IFlatFunction function = mechanism switch
        {
            IJointMechanism joint => new JointPayoffs(joint, RandomJoint(agents, actions, random)),
            IPerAgentMechanism perAgent => new PerAgentPayoffs(perAgent, RandomJoint(agents, actions, random)),
            IAnonymousMechanism anonymous => new AnonymousPayoffs(anonymous, RandomCounts(agents - 1, actions, random)),
            _ => throw new ArgumentException($"{mechanism.ModelName} implements no payoff interface.", nameof(mechanism)),
        };
        var report = GradientCheck.Run(function, point, seed);
        double fieldDependence = FieldDependence(mechanism, function, theta);
        return report with { FieldDependence = fieldDependence, Passed = report.Passed && fieldDependence == 0 };
    }

    /// <summary>
    /// How much the theta-functions of <paramref name="function"/> (outputs and adjoint, float and double) move
    /// at <paramref name="theta"/> when only the mechanism's <c>[Param]</c> fields change: the largest relative
    /// change, exactly 0 for a kernel that reads its parameters from theta alone. The fields are restored from
    /// <paramref name="theta"/> afterwards.
    /// </summary>
    public static double FieldDependence(IMechanism mechanism, IFlatFunction function, ReadOnlySpan<float> theta)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        return FieldDependence(mechanism.WriteParameters, function, theta);
    }

    /// <summary>
    /// <see cref="FieldDependence(IMechanism, IFlatFunction, ReadOnlySpan{float})"/> for a learning rule's θ-functions,
    /// whose inputs start with the rule's parameters <paramref name="theta"/>.
    /// </summary>
    public static double FieldDependence(ILearnableRule rule, IFlatFunction function, ReadOnlySpan<float> theta, ReadOnlySpan<double> point)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return FieldDependence(rule.WriteParameters, function, theta, point);
    }

    private delegate void ParameterWriter(ReadOnlySpan<float> values);

    private static double FieldDependence(ParameterWriter write, IFlatFunction function, ReadOnlySpan<float> theta)
    {
        var point = new double[theta.Length];
        for (int i = 0; i < theta.Length; i++) point[i] = theta[i];
        return FieldDependence(write, function, theta, point);
    }

    /// <summary>The core of the field-independence test: the function at <paramref name="point"/>, fields moved, then restored to <paramref name="theta"/>.</summary>
    private static double FieldDependence(ParameterWriter write, IFlatFunction function, ReadOnlySpan<float> theta, ReadOnlySpan<double> point)
    {
        ArgumentNullException.ThrowIfNull(function);
        var pointD = point.ToArray();
        var pointF = Array.ConvertAll(pointD, v => (float)v);
        var seeds = new double[function.OutputLength];
        for (int j = 0; j < seeds.Length; j++) seeds[j] = 1.0 / (j + 2);
        var before = Snapshot(function, pointD, pointF, seeds);
        // Every field value moved far from where it was, shapes kept.
        var changed = new float[theta.Length];
        for (int i = 0; i < theta.Length; i++) changed[i] = -1.75f * theta[i] + 0.5f;
        double dependence = 0;
        try
        {
            write(changed);
            var after = Snapshot(function, pointD, pointF, seeds);
            for (int k = 0; k < before.Length; k++)
                if (!before[k].Equals(after[k])) dependence = Math.Max(dependence, Math.Max(GradientCheck.RelativeError(before[k], after[k]), double.Epsilon));
        }
        finally
        {
            write(theta);
        }
        return dependence;
    }

    /// <summary>The outputs and adjoints of both precisions at one point, as one vector.</summary>
    private static double[] Snapshot(IFlatFunction function, double[] point, ReadOnlySpan<float> pointF, double[] seeds)
    {
        int n = function.InputLength, m = function.OutputLength;
        var output = new double[m];
        var gradient = new double[n];
        var outputF = new float[m];
        var gradientF = new float[n];
        var seedsF = Array.ConvertAll(seeds, s => (float)s);
        function.Evaluate(point, output);
        function.Adjoint(point, seeds, gradient);
        function.Evaluate(pointF, outputF);
        function.Adjoint(pointF, seedsF, gradientF);
        return [.. output, .. gradient, .. Array.ConvertAll(outputF, v => (double)v), .. Array.ConvertAll(gradientF, v => (double)v)];
    }

    /// <summary>
    /// Checks a learning rule's update and response adjoints near its initial state; for a rule with learnable
    /// parameters (<see cref="ILearnableRule"/>) also its θ-versions — initial state, update and response, with
    /// respect to the parameters as well — at its current parameter values, and that they do not read the fields.
    /// The fields are changed and restored during the check, so do not run it while the rule is being fitted.
    /// </summary>
    public static GradientCheckReport LearningRule(ILearningRule rule, int actions, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentOutOfRangeException.ThrowIfLessThan(actions, 2);
        var random = new Random(seed);
        int size = rule.StateSize(actions);
        var initial = new float[size];
        rule.InitialState(initial);
        // Near the initial state, so that rule-specific constraints (such as positive experience) hold.
        var state = new double[size];
        for (int i = 0; i < size; i++) state[i] = initial[i] + random.NextDouble() - 0.5;
        var payoffs = new double[actions];
        for (int k = 0; k < actions; k++) payoffs[k] = 2 * random.NextDouble() - 1;

        int played = random.Next(actions);
        var update = GradientCheck.Run(new RuleUpdate(rule, size, actions, played), [.. state, .. payoffs], seed);
        var response = GradientCheck.Run(new RuleResponse(rule, size, actions), state, seed);
        if (rule is not ILearnableRule learnable) return GradientCheckReport.Combine(rule.RuleName, [update, response]);

        var theta = new float[learnable.Layout.TotalLength];
        learnable.ReadParameters(theta);
        var thetaD = Array.ConvertAll(theta, v => (double)v);
        var parts = new List<GradientCheckReport> { update, response };
        foreach (var (function, point) in new (IFlatFunction, double[])[]
                 {
                     (new LearnableInitial(learnable, size), thetaD),
                     (new LearnableUpdate(learnable, size, actions, played), [.. thetaD, .. state, .. payoffs]),
                     (new LearnableResponse(learnable, size, actions), [.. thetaD, .. state]),
                 })
        {
            var report = GradientCheck.Run(function, point, seed);
            double dependence = FieldDependence(learnable.WriteParameters, function, theta, point);
            parts.Add(report with { FieldDependence = dependence, Passed = report.Passed && dependence == 0 });
        }
        return GradientCheckReport.Combine(rule.RuleName, parts);
    }

    /// <summary>A reproducible random point in [−1, 1]ⁿ.</summary>
    public static double[] RandomPoint(int length, int seed)
    {
        var random = new Random(seed);
        var point = new double[length];
        for (int i = 0; i < length; i++) point[i] = 2 * random.NextDouble() - 1;
        return point;
    }

    private static int[] RandomJoint(int agents, int actions, Random random)
    {
        var joint = new int[agents];
        for (int i = 0; i < agents; i++) joint[i] = random.Next(actions);
        return joint;
    }

    private static int[] RandomCounts(int others, int actions, Random random)
    {
        var counts = new int[actions];
        for (int i = 0; i < others; i++) counts[random.Next(actions)]++;
        return counts;
    }

    private sealed class JointPayoffs(IJointMechanism mechanism, int[] joint) : IFlatFunction
    {
        public string Name => mechanism.ModelName + ".Payoffs";
        public int InputLength => mechanism.Layout.TotalLength;
        public int OutputLength => joint.Length;
        public void Evaluate(ReadOnlySpan<double> input, Span<double> output) => mechanism.Payoffs(input, joint, output);
        public void Adjoint(ReadOnlySpan<double> input, ReadOnlySpan<double> outputBar, Span<double> inputBar) => mechanism.PayoffsAdjoint(input, joint, outputBar, inputBar);
        public void Evaluate(ReadOnlySpan<float> input, Span<float> output) => mechanism.Payoffs(input, joint, output);
        public void Adjoint(ReadOnlySpan<float> input, ReadOnlySpan<float> outputBar, Span<float> inputBar) => mechanism.PayoffsAdjoint(input, joint, outputBar, inputBar);
    }

    /// <summary>Every agent's payoff of one joint action: the outputs are the agents.</summary>
    private sealed class PerAgentPayoffs(IPerAgentMechanism mechanism, int[] joint) : IFlatFunction
    {
        public string Name => mechanism.ModelName + ".Payoff";
        public int InputLength => mechanism.Layout.TotalLength;
        public int OutputLength => joint.Length;
        public void Evaluate(ReadOnlySpan<double> input, Span<double> output)
        {
            for (int i = 0; i < joint.Length; i++) output[i] = mechanism.Payoff(input, joint, i);
        }
        public void Adjoint(ReadOnlySpan<double> input, ReadOnlySpan<double> outputBar, Span<double> inputBar)
        {
            for (int i = 0; i < joint.Length; i++) mechanism.PayoffAdjoint(input, joint, i, outputBar[i], inputBar);
        }
        public void Evaluate(ReadOnlySpan<float> input, Span<float> output)
        {
            for (int i = 0; i < joint.Length; i++) output[i] = mechanism.Payoff(input, joint, i);
        }
        public void Adjoint(ReadOnlySpan<float> input, ReadOnlySpan<float> outputBar, Span<float> inputBar)
        {
            for (int i = 0; i < joint.Length; i++) mechanism.PayoffAdjoint(input, joint, i, outputBar[i], inputBar);
        }
    }

    /// <summary>The payoff of every own action against one opponent-count vector: the outputs are the actions.</summary>
    private sealed class AnonymousPayoffs(IAnonymousMechanism mechanism, int[] counts) : IFlatFunction
    {
        public string Name => mechanism.ModelName + ".Payoff";
        public int InputLength => mechanism.Layout.TotalLength;
        public int OutputLength => counts.Length;
        public void Evaluate(ReadOnlySpan<double> input, Span<double> output)
        {
            for (int k = 0; k < counts.Length; k++) output[k] = mechanism.Payoff(input, k, counts);
        }
        public void Adjoint(ReadOnlySpan<double> input, ReadOnlySpan<double> outputBar, Span<double> inputBar)
        {
            for (int k = 0; k < counts.Length; k++) mechanism.PayoffAdjoint(input, k, counts, outputBar[k], inputBar);
        }
        public void Evaluate(ReadOnlySpan<float> input, Span<float> output)
        {
            for (int k = 0; k < counts.Length; k++) output[k] = mechanism.Payoff(input, k, counts);
        }
        public void Adjoint(ReadOnlySpan<float> input, ReadOnlySpan<float> outputBar, Span<float> inputBar)
        {
            for (int k = 0; k < counts.Length; k++) mechanism.PayoffAdjoint(input, k, counts, outputBar[k], inputBar);
        }
    }

    /// <summary>The update as a map from [state, payoffs] to the next state.</summary>
    private sealed class RuleUpdate(ILearningRule rule, int stateSize, int actions, int played) : IFlatFunction
    {
        public string Name => rule.RuleName + ".Update";
        public int InputLength => stateSize + actions;
        public int OutputLength => stateSize;
        public void Evaluate(ReadOnlySpan<double> input, Span<double> output) => rule.Update(input[..stateSize], input[stateSize..], played, output);
        public void Adjoint(ReadOnlySpan<double> input, ReadOnlySpan<double> outputBar, Span<double> inputBar)
            => rule.UpdateAdjoint(input[..stateSize], input[stateSize..], played, outputBar, inputBar[..stateSize], inputBar[stateSize..]);
        public void Evaluate(ReadOnlySpan<float> input, Span<float> output) => rule.Update(input[..stateSize], input[stateSize..], played, output);
        public void Adjoint(ReadOnlySpan<float> input, ReadOnlySpan<float> outputBar, Span<float> inputBar)
            => rule.UpdateAdjoint(input[..stateSize], input[stateSize..], played, outputBar, inputBar[..stateSize], inputBar[stateSize..]);
    }

    /// <summary>The θ-initial state as a map from the rule's parameters to the state.</summary>
    private sealed class LearnableInitial(ILearnableRule rule, int stateSize) : IFlatFunction
    {
        private readonly int _p = rule.Layout.TotalLength;
        public string Name => rule.RuleName + ".InitialState(theta)";
        public int InputLength => _p;
        public int OutputLength => stateSize;
        public void Evaluate(ReadOnlySpan<double> input, Span<double> output) => rule.InitialState(input, output);
        public void Adjoint(ReadOnlySpan<double> input, ReadOnlySpan<double> outputBar, Span<double> inputBar) => rule.InitialStateAdjoint(input, outputBar, inputBar);
        public void Evaluate(ReadOnlySpan<float> input, Span<float> output) => rule.InitialState(input, output);
        public void Adjoint(ReadOnlySpan<float> input, ReadOnlySpan<float> outputBar, Span<float> inputBar) => rule.InitialStateAdjoint(input, outputBar, inputBar);
    }

    /// <summary>The θ-update as a map from [theta, state, payoffs] to the next state.</summary>
    private sealed class LearnableUpdate(ILearnableRule rule, int stateSize, int actions, int played) : IFlatFunction
    {
        private readonly int _p = rule.Layout.TotalLength;
        public string Name => rule.RuleName + ".Update(theta)";
        public int InputLength => _p + stateSize + actions;
        public int OutputLength => stateSize;
        public void Evaluate(ReadOnlySpan<double> input, Span<double> output) => rule.Update(input[.._p], input.Slice(_p, stateSize), input[(_p + stateSize)..], played, output);
        public void Adjoint(ReadOnlySpan<double> input, ReadOnlySpan<double> outputBar, Span<double> inputBar)
            => rule.UpdateAdjoint(input[.._p], input.Slice(_p, stateSize), input[(_p + stateSize)..], played, outputBar,
                inputBar.Slice(_p, stateSize), inputBar[(_p + stateSize)..], inputBar[.._p]);
        public void Evaluate(ReadOnlySpan<float> input, Span<float> output) => rule.Update(input[.._p], input.Slice(_p, stateSize), input[(_p + stateSize)..], played, output);
        public void Adjoint(ReadOnlySpan<float> input, ReadOnlySpan<float> outputBar, Span<float> inputBar)
            => rule.UpdateAdjoint(input[.._p], input.Slice(_p, stateSize), input[(_p + stateSize)..], played, outputBar,
                inputBar.Slice(_p, stateSize), inputBar[(_p + stateSize)..], inputBar[.._p]);
    }

    /// <summary>The θ-response as a map from [theta, state] to the log-policy.</summary>
    private sealed class LearnableResponse(ILearnableRule rule, int stateSize, int actions) : IFlatFunction
    {
        private readonly int _p = rule.Layout.TotalLength;
        public string Name => rule.RuleName + ".Response(theta)";
        public int InputLength => _p + stateSize;
        public int OutputLength => actions;
        public void Evaluate(ReadOnlySpan<double> input, Span<double> output) => rule.Response(input[.._p], input[_p..], output);
        public void Adjoint(ReadOnlySpan<double> input, ReadOnlySpan<double> outputBar, Span<double> inputBar) => rule.ResponseAdjoint(input[.._p], input[_p..], outputBar, inputBar[_p..], inputBar[.._p]);
        public void Evaluate(ReadOnlySpan<float> input, Span<float> output) => rule.Response(input[.._p], input[_p..], output);
        public void Adjoint(ReadOnlySpan<float> input, ReadOnlySpan<float> outputBar, Span<float> inputBar) => rule.ResponseAdjoint(input[.._p], input[_p..], outputBar, inputBar[_p..], inputBar[.._p]);
    }

    /// <summary>The response as a map from the state to the log-policy.</summary>
    private sealed class RuleResponse(ILearningRule rule, int stateSize, int actions) : IFlatFunction
    {
        public string Name => rule.RuleName + ".Response";
        public int InputLength => stateSize;
        public int OutputLength => actions;
        public void Evaluate(ReadOnlySpan<double> input, Span<double> output) => rule.Response(input, output);
        public void Adjoint(ReadOnlySpan<double> input, ReadOnlySpan<double> outputBar, Span<double> inputBar) => rule.ResponseAdjoint(input, outputBar, inputBar);
        public void Evaluate(ReadOnlySpan<float> input, Span<float> output) => rule.Response(input, output);
        public void Adjoint(ReadOnlySpan<float> input, ReadOnlySpan<float> outputBar, Span<float> inputBar) => rule.ResponseAdjoint(input, outputBar, inputBar);
    }
}
