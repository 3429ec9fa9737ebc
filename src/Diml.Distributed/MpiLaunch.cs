using System.Globalization;

namespace Diml.Distributed;

/// <summary>How this process was started: alone, or as a rank of an MPI job (read from the launcher's environment).</summary>
/// <param name="Rank">This process's rank (0 alone).</param>
/// <param name="Size">Ranks in the job (1 alone).</param>
/// <param name="Launcher">Which launcher's variables said so: "PMI" (MPICH's mpiexec, Slurm's srun with PMI), "Open MPI", or "none".</param>
public readonly record struct MpiLaunch(int Rank, int Size, string Launcher)
{
    /// <summary>Whether the process is one of several ranks.</summary>
    public bool IsParallel => Size > 1;

    /// <summary>
    /// Reads the launcher's variables: <c>PMI_RANK</c>/<c>PMI_SIZE</c> (MPICH's Hydra mpiexec, Slurm's srun --mpi=pmi2)
    /// or <c>OMPI_COMM_WORLD_RANK</c>/<c>OMPI_COMM_WORLD_SIZE</c> (Open MPI's mpirun).
    /// </summary>
    public static MpiLaunch Detect() => Detect(Environment.GetEnvironmentVariable);

    /// <summary><see cref="Detect()"/> over the variables <paramref name="variable"/> returns.</summary>
    public static MpiLaunch Detect(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        if (Read(variable, "PMI_RANK", "PMI_SIZE") is { } pmi) return new MpiLaunch(pmi.Rank, pmi.Size, "PMI");
        if (Read(variable, "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE") is { } ompi) return new MpiLaunch(ompi.Rank, ompi.Size, "Open MPI");
        return new MpiLaunch(0, 1, "none");
    }

    private static (int Rank, int Size)? Read(Func<string, string?> variable, string rankName, string sizeName)
    {
        string? rank = variable(rankName), size = variable(sizeName);
        if (rank is null) return null;
        if (!int.TryParse(rank, NumberStyles.None, CultureInfo.InvariantCulture, out int r)
            || !int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out int s) || s < 1 || r >= s)
            throw new MpiException($"The MPI launcher's environment is inconsistent: expected {rankName} in 0..{sizeName}−1, found {rankName}='{rank}', {sizeName}='{size}'.");
        return (r, s);
    }
}

/// <summary>MPI could not be started or a collective operation failed.</summary>
public sealed class MpiException(string message, Exception? inner = null) : Exception(message, inner);
