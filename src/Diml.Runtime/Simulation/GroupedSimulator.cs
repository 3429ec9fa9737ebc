using Diml.Data;

namespace Diml.Simulation;

/// <summary>
/// Simulates sessions of agents matched into groups (<see cref="GroupMatching"/>): at every step each agent draws its
/// action from its learner's policy, gets the counterfactual payoffs of its own group's joint action, and updates — the
/// procedure of <see cref="Simulator"/> with the game played within each group. The result has a group per agent and
/// step (labels 0, 1, … in the order of <see cref="GroupMatching.Sizes"/>) and is written with a <c>group</c> column.
/// </summary>
/// <remarks>
/// Episode <c>e</c> draws its actions from the stream of <see cref="Simulator"/> for (seed, e) and its matching from a
/// stream of its own, and writes only its own slice, so the result is bit-identical whatever the number of threads. The
/// joint and per-agent forms are evaluated with a kernel for each group size; a joint-form mechanism has one size, so it
/// takes one group size (a mixed list is an <see cref="ArgumentException"/>).
/// </remarks>
public static class GroupedSimulator
{
    /// <summary>The stream offset of the matching draws (the actions use streams 0, 1, … as <see cref="Simulator"/>).</summary>
    private const ulong MatchingStreams = 1UL << 40;

    /// <summary>
    /// Simulates <paramref name="episodes"/> sessions of <paramref name="steps"/> steps of <paramref name="matching"/>'s agents
    /// with <paramref name="actions"/> actions, learning by <paramref name="rule"/> under <paramref name="mechanism"/> at
    /// <paramref name="theta"/>.
    /// </summary>
    public static Trajectories Simulate(IMechanism mechanism, ReadOnlySpan<float> theta, ILearningRule rule, int actions,
        GroupMatching matching, int episodes, int steps, ulong seed, int threads = 1) =>
        SimulateEpisodes(mechanism, theta, rule, actions, matching, 0, episodes, steps, seed, threads);

    /// <summary>
    /// Episodes <paramref name="firstEpisode"/> .. <paramref name="firstEpisode"/> + <paramref name="episodes"/> − 1 of the
    /// run above (each episode has its own streams, so a run simulated in pieces equals the run simulated at once).
    /// </summary>
    public static Trajectories SimulateEpisodes(IMechanism mechanism, ReadOnlySpan<float> theta, ILearningRule rule, int actions,
        GroupMatching matching, int firstEpisode, int episodes, int steps, ulong seed, int threads = 1)
    {
        if (firstEpisode < 0) throw new ArgumentOutOfRangeException(nameof(firstEpisode), firstEpisode, $"{nameof(firstEpisode)}: expected an index ≥ 0; found {firstEpisode}.");
        ArgumentNullException.ThrowIfNull(mechanism);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(matching);
        var shape = new GameShape(matching.Agents, actions);
        if (episodes < 1) throw new ArgumentOutOfRangeException(nameof(episodes), episodes, $"{nameof(episodes)}: expected at least 1 episode; found {episodes}.");
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, $"{nameof(steps)}: expected at least 1 step; found {steps}.");
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, $"{nameof(threads)}: expected a positive thread count; found {threads}.");
        int p = mechanism.Layout.TotalLength;
        if (theta.Length != p) throw new ArgumentException($"{nameof(theta)}: expected {p} parameters ({mechanism.Layout}); found {theta.Length}.", nameof(theta));
        var sizes = matching.Sizes.Distinct().Order().ToArray();
        if (mechanism.Form == PayoffForm.Joint && sizes.Length > 1)
            throw new ArgumentException($"{nameof(matching)}: mechanism {mechanism.ModelName} has the joint form, which takes one group size; found sizes {string.Join(", ", sizes)}.", nameof(matching));
        var parameters = theta.ToArray();
        int n = shape.Agents, a = actions;
        var played = new int[checked(episodes * steps * n)];
        var labels = new int[played.Length];
        Parallel.For(0, episodes, new ParallelOptions { MaxDegreeOfParallelism = threads },
            () => new Worker(mechanism, rule, shape, sizes),
            (e, _, worker) =>
            {
                worker.Run(parameters, matching, seed, firstEpisode + (int)e, played.AsSpan((int)e * steps * n, steps * n), labels.AsSpan((int)e * steps * n, steps * n));
                return worker;
            },
            _ => { });
        return new Trajectories(shape, episodes, steps, played, labels);
    }

    /// <summary>One thread's learners, kernels (one per group size) and buffers.</summary>
    private sealed class Worker
    {
        private readonly LearnerReplay _replay;
        private readonly GroupPayoffKernels _kernels;
        private readonly int _agents, _actions;
        private readonly int[] _order;
        private readonly float[] _u;

        public Worker(IMechanism mechanism, ILearningRule rule, GameShape shape, int[] sizes)
        {
            _agents = shape.Agents;
            _actions = shape.Actions;
            _replay = new LearnerReplay(shape, rule);
            _kernels = new GroupPayoffKernels(mechanism, sizes, _agents, _actions, batched: true);
            _order = new int[_agents];
            _u = new float[_agents * _actions];
        }

        public void Run(float[] theta, GroupMatching matching, ulong seed, int episode, Span<int> played, Span<int> labels)
        {
            int n = _agents, a = _actions, steps = played.Length / n;
            var random = SplitMix64.ForStream(seed, (ulong)episode);
            var matches = SplitMix64.ForStream(seed, MatchingStreams + (ulong)episode);
            for (int i = 0; i < n; i++) _order[i] = i;
            _replay.Reset();
            _replay.Draw(ref random, played[..n]);
            for (int t = 0; t < steps; t++)
            {
                var joint = played.Slice(t * n, n);
                var label = labels.Slice(t * n, n);
                if (t == 0 || matching.Rematch) Shuffle(ref matches);
                // Group g is the next Sizes[g] agents of the shuffled order.
                int start = 0;
                for (int g = 0; g < matching.Sizes.Count; g++)
                {
                    int size = matching.Sizes[g];
                    var members = _order.AsSpan(start, size);
                    // In agent order, as the data list a group's members: positions then mean the same in fit and simulation.
                    members.Sort();
                    foreach (int member in members) label[member] = g;
                    if (t + 1 < steps) _kernels.Evaluate(theta, joint, members, _u);
                    start += size;
                }
                if (t + 1 == steps) break;
                _replay.Observe(joint, _u);
                _replay.Draw(ref random, played.Slice((t + 1) * n, n));
            }
        }

        /// <summary>Fisher–Yates over the agents (the groups are then consecutive runs of the order).</summary>
        private void Shuffle(ref SplitMix64 random)
        {
            for (int j = _order.Length - 1; j > 0; j--)
            {
                int r = random.NextInt(j + 1);
                (_order[j], _order[r]) = (_order[r], _order[j]);
            }
        }
    }
}
