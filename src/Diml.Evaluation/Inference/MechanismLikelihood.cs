using Diml.Data;
using Diml.Fitting;

namespace Diml.Evaluation.Inference;

/// <summary>
/// The exact whole-episode NLL of a mechanism's parameters under a learning rule with known hyperparameters, in double:
/// the fitting objective (<see cref="MinibatchObjective{T}"/>) with a window of the whole episode, <c>Q</c> from
/// <c>Q0</c> at <c>t = 0</c> and no regularizer, so that <c>NLL_e(θ) = −Σ_t Σ_i log π_i[t+1](a[e,t+1,i])</c>
/// (DESIGN §1) and its gradient is exact (reverse mode through the learner and the generated double mechanism adjoint).
/// Groups and absent agents are scored as the fit scores them. With <see cref="LearnerParameters"/>, θ is
/// <c>[mechanism θ | raw learner values]</c>, as in the fit: the learner's estimated parameters enter on their raw
/// (unconstrained) scale, named <c>learner.alpha</c> and so on.
/// </summary>
/// <remarks>Not thread-safe: one instance per thread (the bootstrap builds one per worker).</remarks>
public sealed class MechanismLikelihood : EpisodeLikelihood, IDisposable
{
    /// <summary>Episodes evaluated together; bounds the buffers without changing the result beyond summation order.</summary>
    private const int Chunk = 16;

    private readonly MinibatchObjective<double> _objective;
    private readonly Trajectories _data;
    private readonly int[] _scored;
    private readonly double[] _chunkGradient;
    private readonly string[] _names;
    private readonly int _chunk;

    /// <summary>The likelihood of <paramref name="data"/> as a function of <paramref name="mechanism"/>'s parameters.</summary>
    public MechanismLikelihood(IMechanism mechanism, ILearningRule rule, Trajectories data, int threads = 1, LearnerParameters? learner = null)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Steps < 2) throw new ArgumentOutOfRangeException(nameof(data), data.Steps, $"{nameof(data)}: expected episodes of at least 2 steps, found {data.Steps}.");
        if (data.Episodes < 1) throw new ArgumentOutOfRangeException(nameof(data), data.Episodes, $"{nameof(data)}: expected at least one episode, found none.");
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Mechanism = mechanism;
        Rule = rule;
        _data = data;
        _chunk = Math.Min(Chunk, data.Episodes);
        _objective = new MinibatchObjective<double>(mechanism, rule, data.Shape, _chunk, data.Steps, data.Steps, WindowMode.Reference,
            lambda: 0, regularizerSampleCap: 0, threads: Math.Min(threads, _chunk), groupSizes: GroupSizeRule.KernelSizes(mechanism, data),
            learner: learner);
        Learner = learner is { Length: > 0 } ? learner : null;
        _names = [.. NamesOf(mechanism.Layout), .. LearnerNames(Learner)];
        _chunkGradient = new double[_names.Length];
        _scored = new int[data.Episodes];
        for (int e = 0; e < data.Episodes; e++)
            for (int t = 1; t < data.Steps; t++)
                for (int i = 0; i < data.Agents; i++)
                    if (data.Action(e, t, i) != Trajectories.Absent) _scored[e]++;
    }

    /// <summary>The mechanism whose parameters θ are (its own fields are never read or written here).</summary>
    public IMechanism Mechanism { get; }

    /// <summary>The learner parameters estimated with the mechanism (the last entries of θ, raw scale), or null.</summary>
    public LearnerParameters? Learner { get; }

    /// <summary>Entries of θ that are the mechanism's (the rest are raw learner values).</summary>
    public int MechanismParameterCount => Mechanism.Layout.TotalLength;

    /// <summary>The names of a learner's raw values in θ: <c>learner.alpha</c>, <c>learner.q0[2]</c>.</summary>
    public static string[] LearnerNames(LearnerParameters? learner)
    {
        if (learner is null) return [];
        return [.. learner.ValueNames.Select(name => "learner." + name)];
    }

    /// <summary>The learning rule the agents are assumed to follow.</summary>
    public ILearningRule Rule { get; }

    /// <summary>The data.</summary>
    public Trajectories Data => _data;

    /// <inheritdoc/>
    public override int ParameterCount => _names.Length;

    /// <inheritdoc/>
    public override int Episodes => _data.Episodes;

    /// <inheritdoc/>
    public override IReadOnlyList<string> ParameterNames => _names;

    /// <inheritdoc/>
    public override int ScoredDecisions(int episode) => _scored[episode];

    /// <inheritdoc/>
    public override double Nll(ReadOnlySpan<int> episodes, ReadOnlySpan<double> theta, Span<double> gradient)
    {
        CheckTheta(theta, gradient);
        foreach (int e in episodes)
            if ((uint)e >= (uint)_data.Episodes)
                throw new ArgumentOutOfRangeException(nameof(episodes), e, $"{nameof(episodes)}: expected episodes in 0..{_data.Episodes - 1}, found {e}.");
        bool wantGradient = !gradient.IsEmpty;
        if (wantGradient) gradient.Clear();
        double nll = 0;
        for (int first = 0; first < episodes.Length; first += _chunk)
        {
            var part = episodes.Slice(first, Math.Min(_chunk, episodes.Length - first));
            var loss = _objective.Evaluate(_data, part, 0, theta, wantGradient ? _chunkGradient : Span<double>.Empty);
            nll += loss.NegativeLogLikelihood;
            if (!wantGradient) continue;
            // The objective's gradient is of the NLL averaged over the chunk's episodes: scale back to the sum.
            for (int j = 0; j < gradient.Length; j++) gradient[j] += _chunkGradient[j] * part.Length;
        }
        return nll;
    }

    /// <summary>Stops the objective's worker threads.</summary>
    public void Dispose() => _objective.Dispose();
}
