using System.Collections.ObjectModel;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Diml.Data;

/// <summary>
/// Observed play: <see cref="Episodes"/> episodes (sessions) of up to <see cref="Steps"/> steps of <see cref="Agents"/>
/// agents, <c>a[e, t, i] ∈ {0..A-1}</c>, or <see cref="Absent"/> when agent <c>i</c> does not act at step <c>t</c>. At each
/// step the acting agents are partitioned into groups (<see cref="Groups"/>), which may change from step to step; an
/// agent's payoff depends on its own group's actions only. Without groups and absences (<see cref="IsFullPlay"/>) every
/// agent acts at every step in one group of all agents. Immutable once built.
/// </summary>
/// <remarks>
/// The actions are stored flat and row-major, index <c>(e·T + t)·n + i</c>, in one array: the learner dynamics read
/// a joint action per step, and <see cref="Step"/> hands it out as a contiguous span with no copying. Episodes shorter
/// than <see cref="Steps"/> (unbalanced panels) and agents outside an episode's session are absent at those cells.
/// </remarks>
public sealed class Trajectories
{
    private static readonly IReadOnlyDictionary<string, string> NoMetadata =
        new ReadOnlyDictionary<string, string>(new Dictionary<string, string>(StringComparer.Ordinal));

    private readonly int[] _actions;
    private readonly int _stepStride;     // n: ints per step
    private readonly int _episodeStride;  // T·n: ints per episode
    private readonly GroupStructure? _grouping; // null: one group of all agents at every step, nobody absent
    private StepGroupsOfAll? _all;              // the one group of all agents, built on first use
    private string? _fingerprint;         // computed once; the content never changes

    /// <summary>The action (and group) of an agent that does not act at a step.</summary>
    public const int Absent = -1;

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

    /// <summary>
    /// Creates trajectories with groups and absent agents: <paramref name="actions"/> as in
    /// <see cref="Trajectories(GameShape, int, int, ReadOnlySpan{int}, IReadOnlyDictionary{string, string}?)"/> but
    /// <see cref="Absent"/> where an agent does not act, and <paramref name="groups"/> one non-negative group label per
    /// cell (the agents of a step with the same label form a group), <see cref="Absent"/> exactly where the action is.
    /// Data that turn out to have one group per step and nobody absent are the same as data built without groups.
    /// </summary>
    /// <exception cref="ArgumentException">A count, a length, an action or a label is out of range, or a label and its action disagree about absence.</exception>
    public Trajectories(GameShape shape, int episodes, int steps, ReadOnlySpan<int> actions, ReadOnlySpan<int> groups,
        IReadOnlyDictionary<string, string>? metadata = null)
        : this(shape, episodes, steps, actions.ToArray(), metadata, validate: true, CheckedLabels(actions, groups, shape), source: null)
    {
    }

    /// <summary>Takes ownership of <paramref name="actions"/> (no copy); for the reader and for slicing, which build fresh arrays.</summary>
    internal Trajectories(GameShape shape, int episodes, int steps, int[] actions, IReadOnlyDictionary<string, string>? metadata, bool validate,
        int[]? groupLabels = null, string? source = null, int? groupColumn = null)
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
        if (validate) CheckActionsInRange(actions, shape, steps, absentAllowed: groupLabels is not null);
        if (groupLabels is not null)
        {
            var grouping = GroupStructure.Build(shape.Agents, steps, actions, groupLabels);
            // One group of everyone at every step is the plain case: it must behave (and fingerprint) exactly as such.
            if (grouping.HasGroups || grouping.HasAbsences) _grouping = grouping;
        }
        Source = source;
        GroupColumn = groupColumn;

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

    /// <summary>The file the data were read from (for messages); null when built in memory.</summary>
    public string? Source { get; }

    /// <summary>1-based column of <c>group</c> in the file read, for messages; null when unknown.</summary>
    public int? GroupColumn { get; }

    /// <summary>Whether some step has more than one group.</summary>
    public bool HasGroups => _grouping?.HasGroups ?? false;

    /// <summary>Whether some agent does not act at some step (absent agents, unbalanced panels).</summary>
    public bool HasAbsences => _grouping?.HasAbsences ?? false;

