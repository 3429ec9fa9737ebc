using System.Collections.ObjectModel;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Diml.Data;

/// <summary>
/// Observed play: <see cref="Episodes"/> episodes of <see cref="Steps"/> steps, one action per agent per step,
/// <c>a[e, t, i] ∈ {0..A-1}</c>. Immutable once built.
/// </summary>
/// <remarks>
/// The actions are stored flat and row-major, index <c>(e·T + t)·n + i</c>, in one array: the learner dynamics read
/// a joint action per step, and <see cref="Step"/> hands it out as a contiguous span with no copying.
/// </remarks>
public sealed class Trajectories
{
    private static readonly IReadOnlyDictionary<string, string> NoMetadata =
        new ReadOnlyDictionary<string, string>(new Dictionary<string, string>(StringComparer.Ordinal));

    private readonly int[] _actions;
    private readonly int _stepStride;     // n: ints per step
    private readonly int _episodeStride;  // T·n: ints per episode
    private string? _fingerprint;         // computed once; the content never changes

    /// <summary>
    /// Creates trajectories from actions laid out flat and row-major as <c>[e, t, i]</c> (copied), checking that
    /// the length is <c>episodes · steps · shape.Agents</c> and every action is in <c>0..shape.Actions-1</c>.
    /// </summary>
    /// <param name="shape">Agents and actions of the game.</param>
    /// <param name="episodes">Number of episodes, at least 1.</param>
    /// <param name="steps">Steps per episode, at least 1.</param>
    /// <param name="actions">The actions, index <c>(e·steps + t)·agents + i</c>.</param>
    /// <param name="metadata">Free-form string facts about the data (seed, generating mechanism, ...); copied. Not part of <see cref="Fingerprint"/>.</param>
    /// <exception cref="ArgumentException">A count, the length or an action is out of range, or the shape is <c>default</c>.</exception>
    public Trajectories(GameShape shape, int episodes, int steps, ReadOnlySpan<int> actions, IReadOnlyDictionary<string, string>? metadata = null)
        : this(shape, episodes, steps, actions.ToArray(), metadata, validate: true)
    {
    }

    /// <summary>Takes ownership of <paramref name="actions"/> (no copy); for the reader and for slicing, which build fresh arrays.</summary>
    internal Trajectories(GameShape shape, int episodes, int steps, int[] actions, IReadOnlyDictionary<string, string>? metadata, bool validate)
    {
        if (shape.Agents < 1) ThrowHelper.ThrowArgument(nameof(shape), "a valid GameShape (at least 1 agent, 2 actions)", shape);
        if (episodes < 1) ThrowHelper.ThrowArgumentOutOfRange(nameof(episodes), "at least 1 episode", episodes);
        if (steps < 1) ThrowHelper.ThrowArgumentOutOfRange(nameof(steps), "at least 1 step", steps);
        long length = (long)episodes * steps * shape.Agents;
        if (length > Array.MaxLength)
            ThrowHelper.ThrowArgument(nameof(episodes), string.Create(CultureInfo.InvariantCulture,
                $"episodes x steps x agents at most {Array.MaxLength}"), string.Create(CultureInfo.InvariantCulture, $"{episodes} x {steps} x {shape.Agents} = {length}"));
        if (actions.Length != length)
            ThrowHelper.ThrowArgument(nameof(actions), string.Create(CultureInfo.InvariantCulture,
                $"{length} actions ({episodes} episodes x {steps} steps x {shape.Agents} agents)"), string.Create(CultureInfo.InvariantCulture, $"{actions.Length}"));
        if (validate) CheckActionsInRange(actions, shape, steps);

        Shape = shape;
        Episodes = episodes;
        Steps = steps;
        _actions = actions;
        _stepStride = shape.Agents;
        _episodeStride = steps * shape.Agents;
        Metadata = metadata is null || metadata.Count == 0
            ? NoMetadata
            : new ReadOnlyDictionary<string, string>(new Dictionary<string, string>(metadata, StringComparer.Ordinal));
    }

    /// <summary>The game's agents and actions.</summary>
    public GameShape Shape { get; }

    /// <summary>Number of agents <c>n</c> (same as <c>Shape.Agents</c>): the length of one joint action.</summary>
    public int Agents => _stepStride;

