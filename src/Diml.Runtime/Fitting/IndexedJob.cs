namespace Diml.Fitting;

/// <summary>
/// Work a <see cref="WorkerPool"/> runs for each index of a range. Implemented by long-lived objects so
/// that dispatching a job allocates nothing (no delegate, no closure).
/// </summary>
internal interface IIndexedJob
{
    /// <summary>Does the work of <paramref name="index"/> on worker <paramref name="worker"/> (0 = the calling thread).</summary>
    void Execute(int index, int worker);
}
