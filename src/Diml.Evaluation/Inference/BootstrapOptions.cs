using Diml.Fitting;

namespace Diml.Evaluation.Inference;

/// <summary>Settings of the session bootstrap (<see cref="SessionBootstrap.Run"/>).</summary>
public sealed record BootstrapOptions
{
    /// <summary>Replications B: refits from resampled episodes.</summary>
    public int Replications { get; init; } = 200;

    /// <summary>Seed of the resamples: replication <c>b</c> draws from its own stream, so results do not depend on the threads.</summary>
    public ulong Seed { get; init; }

    /// <summary>Replications refitted at once (each on its own likelihood).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>How each refit polishes (<see cref="MaximumLikelihood.Polish"/>).</summary>
    public PolishOptions Polish { get; init; } = new();

    /// <summary>
    /// When set, every finished replication is appended to this file, and a run given the same file continues after the
    /// replications already there (they are read back, not refitted): a stopped bootstrap resumes where it was.
    /// </summary>
    public string? ResumePath { get; init; }

    /// <summary>
    /// The processes sharing the bootstrap (the ranks of an MPI job, Diml.Distributed): each refits its share of every round
    /// of replications and all receive every result, which is the same as one process computes, since each replication
    /// depends only on the seed and its number. Only process 0 writes <see cref="ResumePath"/>. One process by default.
    /// </summary>
    public IProcessGroup Processes { get; init; } = LocalProcessGroup.Instance;

    /// <summary>Throws if a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Replications, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(Threads, 1);
        ArgumentNullException.ThrowIfNull(Polish);
        ArgumentNullException.ThrowIfNull(Processes);
        Polish.Validate();
    }
}