    /// <summary>Number of episodes <c>E</c>.</summary>
    public int Episodes { get; }

    /// <summary>Steps per episode <c>T</c> (every episode has the same length).</summary>
    public int Steps { get; }

    /// <summary>Free-form string facts about the data (read-only, ordinal keys; empty when there are none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>All actions, flat and row-major <c>[e, t, i]</c>: <c>E·T·n</c> ints.</summary>
    public ReadOnlySpan<int> AsSpan() => _actions;

    /// <summary>The <c>T·n</c> actions of episode <paramref name="episode"/>, row-major <c>[t, i]</c>.</summary>
    public ReadOnlySpan<int> Episode(int episode)
    {
        if ((uint)episode >= (uint)Episodes) ThrowHelper.ThrowIndexOutOfRange(nameof(episode), Episodes, episode);
        return new ReadOnlySpan<int>(_actions, episode * _episodeStride, _episodeStride);
    }

    /// <summary>The joint action (one action per agent, <c>n</c> ints) played at step <paramref name="t"/> of episode <paramref name="episode"/>.</summary>
    public ReadOnlySpan<int> Step(int episode, int t)
    {
        if ((uint)episode >= (uint)Episodes) ThrowHelper.ThrowIndexOutOfRange(nameof(episode), Episodes, episode);
        // Checked separately because an out-of-range t would otherwise silently read a neighbouring episode.
        if ((uint)t >= (uint)Steps) ThrowHelper.ThrowIndexOutOfRange(nameof(t), Steps, t);
        return new ReadOnlySpan<int>(_actions, episode * _episodeStride + t * _stepStride, _stepStride);
    }

    /// <summary>The action of agent <paramref name="agent"/> at step <paramref name="t"/> of episode <paramref name="episode"/>.</summary>
    public int Action(int episode, int t, int agent)
    {
        if ((uint)agent >= (uint)_stepStride) ThrowHelper.ThrowIndexOutOfRange(nameof(agent), _stepStride, agent);
        return Step(episode, t)[agent];
    }

    /// <summary>
    /// Splits the episodes in order: the first <c>⌊trainFraction · E⌋</c> are the training set, the rest the test set
    /// (DESIGN §1: "80/20 split of episodes, first 80% train"; truncation matches the reference's <c>int(0.8·E)</c>).
    /// Metadata is carried to both parts.
    /// </summary>
    /// <param name="trainFraction">Fraction of episodes for training, strictly between 0 and 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">The fraction is not in (0, 1), or leaves either part without episodes.</exception>
    public (Trajectories Train, Trajectories Test) Split(double trainFraction = 0.8)
    {
        if (!(trainFraction > 0 && trainFraction < 1))
            ThrowHelper.ThrowArgumentOutOfRange(nameof(trainFraction), "a fraction strictly between 0 and 1", trainFraction.ToString("R", CultureInfo.InvariantCulture));
        int train = (int)(trainFraction * Episodes);
        if (train < 1 || train >= Episodes)
            ThrowHelper.ThrowArgumentOutOfRange(nameof(trainFraction), string.Create(CultureInfo.InvariantCulture,
                    $"a fraction leaving at least 1 training and 1 test episode out of {Episodes}"),
                string.Create(CultureInfo.InvariantCulture, $"{trainFraction:R} (giving {train} training episodes)"));
        return (SelectEpisodes(0, train), SelectEpisodes(train, Episodes - train));
    }

    /// <summary>The <paramref name="count"/> consecutive episodes starting at <paramref name="start"/>, as new trajectories (metadata carried over).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is empty or runs past the last episode.</exception>
    public Trajectories SelectEpisodes(int start, int count)
    {
        if ((uint)start >= (uint)Episodes) ThrowHelper.ThrowIndexOutOfRange(nameof(start), Episodes, start);
        if (count < 1 || count > Episodes - start)
            ThrowHelper.ThrowArgumentOutOfRange(nameof(count), string.Create(CultureInfo.InvariantCulture, $"a count in 1..{Episodes - start} (episodes from {start})"), count);
        int[] actions = _actions.AsSpan(start * _episodeStride, count * _episodeStride).ToArray();
        return new Trajectories(Shape, count, Steps, actions, Metadata, validate: false);
    }

