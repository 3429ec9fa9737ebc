namespace Diml.Fitting;

/// <summary>
/// Where and how often <see cref="Fitter"/> saves a <see cref="FitCheckpoint"/>: every <see cref="EveryEpochs"/>
/// completed epochs, and when the fit is cancelled (after the minibatch in progress).
/// </summary>
/// <param name="Path">The checkpoint file (written atomically).</param>
/// <param name="EveryEpochs">Epochs between periodic checkpoints.</param>
/// <param name="Settings">The caller's own settings that a resumed fit must share (for a tool: the options that built the
/// mechanism and the data, such as an initial-parameter seed); compared on resume like the fit options.</param>
public sealed record FitCheckpointing(string Path, int EveryEpochs = 5, IReadOnlyDictionary<string, string>? Settings = null);
