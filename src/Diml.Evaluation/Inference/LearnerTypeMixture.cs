using Diml.Data;
using Diml.Fitting;

namespace Diml.Evaluation.Inference;

/// <summary>
/// The likelihood of a finite mixture of <c>K</c> learner types (docs/inference.md, "Latent learner types"): one shared
/// mechanism, and each type its own values of the estimated learner parameters. A subject — an agent number, across every
/// episode she plays (docs/formats.md) — is of one type for all her decisions, so her likelihood is the mixture of her
/// whole-path likelihoods, <c>L_s = Σ_k w_k Π_{e,t} π^{(k)}_s[t+1](a[e,t+1,s])</c>, and
/// <c>NLL(θ) = −Σ_s log L_s</c>.
/// </summary>
/// <remarks>
/// <para>θ is <c>[mechanism θ | raw learner values of type 1 | … | type K | v_2 … v_K]</c>: the raw values are those of
/// <see cref="LearnerParameters"/> (α = sigmoid(raw), …), and the weights are <c>w = softmax(0, v_2, …, v_K)</c> (type 1
/// is the reference). The other agents' actions are observed data, so a subject's learner state under type <c>k</c>
/// depends only on her own payoffs from the observed joint actions: <c>log Π π^{(k)}</c> is her own share of the
/// ordinary likelihood at type <c>k</c>'s learner values (<see cref="MinibatchObjective{T}.AgentNll"/>), and the exact
/// gradient is the ordinary one with each subject's decisions weighted by her posterior <c>τ_sk</c>:
/// <c>∇NLL = Σ_k Σ_s τ_sk ∇ℓ_sk</c> for the mechanism and type <c>k</c>'s values, <c>∂NLL/∂v_j = Σ_s (w_j − τ_sj)</c>.</para>
/// <para>The "episodes" of <see cref="EpisodeLikelihood"/> are the <b>subjects</b> here: the clusters of the sandwich and
/// the units a bootstrap would resample. Subjects are the agents with at least one scored decision, in agent order.
/// Each evaluation runs the learner <c>K</c> times forward and, with a gradient, <c>K</c> times forward and back.</para>
/// </remarks>
public sealed class LearnerTypeMixture : EpisodeLikelihood, IDisposable
{
    /// <summary>Episodes evaluated together; bounds the buffers without changing the result beyond summation order.</summary>
    private const int Chunk = 16;

    private readonly MinibatchObjective<double> _objective;
    private readonly Trajectories _data;
    private readonly int _types, _mechanism, _length, _chunk;
    private readonly int[] _subjectAgents;      // subject → agent number
    private readonly int[] _subjectOfAgent;     // agent number → subject, −1 for an agent never scored
    private readonly int[] _scored;             // subject → scored decisions
    private readonly int[][] _subjectEpisodes;  // subject → episodes in which she is scored, increasing
    private readonly string[] _names;
    private readonly double[] _typeTheta, _chunkGradient, _agentWeights;

