namespace Diml.Fitting;

/// <summary>How the learner's state is initialised at the start of a training window.</summary>
public enum WindowMode
{
    /// <summary>
    /// The reference estimator's simplification: <c>Q</c> is reset to <c>Q0</c> at the window start
    /// <c>t0</c>, as if the episode began there. Reproductions use this mode.
    /// </summary>
    Reference,

    /// <summary>
    /// Truncated backpropagation through time: the dynamics run from <c>t = 0</c> up to <c>t0</c> without
    /// gradient, and the window starts from the carried state <c>Q[t0]</c>.
    /// </summary>
    Carry,
}
