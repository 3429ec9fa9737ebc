using Diml.Data;

namespace Diml.Simulation;

/// <summary>
/// Simulates learners on a data set's design (<see cref="SimulationDesign"/>): at each step the agents present draw from
/// their policies, each group's joint action gives its members their counterfactual payoffs under the mechanism, and the
/// present agents update; absent agents neither act nor update (DESIGN §1, "Groups"). One instance per thread (it owns
/// kernels for each group size and the learner states); the mechanism may be shared.
/// </summary>
/// <remarks>
/// A session draws all its randomness from one <see cref="SplitMix64"/> stream the caller names, one uniform double per
/// present agent and step, so results do not depend on which thread runs which session, and two mechanisms simulated on
/// the same stream share their random numbers (common random numbers: their difference is not blurred by independent
/// noise).
/// </remarks>
public sealed class DesignSimulator
{
    private readonly IMechanism _mechanism;
    private readonly SimulationDesign _design;
    private readonly GroupPayoffKernels _kernels;
    private readonly int _agents, _actions;
    private readonly int[] _everyone;
    private readonly float[] _u, _logPolicy;
    private float[] _state = [], _next = [], _initial = [];

    /// <summary>A simulator of <paramref name="design"/>'s sessions under <paramref name="mechanism"/>.</summary>
    public DesignSimulator(IMechanism mechanism, SimulationDesign design)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        ArgumentNullException.ThrowIfNull(design);
        var sizes = design.GroupSizes.Distinct().Order().ToArray();
        if (mechanism.Form == PayoffForm.Joint && sizes.Length > 1)
            throw new ArgumentException($"{nameof(design)}: mechanism {mechanism.ModelName} has the joint form, which takes one group size; found sizes {string.Join(", ", sizes)}.", nameof(design));
        _mechanism = mechanism;
        _design = design;
        _agents = design.Shape.Agents;
        _actions = design.Shape.Actions;
        _kernels = new GroupPayoffKernels(mechanism, sizes, _agents, _actions, batched: true);
        _everyone = [.. Enumerable.Range(0, _agents)];
        _u = new float[_agents * _actions];
        _logPolicy = new float[_actions];
    }

    /// <summary>The design simulated.</summary>
    public SimulationDesign Design => _design;

    /// <summary>
    /// Simulates <paramref name="sessions"/> sessions of <paramref name="design"/> — run r replays the design's session
    /// r mod S on random stream r of <paramref name="seed"/> — of agents learning by <paramref name="rule"/> under
    /// <paramref name="mechanism"/> at <paramref name="theta"/>. The result has the design's groups and absences (a group
    /// label per present agent and step, <see cref="Trajectories.Absent"/> where an agent is absent) and is bit-identical
    /// whatever <paramref name="threads"/>, since each run has its own stream and slice. <paramref name="metadata"/> goes
    /// to the result (what a trajectory file records).
    /// </summary>
    public static Trajectories Simulate(IMechanism mechanism, ReadOnlySpan<float> theta, ILearningRule rule, SimulationDesign design,
        int sessions, ulong seed, int threads = 1, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(design);
        ArgumentOutOfRangeException.ThrowIfLessThan(sessions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (theta.Length != mechanism.Layout.TotalLength)
            throw new ArgumentException($"{nameof(theta)}: expected {mechanism.Layout.TotalLength} parameters ({mechanism.Layout}); found {theta.Length}.", nameof(theta));
        var parameters = theta.ToArray();
        int n = design.Shape.Agents, steps = design.Steps;
        int length = checked(sessions * steps * n);
        var played = new int[length];
        var labels = new int[length];
        Parallel.For(0, sessions, new ParallelOptions { MaxDegreeOfParallelism = threads },
            () => (Simulator: new DesignSimulator(mechanism, design), Received: new float[steps * n]),
            (r, _, local) =>
            {
                int session = (int)r % design.Sessions;
                var runPlayed = played.AsSpan((int)r * steps * n, steps * n);
                local.Simulator.Run(parameters, rule, session, seed, (ulong)r, runPlayed, local.Received);
                // One group of everybody: label 0 everywhere, as the labels already are.
                if (design.IsFullPlay) return local;
                var runLabels = labels.AsSpan((int)r * steps * n, steps * n);
                for (int t = 0; t < steps; t++)
                {
                    var groups = design.Groups(session, t);
                    for (int i = 0; i < n; i++)
                        runLabels[(t * n) + i] = design.IsPresent(session, t, i) ? groups.GroupOf(i) : Trajectories.Absent;
                }
                return local;
            },
            _ => { });
        return new Trajectories(design.Shape, sessions, steps, played, labels, metadata);
    }

    /// <summary>
    /// Simulates session <paramref name="session"/> of agents learning by <paramref name="rule"/> under the mechanism at
    /// <paramref name="theta"/>, drawing from stream <paramref name="stream"/> of <paramref name="seed"/>: the actions go
    /// to <paramref name="played"/> and each agent's payoff of the joint action its group played to
    /// <paramref name="received"/> (both steps × agents; <see cref="Trajectories.Absent"/> and NaN where an agent is absent).
    /// </summary>
    public void Run(ReadOnlySpan<float> theta, ILearningRule rule, int session, ulong seed, ulong stream, Span<int> played, Span<float> received)
    {
        ArgumentNullException.ThrowIfNull(rule);
        int n = _agents, a = _actions, steps = _design.Steps;
        if (theta.Length != _mechanism.Layout.TotalLength)
            throw new ArgumentException($"{nameof(theta)}: expected {_mechanism.Layout.TotalLength} parameters ({_mechanism.Layout}); found {theta.Length}.", nameof(theta));
        if ((uint)session >= (uint)_design.Sessions)
            throw new ArgumentOutOfRangeException(nameof(session), session, $"{nameof(session)}: expected a session in 0..{_design.Sessions - 1}, found {session}.");
        if (played.Length != steps * n || received.Length != steps * n)
            throw new ArgumentException($"{nameof(played)}, {nameof(received)}: expected {steps * n} entries each, found {played.Length} and {received.Length}.");
        int q = rule.StateSize(a);
        if (_initial.Length != q)
        {
            _initial = new float[q];
            _state = new float[n * q];
            _next = new float[q];
        }
        rule.InitialState(_initial);
        for (int i = 0; i < n; i++) _initial.CopyTo(_state, i * q);
        var random = SplitMix64.ForStream(seed, stream);
        for (int t = 0; t < steps; t++)
        {
            var joint = played.Slice(t * n, n);
            for (int i = 0; i < n; i++)
            {
                if (!_design.IsPresent(session, t, i)) { joint[i] = Trajectories.Absent; continue; }
                joint[i] = t == 0 && _design.FirstActionsFromData
                    ? _design.DataAction(session, 0, i)
                    : Draw(rule, _state.AsSpan(i * q, q), ref random);
            }
            var payoffs = received.Slice(t * n, n);
            payoffs.Fill(float.NaN);
            // Full play is one group of everybody; otherwise the data's groups of this step.
            var groups = _design.IsFullPlay ? default : _design.Groups(session, t);
            int groupCount = _design.IsFullPlay ? 1 : groups.Count;
            for (int g = 0; g < groupCount; g++)
            {
                ReadOnlySpan<int> members = _design.IsFullPlay ? _everyone : groups.Members(g);
                _kernels.Evaluate(theta, joint, members, _u, payoffs);
            }
            if (t + 1 == steps) break;
            for (int i = 0; i < n; i++)
            {
                if (joint[i] == Trajectories.Absent) continue;
                var state = _state.AsSpan(i * q, q);
                rule.Update(state, _u.AsSpan(i * a, a), joint[i], _next);
                _next.CopyTo(state);
            }
        }
    }

    /// <summary>One action from the policy of <paramref name="state"/>, by inverse CDF of <c>exp(log π)</c> with one uniform double.</summary>
    private int Draw(ILearningRule rule, ReadOnlySpan<float> state, ref SplitMix64 random)
    {
        rule.Response(state, _logPolicy);
        int a = _actions;
        double total = 0;
        for (int k = 0; k < a; k++) total += Math.Exp(_logPolicy[k]);
        double r = random.NextDouble() * total, cumulative = 0;
        for (int k = 0; k < a; k++)
        {
            cumulative += Math.Exp(_logPolicy[k]);
            if (r < cumulative) return k;
        }
        return a - 1;
    }
}