    /// <summary>
    /// The mixture of <paramref name="types"/> types of <paramref name="learner"/>'s estimated parameters on
    /// <paramref name="data"/>, the mechanism <paramref name="mechanism"/> shared.
    /// </summary>
    public LearnerTypeMixture(IMechanism mechanism, ILearningRule rule, Trajectories data, LearnerParameters learner, int types, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(learner);
        if (learner.Length < 1)
            throw new ArgumentException($"{nameof(learner)}: expected at least one estimated learner parameter (the ones that vary by type), found none.", nameof(learner));
        if (types < 1) throw new ArgumentOutOfRangeException(nameof(types), types, $"{nameof(types)}: expected at least 1 type, found {types}.");
        if (data.Steps < 2) throw new ArgumentOutOfRangeException(nameof(data), data.Steps, $"{nameof(data)}: expected episodes of at least 2 steps, found {data.Steps}.");
        if (data.Episodes < 1) throw new ArgumentOutOfRangeException(nameof(data), data.Episodes, $"{nameof(data)}: expected at least one episode, found none.");
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Mechanism = mechanism;
        Rule = rule;
        Learner = learner;
        _data = data;
        _types = types;
        _mechanism = mechanism.Layout.TotalLength;
        _length = learner.Length;
        _chunk = Math.Min(Chunk, data.Episodes);
        _objective = new MinibatchObjective<double>(mechanism, rule, data.Shape, _chunk, data.Steps, data.Steps, WindowMode.Reference,
            lambda: 0, regularizerSampleCap: 0, threads: Math.Min(threads, _chunk), groupSizes: GroupSizeRule.KernelSizes(mechanism, data),
            learner: learner);

        int n = data.Agents;
        var scoredByAgent = new int[n];
        var episodesByAgent = new List<int>[n];
        for (int i = 0; i < n; i++) episodesByAgent[i] = [];
        for (int e = 0; e < data.Episodes; e++)
            for (int i = 0; i < n; i++)
            {
                int count = 0;
                for (int t = 1; t < data.Steps; t++)
                    if (data.Action(e, t, i) != Trajectories.Absent) count++;
                scoredByAgent[i] += count;
                if (count > 0) episodesByAgent[i].Add(e);
            }
        _subjectOfAgent = new int[n];
        var subjects = new List<int>();
        for (int i = 0; i < n; i++)
        {
            _subjectOfAgent[i] = scoredByAgent[i] > 0 ? subjects.Count : -1;
            if (scoredByAgent[i] > 0) subjects.Add(i);
        }
        if (subjects.Count == 0) throw new ArgumentException($"{nameof(data)}: expected at least one scored decision, found none.", nameof(data));
        _subjectAgents = [.. subjects];
        _scored = _subjectAgents.Select(i => scoredByAgent[i]).ToArray();
        _subjectEpisodes = _subjectAgents.Select(i => episodesByAgent[i].ToArray()).ToArray();

        var learnerNames = MechanismLikelihood.LearnerNames(learner);
        var names = new List<string>(NamesOf(mechanism.Layout));
        for (int k = 0; k < types; k++)
            names.AddRange(learnerNames.Select(name => FormattableString.Invariant($"type{k + 1}.{name}")));
        for (int k = 1; k < types; k++) names.Add(FormattableString.Invariant($"weight.logit[{k + 1}]"));
        _names = [.. names];
        _typeTheta = new double[_mechanism + _length];
        _chunkGradient = new double[_mechanism + _length];
        _agentWeights = new double[_chunk * n];
    }

    /// <summary>The shared mechanism (its own fields are never read or written here).</summary>
    public IMechanism Mechanism { get; }

    /// <summary>The learning rule every type follows, at its own values of the estimated parameters.</summary>
    public ILearningRule Rule { get; }

    /// <summary>Which of the rule's parameters vary by type (the others are the rule's, shared).</summary>
    public LearnerParameters Learner { get; }

    /// <summary>The data.</summary>
    public Trajectories Data => _data;

    /// <summary>Number of types <c>K</c>.</summary>
    public int Types => _types;

    /// <summary>Subjects (the units of the mixture; <see cref="Episodes"/> counts them too).</summary>
    public int Subjects => _subjectAgents.Length;

    /// <summary>The agent number of each subject.</summary>
    public IReadOnlyList<int> SubjectAgents => _subjectAgents;

    /// <summary>Entries of θ that are the mechanism's.</summary>
    public int MechanismParameterCount => _mechanism;

    /// <summary>Raw learner values per type.</summary>
    public int LearnerParameterCount => _length;

    /// <summary>Where type <paramref name="type"/>'s raw learner values start in θ (types numbered from 0).</summary>
    public int TypeOffset(int type)
    {
        if ((uint)type >= (uint)_types) throw new ArgumentOutOfRangeException(nameof(type), type, $"{nameof(type)}: expected a type in 0..{_types - 1}, found {type}.");
        return _mechanism + (type * _length);
    }

    /// <summary>Where the <c>K − 1</c> weight logits <c>v_2 … v_K</c> start in θ.</summary>
    public int WeightOffset => _mechanism + (_types * _length);

    /// <inheritdoc/>
    public override int ParameterCount => _names.Length;

    /// <summary>Subjects: the clusters of this likelihood.</summary>
    public override int Episodes => _subjectAgents.Length;

    /// <inheritdoc/>
    public override IReadOnlyList<string> ParameterNames => _names;

    /// <summary>Scored decisions of subject <paramref name="episode"/> (over all her episodes).</summary>
    public override int ScoredDecisions(int episode) => _scored[episode];

    /// <summary>The mixture weights <c>w = softmax(0, v_2, …, v_K)</c> at θ.</summary>
    public double[] Weights(ReadOnlySpan<double> theta)
    {
        CheckTheta(theta, Span<double>.Empty);
        var w = new double[_types];
        LogWeights(theta, w);
        for (int k = 0; k < _types; k++) w[k] = Math.Exp(w[k]);
        return w;
    }

