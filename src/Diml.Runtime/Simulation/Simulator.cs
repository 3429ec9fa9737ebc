using Diml.Data;

namespace Diml.Simulation;

/// <summary>
/// Generates action trajectories of agents learning under a mechanism or any payoff model (DESIGN §1, "Data
/// generation"): <c>a[0] ~ π(Q0)</c>; for each step, the counterfactual payoffs <c>u[t]</c> of the played joint action,
/// the learner update <c>Q[t+1]</c>, and <c>a[t+1] ~ π(Q[t+1])</c>, each agent independently (<see cref="LearnerReplay"/>).
/// </summary>
/// <remarks>
/// Episode <c>e</c> draws all its randomness from its own <see cref="SplitMix64"/> stream derived from
/// (seed, e) and writes only its own slice of the output, so the result is bit-identical whatever the
/// number of threads. A mechanism is simulated through its float kernels — from a table of every joint action's
/// payoffs in small games, with anonymous mechanisms evaluated once per distinct (own action, opponent counts) per
/// step, in one call of its batched kernel when it has one. Simulating its <see cref="MechanismPayoffs"/> instead
/// gives the same trajectories: it uses the same batched kernel.
/// </remarks>
public static class Simulator
{
    /// <summary>
    /// Simulates <paramref name="episodes"/> episodes of <paramref name="steps"/> steps of agents learning by
    /// <paramref name="rule"/> under <paramref name="mechanism"/> with parameters <paramref name="theta"/>.
    /// </summary>
    public static Trajectories Simulate(IMechanism mechanism, ReadOnlySpan<float> theta, ILearningRule rule, GameShape shape,
        int episodes, int steps, ulong seed, int threads = 1) =>
        SimulateEpisodes(mechanism, theta, rule, shape, 0, episodes, steps, seed, threads);

    /// <summary>
    /// Simulates episodes <paramref name="firstEpisode"/> .. <paramref name="firstEpisode"/> + <paramref name="episodes"/> − 1
    /// of the run above: each episode draws from its own stream, so simulating a long run in pieces (to show
    /// progress) gives the same episodes as simulating it at once.
    /// </summary>
    public static Trajectories SimulateEpisodes(IMechanism mechanism, ReadOnlySpan<float> theta, ILearningRule rule, GameShape shape,
        int firstEpisode, int episodes, int steps, ulong seed, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        CheckArguments(rule, shape, firstEpisode, episodes, steps, threads);
        var payoffs = PayoffModels(mechanism, theta, shape);
        return Run(payoffs, rule, shape, firstEpisode, episodes, steps, seed, threads);
    }

    /// <summary>One payoff model per worker over one copy of <paramref name="theta"/>, which nothing writes afterwards.</summary>
    private static Func<IPayoffModel> PayoffModels(IMechanism mechanism, ReadOnlySpan<float> theta, GameShape shape)
    {
        int p = mechanism.Layout.TotalLength;
        if (theta.Length != p)
            throw new ArgumentException($"{nameof(theta)}: expected {p} parameters ({mechanism.Layout}); found {theta.Length}.", nameof(theta));
        var parameters = theta.ToArray();
        // Small games: evaluate the mechanism once per joint action, then simulate by look-up.
        var table = PayoffTable.TryBuild(mechanism, parameters, shape.Agents, shape.Actions);
        return table is null
            ? () => MechanismPayoffs.ForSimulation(mechanism, parameters, shape)
            : () => new TabulatedPayoffs(table, shape);
    }

