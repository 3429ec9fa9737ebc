using System.CommandLine;
using System.Runtime.CompilerServices;
using Diml.Distributed;

namespace Diml.Experiments.Commands;

/// <summary>
/// What every command that can run on the ranks of an MPI job shares (docs/distributed.md): the <c>--mpi</c> option,
/// starting MPI when a launcher started the process, one clear message when a rank cannot start, and ending the whole
/// job when a rank fails mid-run. Rank 0 prints and writes; the others run silently.
/// </summary>
internal static class MpiRanks
{
    /// <summary>The <c>--mpi</c> option of <paramref name="what"/> (e.g. "the fit").</summary>
    public static Option<bool> Option(string what) => new("--mpi")
    {
        Description = $"share {what} between the ranks of an MPI job (MPICH ABI; implied when started by mpiexec or srun, which set PMI_RANK): " +
            "bit-identical to one process; progress and outputs from rank 0 (docs/distributed.md)",
    };

    /// <summary>
    /// Runs <paramref name="run"/> alone (group null) unless <paramref name="forced"/> or an MPI launcher started this process;
    /// then on this rank, with <c>ready</c> to set once the rank has read its input. A rank that fails before that makes every
    /// rank stop, and the first one that failed prints one line naming itself (rank 0 speaks for all when all failed alike).
    /// </summary>
    public static int Run(CliContext context, string command, bool forced, Func<MpiProcessGroup?, StrongBox<bool>, int> run)
    {
        var launch = MpiLaunch.Detect();
        if (launch.Launcher == "Open MPI")
            throw CliException.Usage("--mpi: expected a launcher of an MPICH-ABI MPI (mpiexec.mpich, srun --mpi=pmi2), found Open MPI's mpirun " +
                "(OMPI_COMM_WORLD_RANK is set); MPI.NET speaks the MPICH/MS-MPI ABI only (docs/distributed.md).");
        if (!forced && !launch.IsParallel) return run(null, new StrongBox<bool>());
        MpiProcessGroup group;
        try
        {
            group = MpiProcessGroup.Start();
        }
        catch (MpiException e)
        {
            throw CliException.Usage($"--mpi: {e.Message}");
        }
        using (group)
        {
            var ready = new StrongBox<bool>();
            try
            {
                return run(group, ready);
            }
            catch (Exception e) when (!ready.Value)
            {
                // Every rank checks the same arguments and reads the same file, so usually all fail alike and rank 0 speaks for them.
                int first = FirstFailedRank(group, failed: true);
                if (group.Rank == 0 && first == 0) throw;
                if (group.Rank == first)
                    context.Console.Error.WriteLine($"diml {command}: error: rank {group.Rank} of {group.Size}: {CliFiles.OneLine(e.Message)}");
                return ExitCodes.InputError;
            }
        }
    }

    /// <summary>
    /// Whether this process reports and writes (no job, or rank 0 of one), and the console it speaks on: the command's own,
    /// or a silent one on the other ranks.
    /// </summary>
    public static (bool Root, CliConsole Console) ConsoleFor(CliContext context, MpiProcessGroup? group)
    {
        bool root = group is null || group.Rank == 0;
        return (root, root ? context.Console : CliConsole.ForWriters(TextWriter.Null, TextWriter.Null));
    }

    /// <summary>
    /// Collective, after the work the ranks share: ends MPI on every rank together (rather than keep the others waiting
    /// while rank 0 finishes) and returns whether this rank goes on to the rest of the command, which is rank 0's alone.
    /// </summary>
    public static bool Leave(MpiProcessGroup group)
    {
        bool root = group.Rank == 0;
        group.Dispose();
        return root;
    }

    /// <summary>
    /// Collective, once this rank has read its input: marks it ready and returns whether every rank is (a rank that failed
    /// to read its input would otherwise leave the others waiting).
    /// </summary>
    public static bool AllReady(MpiProcessGroup group, StrongBox<bool> ready)
    {
        ready.Value = true;
        return FirstFailedRank(group, failed: false) < 0;
    }

    /// <summary>
    /// Runs <paramref name="work"/> on this rank. A rank that fails ends the whole job (<c>MPI_Abort</c>) after one line on
    /// standard error naming itself, so that the other ranks do not wait for it forever. Signals are not caught: the ranks
    /// could stop at different points, so Ctrl+C ends the job, which resumes from its last checkpoint.
    /// </summary>
    public static T OnRanks<T>(MpiProcessGroup group, CliConsole console, string command, Func<T> work, Func<Exception, int>? exitCode = null)
    {
        try
        {
            return work();
        }
        catch (Exception exception)
        {
            var e = exception is AggregateException { InnerExceptions.Count: 1 } a ? a.InnerExceptions[0] : exception;
            console.Error.WriteLine($"diml {command}: error: rank {group.Rank} of {group.Size} failed, ending every rank: {CliFiles.OneLine(e.Message)}");
            console.Error.Flush();
            group.Abort(exitCode?.Invoke(e) ?? ExitCodes.InternalError);
            throw;
        }
    }

    /// <summary>Collective: the lowest rank that reports <paramref name="failed"/>, or −1 when none does.</summary>
    private static int FirstFailedRank(MpiProcessGroup group, bool failed)
    {
        var flags = new byte[group.Size];
        flags[group.Rank] = failed ? (byte)1 : (byte)0;
        var offsets = Enumerable.Range(0, group.Size).ToArray();
        var counts = Enumerable.Repeat(1, group.Size).ToArray();
        group.AllGather(flags, offsets, counts);
        return Array.IndexOf(flags, (byte)1);
    }
}