    /// <summary>
    /// The listed episodes, in the order listed, as new trajectories (metadata carried over). An episode may be listed
    /// more than once (bootstrap resampling).
    /// </summary>
    /// <exception cref="ArgumentException">The list is empty or names an episode out of range.</exception>
    public Trajectories SelectEpisodes(ReadOnlySpan<int> episodes)
    {
        if (episodes.IsEmpty) ThrowHelper.ThrowArgument(nameof(episodes), "at least one episode index", "an empty list");
        long length = (long)episodes.Length * _episodeStride;
        if (length > Array.MaxLength)
            ThrowHelper.ThrowArgument(nameof(episodes), string.Create(CultureInfo.InvariantCulture, $"at most {Array.MaxLength / _episodeStride} episodes"), episodes.Length);
        int[] actions = new int[length];
        for (int k = 0; k < episodes.Length; k++)
        {
            int e = episodes[k];
            if ((uint)e >= (uint)Episodes)
                ThrowHelper.ThrowArgumentOutOfRange(nameof(episodes), string.Create(CultureInfo.InvariantCulture, $"episode indices in 0..{Episodes - 1}"),
                    string.Create(CultureInfo.InvariantCulture, $"{e} at position {k}"));
            _actions.AsSpan(e * _episodeStride, _episodeStride).CopyTo(actions.AsSpan(k * _episodeStride));
        }
        return new Trajectories(Shape, episodes.Length, Steps, actions, Metadata, validate: false);
    }

    /// <summary>
    /// A stable fingerprint of the content: lowercase hex SHA-256 over a format tag, the agents, actions, episodes and
    /// steps, and every action, all as little-endian 32-bit integers. Metadata is not included. Fitted models record
    /// it, so a model can be checked against the data it was fitted to; the value never changes across versions,
    /// platforms or processes for the same content.
    /// </summary>
    public string Fingerprint()
    {
        if (_fingerprint is not null) return _fingerprint;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData("diml.trajectories.v1"u8);
        Span<int> header = [Shape.Agents, Shape.Actions, Episodes, Steps];
        AppendLittleEndian(hash, header);
        AppendLittleEndian(hash, _actions);
        return _fingerprint = Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// Whether <paramref name="other"/> has the same shape, episodes, steps and actions (metadata is ignored, as in
    /// <see cref="Fingerprint"/>).
    /// </summary>
    public bool ContentEquals(Trajectories? other) =>
        other is not null && Shape == other.Shape && Episodes == other.Episodes && Steps == other.Steps
        && _actions.AsSpan().SequenceEqual(other._actions);

    /// <summary>A readable summary such as <c>16 episodes x 25 steps, 300 agents x 40 actions</c>.</summary>
    public override string ToString() => $"{Diml.IO.MessageText.Count(Episodes, "episode")} x {Diml.IO.MessageText.Count(Steps, "step")}, {Shape}";

    private static void AppendLittleEndian(IncrementalHash hash, ReadOnlySpan<int> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            hash.AppendData(MemoryMarshal.AsBytes(values));
            return;
        }
        // Big-endian hosts byte-swap so the fingerprint is the same on every platform.
        Span<byte> buffer = stackalloc byte[4];
        foreach (int value in values)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(buffer, value);
            hash.AppendData(buffer);
        }
    }

    private static void CheckActionsInRange(ReadOnlySpan<int> actions, GameShape shape, int steps)
    {
        uint limit = (uint)shape.Actions;
        for (int k = 0; k < actions.Length; k++)
        {
            // One unsigned compare catches negatives too.
            if ((uint)actions[k] >= limit)
            {
                int agent = k % shape.Agents, step = k / shape.Agents % steps, episode = k / shape.Agents / steps;
                ThrowHelper.ThrowArgumentOutOfRange(nameof(actions), string.Create(CultureInfo.InvariantCulture, $"actions in 0..{shape.Actions - 1}"),
                    string.Create(CultureInfo.InvariantCulture, $"{actions[k]} at episode {episode}, t {step}, agent {agent}"));
            }
        }
    }
}
