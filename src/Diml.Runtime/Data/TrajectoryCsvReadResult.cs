namespace Diml.Data;

/// <summary>What <see cref="TrajectoryCsv.Read(string, GameShape?)"/> returns: the complete data and any warnings.</summary>
/// <param name="Trajectories">The data, complete and validated.</param>
/// <param name="Warnings">
/// Things the reader tolerated but the caller may want to tell the user about (for example an ignored extra
/// column), each a full sentence naming the file and line. Never printed by the reader. Empty when there are none.
/// </param>
public sealed record TrajectoryCsvReadResult(Trajectories Trajectories, IReadOnlyList<string> Warnings);
