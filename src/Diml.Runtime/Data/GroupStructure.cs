using System.Globalization;

namespace Diml.Data;

/// <summary>
/// Who acts and who plays with whom at every step of a <see cref="Trajectories"/> with groups or absent agents: per
/// step, the acting agents partitioned into groups (numbered by their lowest agent, members in increasing order), each
/// agent's group and position in it, and the groups' labels in the data. Built once; read through <see cref="StepGroups"/>.
/// </summary>
/// <remarks>Arrays are per step, step-major like the actions: cells <c>n</c> per step, group starts <c>n + 1</c> per step.</remarks>
internal sealed class GroupStructure
{
    private readonly int _agents, _steps;
    private readonly int[] _cellLabel;   // [e, t, i]: the label in the data, or Absent
    private readonly int[] _groupOf;     // [e, t, i]: group index at the step, or Absent
    private readonly int[] _position;    // [e, t, i]: position in the group, or Absent
    private readonly int[] _members;     // [e, t, ·]: acting agents ordered by group, then agent
    private readonly int[] _starts;      // [e, t, 0..count]: group g is members[starts[g]..starts[g+1]]
    private readonly int[] _labels;      // [e, t, g]: label of group g
    private readonly int[] _counts;      // [e, t]: groups at the step

    private GroupStructure(int agents, int steps, int[] cellLabel, int cells)
    {
        _agents = agents;
        _steps = steps;
        _cellLabel = cellLabel;
        _groupOf = new int[cells];
        _position = new int[cells];
        _members = new int[cells];
        _labels = new int[cells];
        int stepCount = cells / agents;
        _starts = new int[checked(stepCount * (agents + 1))];
        _counts = new int[stepCount];
    }

    /// <summary>Whether some step has more than one group.</summary>
    public bool HasGroups { get; private set; }

    /// <summary>Whether some agent has no action at some step.</summary>
    public bool HasAbsences { get; private set; }

    /// <summary>The distinct group sizes, increasing.</summary>
    public int[] GroupSizes { get; private set; } = [];

    /// <summary>
    /// Builds the structure from actions (with <see cref="Trajectories.Absent"/>) and one group label per cell
    /// (<see cref="Trajectories.Absent"/> exactly where the action is). Labels are taken as given; the caller checks them.
    /// </summary>
    public static GroupStructure Build(int agents, int steps, ReadOnlySpan<int> actions, int[] cellLabel)
    {
        var structure = new GroupStructure(agents, steps, cellLabel, actions.Length);
        structure.Fill(actions);
        return structure;
    }

    private void Fill(ReadOnlySpan<int> actions)
    {
        int n = _agents;
        var groupOfLabel = new Dictionary<int, int>();
        var sizes = new SortedSet<int>();
        Span<int> size = n <= 1024 ? stackalloc int[n] : new int[n];
        for (int step = 0; step < _counts.Length; step++)
        {
            int cell0 = step * n;
            groupOfLabel.Clear();
            size.Clear();
            for (int i = 0; i < n; i++)
            {
                int label = _cellLabel[cell0 + i];
                if (actions[cell0 + i] == Trajectories.Absent) { _groupOf[cell0 + i] = _position[cell0 + i] = Trajectories.Absent; HasAbsences = true; continue; }
                if (!groupOfLabel.TryGetValue(label, out int g))
                {
                    g = groupOfLabel.Count;
                    groupOfLabel.Add(label, g);
                    _labels[cell0 + g] = label;
                }
                _groupOf[cell0 + i] = g;
                _position[cell0 + i] = size[g]++;
            }
            int count = groupOfLabel.Count;
            _counts[step] = count;
            if (count > 1) HasGroups = true;
            var starts = _starts.AsSpan(step * (n + 1), n + 1);
            starts[0] = 0;
            for (int g = 0; g < count; g++)
            {
                starts[g + 1] = starts[g] + size[g];
                sizes.Add(size[g]);
            }
            for (int i = 0; i < n; i++)
            {
                int g = _groupOf[cell0 + i];
                if (g >= 0) _members[cell0 + starts[g] + _position[cell0 + i]] = i;
            }
        }
        GroupSizes = [.. sizes];
    }

    /// <summary>The groups of step <c>t</c> of episode <c>e</c>.</summary>
    public StepGroups Step(int episode, int t)
    {
        int step = episode * _steps + t, n = _agents;
        return new StepGroups(_members.AsSpan(step * n, n), _starts.AsSpan(step * (n + 1), _counts[step] + 1),
            _labels.AsSpan(step * n, n), _groupOf.AsSpan(step * n, n), _position.AsSpan(step * n, n));
    }

    /// <summary>The label of every cell (<see cref="Trajectories.Absent"/> where absent), <c>[e, t, i]</c>.</summary>
    public ReadOnlySpan<int> CellLabels => _cellLabel;

    /// <summary>The group index of every cell (<see cref="Trajectories.Absent"/> where absent), <c>[e, t, i]</c>: what the fingerprint hashes.</summary>
    public ReadOnlySpan<int> CellGroups => _groupOf;

    /// <summary>The labels of the cells of the listed episodes, concatenated (for slicing).</summary>
    public int[] SelectLabels(ReadOnlySpan<int> episodes)
    {
        int stride = _steps * _agents;
        var labels = new int[checked(episodes.Length * stride)];
        for (int k = 0; k < episodes.Length; k++) _cellLabel.AsSpan(episodes[k] * stride, stride).CopyTo(labels.AsSpan(k * stride));
        return labels;
    }

    /// <summary>The first step with more than one group, as (episode, t, groups); null when there is none.</summary>
    public (int Episode, int T, int Groups)? FirstGroupedStep()
    {
        for (int step = 0; step < _counts.Length; step++)
            if (_counts[step] > 1) return (step / _steps, step % _steps, _counts[step]);
        return null;
    }

    /// <summary>The first absent (episode, t, agent); null when every agent acts at every step.</summary>
    public (int Episode, int T, int Agent)? FirstAbsence()
    {
        int k = Array.IndexOf(_groupOf, Trajectories.Absent);
        return k < 0 ? null : (k / _agents / _steps, k / _agents % _steps, k % _agents);
    }

    /// <summary>The first group whose size is refused by <paramref name="rejects"/>, as (episode, t, label, size).</summary>
    public (int Episode, int T, int Label, int Size)? FirstGroupOfSize(Func<int, bool> rejects)
    {
        int n = _agents;
        for (int step = 0; step < _counts.Length; step++)
            for (int g = 0; g < _counts[step]; g++)
            {
                int size = _starts[step * (n + 1) + g + 1] - _starts[step * (n + 1) + g];
                if (rejects(size)) return (step / _steps, step % _steps, _labels[step * n + g], size);
            }
        return null;
    }

    /// <summary>A readable list of the sizes, such as <c>2, 3 and 4</c>.</summary>
    public string DescribeSizes() => GroupSizes.Length == 1
        ? GroupSizes[0].ToString(CultureInfo.InvariantCulture)
        : string.Join(", ", GroupSizes[..^1].Select(s => s.ToString(CultureInfo.InvariantCulture))) + " and " + GroupSizes[^1].ToString(CultureInfo.InvariantCulture);
}