    /// <summary>
    /// The θ of a mixture: the mechanism's parameters, each type's raw learner values, and the weights (positive; normalised
    /// here) as the logits <c>v_k = log w_k − log w_1</c>.
    /// </summary>
    public double[] Pack(ReadOnlySpan<double> mechanism, IReadOnlyList<double[]> typeRaw, ReadOnlySpan<double> weights)
    {
        ArgumentNullException.ThrowIfNull(typeRaw);
        if (mechanism.Length != _mechanism) throw new ArgumentException($"{nameof(mechanism)}: expected {_mechanism} parameters, found {mechanism.Length}.", nameof(mechanism));
        if (typeRaw.Count != _types) throw new ArgumentException($"{nameof(typeRaw)}: expected {_types} types, found {typeRaw.Count}.", nameof(typeRaw));
        if (weights.Length != _types) throw new ArgumentException($"{nameof(weights)}: expected {_types} weights, found {weights.Length}.", nameof(weights));
        var theta = new double[ParameterCount];
        mechanism.CopyTo(theta);
        for (int k = 0; k < _types; k++)
        {
            if (typeRaw[k].Length != _length)
                throw new ArgumentException($"{nameof(typeRaw)}: expected {_length} raw values per type, found {typeRaw[k].Length} for type {k + 1}.", nameof(typeRaw));
            typeRaw[k].CopyTo(theta, TypeOffset(k));
        }
        for (int k = 0; k < _types; k++)
            if (!(weights[k] > 0) || !double.IsFinite(weights[k]))
                throw new ArgumentOutOfRangeException(nameof(weights), weights[k], $"{nameof(weights)}: expected positive finite weights, found {weights[k]} for type {k + 1}.");
        for (int k = 1; k < _types; k++) theta[WeightOffset + k - 1] = Math.Log(weights[k]) - Math.Log(weights[0]);
        return theta;
    }

    /// <summary>
    /// Each subject's whole-path NLL under each type, <c>ℓ_sk = −Σ log π^{(k)}</c> (<c>[subject, type]</c>), and her
    /// posterior type probabilities <c>τ_sk = w_k e^{−ℓ_sk} / Σ_j w_j e^{−ℓ_sj}</c> at θ.
    /// </summary>
    public (double[,] PathNll, double[,] Posterior) Classify(ReadOnlySpan<double> theta)
    {
        CheckTheta(theta, Span<double>.Empty);
        var all = Enumerable.Range(0, Subjects).ToArray();
        var multiplicity = Multiplicities(all);
        var path = PathNll(theta, multiplicity);
        var posterior = new double[Subjects, _types];
        var logW = new double[_types];
        LogWeights(theta, logW);
        for (int s = 0; s < Subjects; s++) Posterior(path, s, logW, posterior);
        return (path, posterior);
    }

    /// <inheritdoc/>
    public override double Nll(ReadOnlySpan<int> episodes, ReadOnlySpan<double> theta, Span<double> gradient)
    {
        CheckTheta(theta, gradient);
        var multiplicity = Multiplicities(episodes);
        var path = PathNll(theta, multiplicity);
        var logW = new double[_types];
        LogWeights(theta, logW);
        var posterior = new double[Subjects, _types];
        double nll = 0;
        for (int s = 0; s < Subjects; s++)
        {
            if (multiplicity[s] == 0) continue;
            nll -= multiplicity[s] * Posterior(path, s, logW, posterior);
        }
        if (gradient.IsEmpty) return nll;

        gradient.Clear();
        int n = _data.Agents;
        var episodeList = EpisodesOf(multiplicity);
        for (int k = 0; k < _types; k++)
        {
            TypeTheta(theta, k);
            int offset = TypeOffset(k);
            for (int first = 0; first < episodeList.Length; first += _chunk)
            {
                var part = episodeList.AsSpan(first, Math.Min(_chunk, episodeList.Length - first));
                var weights = _agentWeights.AsSpan(0, part.Length * n);
                for (int b = 0; b < part.Length; b++)
                    for (int i = 0; i < n; i++)
                    {
                        int s = _subjectOfAgent[i];
                        weights[(b * n) + i] = s < 0 ? 0 : multiplicity[s] * posterior[s, k];
                    }
                _objective.Evaluate(_data, part, 0, _typeTheta, _chunkGradient, weights);
                // The objective's gradient is of the weighted NLL averaged over the chunk's episodes: scale back to the sum.
                for (int j = 0; j < _mechanism; j++) gradient[j] += _chunkGradient[j] * part.Length;
                for (int j = 0; j < _length; j++) gradient[offset + j] += _chunkGradient[_mechanism + j] * part.Length;
            }
        }
        var w = new double[_types];
        for (int k = 0; k < _types; k++) w[k] = Math.Exp(logW[k]);
        for (int k = 1; k < _types; k++)
        {
            double g = 0;
            for (int s = 0; s < Subjects; s++)
                if (multiplicity[s] != 0) g += multiplicity[s] * (w[k] - posterior[s, k]);
            gradient[WeightOffset + k - 1] = g;
        }
        return nll;
    }

