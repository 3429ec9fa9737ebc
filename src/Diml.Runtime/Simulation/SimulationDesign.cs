using Diml.Data;

namespace Diml.Simulation;

/// <summary>
/// Who plays with whom in a simulation that replays a data set's design (<see cref="DesignSimulator"/>): the sessions,
/// their steps, at each step the agents present and their groups — the data's own matching, fixed or re-matched, with
/// several group sizes and absences as recorded — and optionally the data's first-period actions as initial conditions.
/// </summary>
public sealed class SimulationDesign
{
    private readonly Trajectories _layout;

    private SimulationDesign(Trajectories layout, bool firstActionsFromData)
    {
        _layout = layout;
        FirstActionsFromData = firstActionsFromData;
    }

    /// <summary>
    /// The design of <paramref name="data"/>: its sessions, steps, presences and groups. With
    /// <paramref name="firstActionsFromData"/> every simulated session starts from the session's observed first actions
    /// (the data's initial conditions) instead of drawing them from <c>π(Q0)</c>.
    /// </summary>
    public static SimulationDesign FromData(Trajectories data, bool firstActionsFromData = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new SimulationDesign(data, firstActionsFromData);
    }

    /// <summary><paramref name="sessions"/> sessions of <paramref name="steps"/> steps in which all agents of <paramref name="shape"/> play one game.</summary>
    public static SimulationDesign FullPlay(GameShape shape, int sessions, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shape.Agents, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(shape.Actions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sessions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        // A session of zeros has every agent present in one group at every step; its actions are never read.
        return new SimulationDesign(new Trajectories(shape, sessions, steps, new int[checked(sessions * steps * shape.Agents)]), firstActionsFromData: false);
    }

    /// <summary>The game: agents per session and actions.</summary>
    public GameShape Shape => _layout.Shape;

    /// <summary>Sessions.</summary>
    public int Sessions => _layout.Episodes;

    /// <summary>Steps per session.</summary>
    public int Steps => _layout.Steps;

    /// <summary>The group sizes that occur.</summary>
    public IReadOnlyList<int> GroupSizes => _layout.GroupSizes;

    /// <summary>Whether sessions start from the data's first actions.</summary>
    public bool FirstActionsFromData { get; }

    /// <summary>Whether agent <paramref name="agent"/> acts at step <paramref name="t"/> of session <paramref name="session"/>.</summary>
    public bool IsPresent(int session, int t, int agent) => _layout.IsPresent(session, t, agent);

    /// <summary>The groups of step <paramref name="t"/> of session <paramref name="session"/>.</summary>
    public StepGroups Groups(int session, int t) => _layout.Groups(session, t);

    /// <summary>The data's action of an agent at a step (for the first actions).</summary>
    internal int DataAction(int session, int t, int agent) => _layout.Action(session, t, agent);
}