    /// <summary>
    /// Simulates agents of different learner types: agent <c>i</c> learns by <paramref name="agentRules"/>[i] in every
    /// episode (e.g. Logit-Q at a different α per type), all else as
    /// <see cref="Simulate(IMechanism, ReadOnlySpan{float}, ILearningRule, GameShape, int, int, ulong, int)"/> — with one
    /// rule repeated for every agent the trajectories are the same. Agents are subjects across episodes (docs/formats.md),
    /// so a subject keeps her type in every episode: the data a finite mixture of learner types describes.
    /// </summary>
    public static Trajectories Simulate(IMechanism mechanism, ReadOnlySpan<float> theta, IReadOnlyList<ILearningRule> agentRules, GameShape shape,
        int episodes, int steps, ulong seed, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        ArgumentNullException.ThrowIfNull(agentRules);
        if (agentRules.Count != shape.Agents)
            throw new ArgumentException($"{nameof(agentRules)}: expected one rule per agent ({shape.Agents}), found {agentRules.Count}.", nameof(agentRules));
        CheckArguments(agentRules.Count > 0 ? agentRules[0] : null!, shape, 0, episodes, steps, threads);
        var payoffs = PayoffModels(mechanism, theta, shape);
        return Run(() => new LearnerReplay(payoffs(), agentRules), shape, 0, episodes, steps, seed, threads);
    }

    /// <summary>
    /// Simulates <paramref name="episodes"/> × <paramref name="steps"/> under any payoff model (a fitted mechanism, a
    /// table, a baseline's estimate) with the same procedure and random streams; <paramref name="payoffs"/> is called
    /// once per worker thread (payoff models need not be thread-safe). For a mechanism's
    /// <see cref="MechanismPayoffs"/> the trajectories are those of
    /// <see cref="Simulate(IMechanism, ReadOnlySpan{float}, ILearningRule, GameShape, int, int, ulong, int)"/> (see the remarks for anonymous mechanisms).
    /// </summary>
    public static Trajectories Simulate(Func<IPayoffModel> payoffs, ILearningRule rule, GameShape shape, int episodes, int steps,
        ulong seed, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(payoffs);
        CheckArguments(rule, shape, 0, episodes, steps, threads);
        return Run(payoffs, rule, shape, 0, episodes, steps, seed, threads);
    }

    private static void CheckArguments(ILearningRule rule, GameShape shape, int firstEpisode, int episodes, int steps, int threads)
    {
        if (firstEpisode < 0) throw new ArgumentOutOfRangeException(nameof(firstEpisode), firstEpisode, $"{nameof(firstEpisode)}: expected an index ≥ 0; found {firstEpisode}.");
        ArgumentNullException.ThrowIfNull(rule);
        if (shape.Agents < 1 || shape.Actions < 1)
            throw new ArgumentOutOfRangeException(nameof(shape), shape, $"{nameof(shape)}: expected at least 1 agent and 1 action; found {shape}.");
        if (episodes < 0) throw new ArgumentOutOfRangeException(nameof(episodes), episodes, $"{nameof(episodes)}: expected a count ≥ 0; found {episodes}.");
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, $"{nameof(steps)}: expected at least 1 step; found {steps}.");
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, $"{nameof(threads)}: expected a positive thread count; found {threads}.");
    }

    private static Trajectories Run(Func<IPayoffModel> payoffs, ILearningRule rule, GameShape shape, int firstEpisode, int episodes, int steps,
        ulong seed, int threads) =>
        Run(() => new LearnerReplay(payoffs(), rule), shape, firstEpisode, episodes, steps, seed, threads);

    private static Trajectories Run(Func<LearnerReplay> replays, GameShape shape, int firstEpisode, int episodes, int steps, ulong seed, int threads)
    {
        int n = shape.Agents;
        var actions = new int[checked(episodes * steps * n)];
        Parallel.For(0, episodes, new ParallelOptions { MaxDegreeOfParallelism = threads },
            replays,
            (e, _, replay) =>
            {
                var random = SplitMix64.ForStream(seed, (ulong)(firstEpisode + (int)e));
                var episode = actions.AsSpan((int)e * steps * n, steps * n);
                replay.Reset();
                replay.Draw(ref random, episode[..n]);
                for (int t = 0; t + 1 < steps; t++)
                {
                    replay.Observe(episode.Slice(t * n, n));
                    replay.Draw(ref random, episode.Slice((t + 1) * n, n));
                }
                return replay;
            },
            _ => { });
        return new Trajectories(shape, episodes, steps, actions);
    }
}
