using Diml.Data;

namespace Diml.Simulation;

/// <summary>
/// Generates action trajectories of agents learning under a mechanism (DESIGN §1, "Data generation"):
/// <c>a[0] ~ π(Q0)</c>; for each step, the counterfactual payoffs <c>u[t]</c> of the played joint action,
/// the learner update <c>Q[t+1]</c>, and <c>a[t+1] ~ π(Q[t+1])</c>, each agent independently.
/// </summary>
/// <remarks>
/// Episode <c>e</c> draws all its randomness from its own <see cref="SplitMix64"/> stream derived from
/// (seed, e) and writes only its own slice of the output, so the result is bit-identical whatever the
/// number of threads. Anonymous mechanisms are evaluated once per distinct (own action, opponent counts)
/// per step.
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
        if (firstEpisode < 0) throw new ArgumentOutOfRangeException(nameof(firstEpisode), firstEpisode, $"{nameof(firstEpisode)}: expected an index ≥ 0; found {firstEpisode}.");
        ArgumentNullException.ThrowIfNull(mechanism);
        ArgumentNullException.ThrowIfNull(rule);
        if (shape.Agents < 1 || shape.Actions < 1)
            throw new ArgumentOutOfRangeException(nameof(shape), shape, $"{nameof(shape)}: expected at least 1 agent and 1 action; found {shape}.");
        if (episodes < 0) throw new ArgumentOutOfRangeException(nameof(episodes), episodes, $"{nameof(episodes)}: expected a count ≥ 0; found {episodes}.");
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, $"{nameof(steps)}: expected at least 1 step; found {steps}.");
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, $"{nameof(threads)}: expected a positive thread count; found {threads}.");
        int p = mechanism.Layout.TotalLength;
        if (theta.Length != p)
            throw new ArgumentException($"{nameof(theta)}: expected {p} parameters ({mechanism.Layout}); found {theta.Length}.", nameof(theta));

        int n = shape.Agents;
        var actions = new int[checked(episodes * steps * n)];
        var parameters = theta.ToArray();
        // Small games: evaluate the mechanism once per joint action, then simulate by look-up.
        var table = PayoffTable.TryBuild(mechanism, parameters, shape.Agents, shape.Actions);
        Parallel.For(0, episodes, new ParallelOptions { MaxDegreeOfParallelism = threads },
            () => new EpisodeSimulator(mechanism, parameters, rule, shape, table),
            (e, _, simulator) =>
            {
                simulator.Run(seed, firstEpisode + (int)e, steps, actions.AsSpan((int)e * steps * n, steps * n));
                return simulator;
            },
            _ => { });
        return new Trajectories(shape, episodes, steps, actions);
    }
}