    /// <summary>Whether every agent acts at every step in one group of all agents: the data of a file without groups.</summary>
    public bool IsFullPlay => _grouping is null;

    /// <summary>The distinct group sizes, increasing (<c>[n]</c> when <see cref="IsFullPlay"/>).</summary>
    public IReadOnlyList<int> GroupSizes => _grouping?.GroupSizes ?? [Agents];

    /// <summary>Whether agent <paramref name="agent"/> acts at step <paramref name="t"/> of episode <paramref name="episode"/>.</summary>
    public bool IsPresent(int episode, int t, int agent) => Action(episode, t, agent) != Absent;

    /// <summary>The groups of step <paramref name="t"/> of episode <paramref name="episode"/>.</summary>
    public StepGroups Groups(int episode, int t)
    {
        if ((uint)episode >= (uint)Episodes) ThrowHelper.ThrowIndexOutOfRange(nameof(episode), Episodes, episode);
        if ((uint)t >= (uint)Steps) ThrowHelper.ThrowIndexOutOfRange(nameof(t), Steps, t);
        if (_grouping is not null) return _grouping.Step(episode, t);
        var all = _all ??= new StepGroupsOfAll(Agents);
        return all.Groups;
    }

    /// <summary>
    /// Refuses data with groups or absent agents in a path that does not take them yet (<paramref name="what"/> names it),
    /// so that such data are never silently treated as one group of all agents: a <see cref="DataFormatException"/>
    /// naming the file, the column and the first step concerned.
    /// </summary>
    /// <exception cref="DataFormatException">The data have groups or absent agents.</exception>
    public void RequireFullPlay(string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(what);
        if (_grouping is null) return;
        if (_grouping.FirstGroupedStep() is var (e, t, groups))
            throw new DataFormatException(Source, null, "group", GroupColumn, $"{what} does not take data with groups yet",
                "one group of all agents at every step (a file without a 'group' column)",
                string.Create(CultureInfo.InvariantCulture, $"{groups} groups at episode {e}, t {t}"));
        var (ae, at, agent) = _grouping.FirstAbsence()!.Value;
        throw new DataFormatException(Source, null, "agent", null, $"{what} does not take absent agents yet",
            "a row for every agent at every step",
            string.Create(CultureInfo.InvariantCulture, $"no row for agent {agent} at episode {ae}, t {at}"));
    }

    /// <summary>
    /// The first group whose size <paramref name="rejects"/> refuses, as (episode, t, group label, size); null when every
    /// group passes. For the runtime's located errors about group sizes a mechanism cannot take.
    /// </summary>
    public (int Episode, int T, int Label, int Size)? FirstGroupOfSize(Func<int, bool> rejects)
    {
        ArgumentNullException.ThrowIfNull(rejects);
        if (_grouping is null) return rejects(Agents) ? (0, 0, 0, Agents) : null;
        return _grouping.FirstGroupOfSize(rejects);
    }

