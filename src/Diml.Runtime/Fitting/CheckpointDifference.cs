namespace Diml.Fitting;

/// <summary>A setting whose value differs between a checkpoint and the fit that wants to resume from it.</summary>
/// <param name="Name">The setting: a <see cref="FitOptions"/> property, <c>MechanismType</c>, <c>Layout</c>, <c>Learner</c>,
/// <c>DataFingerprint</c>, <c>InitialParameters</c>, or a caller's own setting name.</param>
/// <param name="CheckpointValue">Its value in the checkpoint.</param>
/// <param name="CurrentValue">Its value now.</param>
public sealed record CheckpointDifference(string Name, string CheckpointValue, string CurrentValue);
