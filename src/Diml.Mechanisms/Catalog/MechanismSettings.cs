namespace Diml.Mechanisms;

/// <summary>
/// The size settings of a catalogued mechanism that the game shape does not fix: today only the width of the
/// hidden layers of the neural families (ignored by mechanisms without hidden layers).
/// </summary>
/// <param name="Hidden">Units per hidden layer.</param>
public sealed record MechanismSettings(int Hidden);
