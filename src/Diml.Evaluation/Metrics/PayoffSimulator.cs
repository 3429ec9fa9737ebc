using Diml.Data;
using Diml.Simulation;

namespace Diml.Evaluation;

/// <summary>
/// Simulates learners under any <see cref="IMechanismPayoffs"/> (a fitted mechanism, a payoff table, a baseline's
/// estimate) with the procedure and random streams of <see cref="Simulator"/>: episode <c>e</c> draws from
/// <c>SplitMix64.ForStream(seed, e)</c>, so for a mechanism's payoffs (<see cref="MechanismPayoffs"/>) the
/// trajectories are identical to <see cref="Simulator.Simulate"/>'s, and any thread count gives the same result.
/// </summary>
public static class PayoffSimulator
{
    /// <summary>
    /// Simulates <paramref name="episodes"/> × <paramref name="steps"/>; <paramref name="payoffs"/> is called once per
    /// worker thread (payoffs need not be thread-safe).
    /// </summary>
    public static Trajectories Simulate(Func<IMechanismPayoffs> payoffs, ILearningRule rule, GameShape shape, int episodes, int steps,
        ulong seed, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(payoffs);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentOutOfRangeException.ThrowIfLessThan(episodes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        int n = shape.Agents;
        var actions = new int[checked(episodes * steps * n)];
        Parallel.For(0, episodes, new ParallelOptions { MaxDegreeOfParallelism = threads },
            () => new LearnerReplay(payoffs(), rule),
            (e, _, replay) =>
            {
                var random = SplitMix64.ForStream(seed, (ulong)e);
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