    /// <summary>Stops the objective's worker threads.</summary>
    public void Dispose() => _objective.Dispose();

    /// <summary>How often each subject is listed (a bootstrap resample lists some twice).</summary>
    private int[] Multiplicities(ReadOnlySpan<int> subjects)
    {
        var multiplicity = new int[Subjects];
        foreach (int s in subjects)
        {
            if ((uint)s >= (uint)Subjects)
                throw new ArgumentOutOfRangeException(nameof(subjects), s, $"{nameof(subjects)}: expected subjects in 0..{Subjects - 1}, found {s}.");
            multiplicity[s]++;
        }
        return multiplicity;
    }

    /// <summary>The episodes in which a listed subject is scored, increasing.</summary>
    private int[] EpisodesOf(int[] multiplicity)
    {
        var used = new bool[_data.Episodes];
        for (int s = 0; s < Subjects; s++)
            if (multiplicity[s] != 0)
                foreach (int e in _subjectEpisodes[s]) used[e] = true;
        return Enumerable.Range(0, _data.Episodes).Where(e => used[e]).ToArray();
    }

    /// <summary><c>ℓ_sk</c> of the listed subjects (zero for the others).</summary>
    private double[,] PathNll(ReadOnlySpan<double> theta, int[] multiplicity)
    {
        var path = new double[Subjects, _types];
        int n = _data.Agents;
        var episodeList = EpisodesOf(multiplicity);
        for (int k = 0; k < _types; k++)
        {
            TypeTheta(theta, k);
            for (int first = 0; first < episodeList.Length; first += _chunk)
            {
                var part = episodeList.AsSpan(first, Math.Min(_chunk, episodeList.Length - first));
                _objective.Evaluate(_data, part, 0, _typeTheta, Span<double>.Empty);
                var agentNll = _objective.AgentNll;
                for (int b = 0; b < part.Length; b++)
                    for (int i = 0; i < n; i++)
                    {
                        int s = _subjectOfAgent[i];
                        if (s >= 0 && multiplicity[s] != 0) path[s, k] += agentNll[(b * n) + i];
                    }
            }
        }
        return path;
    }

    /// <summary>Writes subject <paramref name="s"/>'s posterior and returns her log-likelihood <c>log L_s</c> (a stable log-sum-exp).</summary>
    private double Posterior(double[,] path, int s, double[] logW, double[,] posterior)
    {
        double largest = double.NegativeInfinity;
        for (int k = 0; k < _types; k++) largest = Math.Max(largest, logW[k] - path[s, k]);
        double sum = 0;
        for (int k = 0; k < _types; k++) sum += Math.Exp(logW[k] - path[s, k] - largest);
        double logL = largest + Math.Log(sum);
        for (int k = 0; k < _types; k++) posterior[s, k] = Math.Exp(logW[k] - path[s, k] - logL);
        return logL;
    }

    /// <summary><c>log w = v − logsumexp(v)</c>, <c>v = (0, v_2, …, v_K)</c>.</summary>
    private void LogWeights(ReadOnlySpan<double> theta, Span<double> logW)
    {
        double largest = 0;
        for (int k = 1; k < _types; k++) largest = Math.Max(largest, theta[WeightOffset + k - 1]);
        double sum = Math.Exp(-largest);
        for (int k = 1; k < _types; k++) sum += Math.Exp(theta[WeightOffset + k - 1] - largest);
        double log = largest + Math.Log(sum);
        logW[0] = -log;
        for (int k = 1; k < _types; k++) logW[k] = theta[WeightOffset + k - 1] - log;
    }

    /// <summary>Type <paramref name="type"/>'s vector for the objective: <c>[mechanism θ | its raw learner values]</c>.</summary>
    private void TypeTheta(ReadOnlySpan<double> theta, int type)
    {
        theta[.._mechanism].CopyTo(_typeTheta);
        theta.Slice(TypeOffset(type), _length).CopyTo(_typeTheta.AsSpan(_mechanism));
    }
}
