namespace Diml.Data;

/// <summary>
/// The size of a game: <see cref="Agents"/> agents with <see cref="Actions"/> actions each.
/// (Temporary minimal version for the fitting branch; replaced by the data layer's own at merge.)
/// </summary>
/// <param name="Agents">Number of agents, n.</param>
/// <param name="Actions">Number of actions per agent, A.</param>
public readonly record struct GameShape(int Agents, int Actions);