    /// <summary>The group label of every cell, <c>[e, t, i]</c> (<see cref="Absent"/> where absent); empty when <see cref="IsFullPlay"/>.</summary>
    public ReadOnlySpan<int> GroupLabels => _grouping is null ? ReadOnlySpan<int>.Empty : _grouping.CellLabels;

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
        if (_grouping is null) return new Trajectories(Shape, count, Steps, actions, Metadata, validate: false, source: Source);
        int[] list = Enumerable.Range(start, count).ToArray();
        return new Trajectories(Shape, count, Steps, actions, Metadata, validate: false, _grouping.SelectLabels(list), Source, GroupColumn);
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
        if (_grouping is null) return new Trajectories(Shape, episodes.Length, Steps, actions, Metadata, validate: false, source: Source);
        return new Trajectories(Shape, episodes.Length, Steps, actions, Metadata, validate: false, _grouping.SelectLabels(episodes), Source, GroupColumn);
    }

    /// <summary>
    /// The same data (groups, absences, metadata and source included) in a game with <paramref name="actions"/> actions,
    /// at least as many as now: for data that do not use the top actions of their game.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer actions than the data's game, or more than <see cref="GameShape.MaxActions"/>.</exception>
    public Trajectories WithActionCount(int actions)
    {
        if (actions < Shape.Actions) ThrowHelper.ThrowArgumentOutOfRange(nameof(actions), string.Create(CultureInfo.InvariantCulture, $"at least the {Shape.Actions} actions of the data"), actions);
        var shape = new GameShape(Agents, actions);
        return new Trajectories(shape, Episodes, Steps, _actions, Metadata, validate: false, _grouping?.CellLabels.ToArray(), Source, GroupColumn);
    }

    /// <summary>
    /// A stable fingerprint of the content: lowercase hex SHA-256 over a format tag, the agents, actions, episodes and
    /// steps, and every action, all as little-endian 32-bit integers; data with groups or absent agents use the tag
    /// <c>diml.trajectories.v2</c> and add every cell's group (numbered by lowest agent at each step, −1 where absent), so
    /// renaming group labels does not change it. Metadata is not included. Fitted models record
    /// it, so a model can be checked against the data it was fitted to; the value never changes across versions,
    /// platforms or processes for the same content.
    /// </summary>
    public string Fingerprint()
    {
        if (_fingerprint is not null) return _fingerprint;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(_grouping is null ? "diml.trajectories.v1"u8 : "diml.trajectories.v2"u8);
        Span<int> header = [Shape.Agents, Shape.Actions, Episodes, Steps];
        AppendLittleEndian(hash, header);
        AppendLittleEndian(hash, _actions);
        if (_grouping is not null) AppendLittleEndian(hash, _grouping.CellGroups);
        return _fingerprint = Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// Whether <paramref name="other"/> has the same shape, episodes, steps and actions (metadata is ignored, as in
    /// <see cref="Fingerprint"/>).
    /// </summary>
    public bool ContentEquals(Trajectories? other) =>
        other is not null && Shape == other.Shape && Episodes == other.Episodes && Steps == other.Steps
        && _actions.AsSpan().SequenceEqual(other._actions)
        && (_grouping is null ? other._grouping is null : other._grouping is not null && _grouping.CellGroups.SequenceEqual(other._grouping.CellGroups));

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

    private static void CheckActionsInRange(ReadOnlySpan<int> actions, GameShape shape, int steps, bool absentAllowed)
    {
        uint limit = (uint)shape.Actions;
        for (int k = 0; k < actions.Length; k++)
        {
            // One unsigned compare catches negatives too.
            if ((uint)actions[k] >= limit && !(absentAllowed && actions[k] == Absent))
            {
                int agent = k % shape.Agents, step = k / shape.Agents % steps, episode = k / shape.Agents / steps;
                ThrowHelper.ThrowArgumentOutOfRange(nameof(actions), string.Create(CultureInfo.InvariantCulture,
                        $"actions in 0..{shape.Actions - 1}{(absentAllowed ? " or Absent (-1)" : "")}"),
                    string.Create(CultureInfo.InvariantCulture, $"{actions[k]} at episode {episode}, t {step}, agent {agent}"));
            }
        }
    }

    private static int[] CheckedLabels(ReadOnlySpan<int> actions, ReadOnlySpan<int> groups, GameShape shape)
    {
        if (groups.Length != actions.Length)
            ThrowHelper.ThrowArgument(nameof(groups), string.Create(CultureInfo.InvariantCulture, $"one group label per action ({actions.Length})"), groups.Length);
        for (int k = 0; k < groups.Length; k++)
        {
            bool absent = actions[k] == Absent;
            if (absent != (groups[k] == Absent) || groups[k] < Absent)
                ThrowHelper.ThrowArgument(nameof(groups), "a non-negative label where the agent acts and Absent (-1) exactly where it does not",
                    string.Create(CultureInfo.InvariantCulture, $"label {groups[k]} for action {actions[k]} at cell {k} (agent {k % shape.Agents})"));
        }
        return groups.ToArray();
    }

    /// <summary>The one group of all agents that data without groups have at every step.</summary>
    private sealed class StepGroupsOfAll
    {
        private readonly int[] _members, _starts, _labels, _groupOf;

        public StepGroupsOfAll(int agents)
        {
            _members = new int[agents];
            for (int i = 0; i < agents; i++) _members[i] = i;
            _starts = [0, agents];
            _labels = [0];
            _groupOf = new int[agents];
        }

        public StepGroups Groups => new(_members, _starts, _labels, _groupOf, _members);
    }
}
