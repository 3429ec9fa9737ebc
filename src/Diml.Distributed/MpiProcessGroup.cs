using System.Runtime.InteropServices;

namespace Diml.Distributed;

/// <summary>
/// The ranks of an MPI job (<c>MPI_COMM_WORLD</c>) as an <see cref="Fitting.IProcessGroup"/>: give it to
/// <see cref="Fitting.Fitter.Processes"/> on every rank and the fit's mechanism queries are shared between the ranks, with a
/// result bit-identical to one process (docs/distributed.md).
/// </summary>
/// <remarks>
/// <para>MPI.NET 1.4.0 is built against the MS-MPI ABI (it imports <c>msmpi.dll</c>). MPICH shares that ABI (same handle
/// values, <c>MPI_IN_PLACE</c> = −1), so the import is resolved to MPICH's <c>libmpich.so.12</c>, or to the library named by
/// the <c>DIML_MPI_LIBRARY</c> environment variable (another MPICH-ABI library: Intel MPI, Cray MPICH, MVAPICH). Open MPI has
/// another ABI and cannot be used.</para>
/// <para>The exchange is one <c>MPI_Allgatherv</c> of bytes in place: no reduction operator runs inside MPI, so the order of
/// every floating-point addition is the fit's own.</para>
/// </remarks>
public sealed class MpiProcessGroup : Fitting.IProcessGroup, IDisposable
{
    /// <summary>The MPICH-ABI library loaded when <c>DIML_MPI_LIBRARY</c> is not set.</summary>
    public const string DefaultLibrary = "libmpich.so.12";

    private static readonly IntPtr InPlace = -1; // MPI_IN_PLACE in MPICH and MS-MPI
    private static int s_resolverSet;
    private readonly MPI.Environment _environment;
    private readonly int[] _offsets, _counts;
    private bool _disposed;

    private MpiProcessGroup(MPI.Environment environment)
    {
        _environment = environment;
        Rank = MPI.Communicator.world.Rank;
        Size = MPI.Communicator.world.Size;
        _offsets = new int[Size];
        _counts = new int[Size];
    }

    /// <summary>
    /// Starts MPI (<c>MPI_Init</c>) in this process; call once, on every rank, before the fit. Throws
    /// <see cref="MpiException"/> naming the library when it cannot be loaded.
    /// </summary>
    public static MpiProcessGroup Start()
    {
        ResolveLibrary();
        string[] args = [];
        try
        {
            return new MpiProcessGroup(new MPI.Environment(ref args));
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            string library = Environment.GetEnvironmentVariable("DIML_MPI_LIBRARY") ?? DefaultLibrary;
            throw new MpiException($"Cannot start MPI: expected the MPICH-ABI library '{library}' (Debian: apt-get install mpich libmpich-dev; " +
                $"another one: set DIML_MPI_LIBRARY), found: {e.Message}", e);
        }
    }

    /// <inheritdoc/>
    public int Rank { get; }

    /// <inheritdoc/>
    public int Size { get; }

    /// <summary>Calls of <see cref="AllGather"/> so far.</summary>
    public long Exchanges { get; private set; }

    /// <summary>Bytes this rank received from the others in those calls.</summary>
    public long ReceivedBytes { get; private set; }

    /// <summary>Seconds spent in those calls: the transfers and the wait for the slowest rank.</summary>
    public double ExchangeSeconds { get; private set; }

    /// <inheritdoc/>
    public unsafe void AllGather(Span<byte> buffer, ReadOnlySpan<int> offsets, ReadOnlySpan<int> counts)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (offsets.Length != Size || counts.Length != Size)
            throw new ArgumentException($"Expected {Size} offsets and counts, found {offsets.Length} and {counts.Length}.");
        offsets.CopyTo(_offsets);
        counts.CopyTo(_counts);
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        fixed (byte* data = buffer)
        {
            int code = MPI.Unsafe.MPI_Allgatherv(InPlace, 0, MPI.Unsafe.MPI_DATATYPE_NULL, (IntPtr)data, _counts, _offsets,
                MPI.Unsafe.MPI_BYTE, MPI.Unsafe.MPI_COMM_WORLD);
            if (code != MPI.Unsafe.MPI_SUCCESS) throw new MpiException($"MPI_Allgatherv failed on rank {Rank} of {Size} (error code {code}).");
        }
        ExchangeSeconds += System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
        Exchanges++;
        for (int r = 0; r < Size; r++)
            if (r != Rank) ReceivedBytes += counts[r];
    }

    /// <summary>Ends every rank of the job (<c>MPI_Abort</c>) with <paramref name="exitCode"/>: what a rank that failed alone calls, so that the others do not wait for it forever.</summary>
    public void Abort(int exitCode) => MPI.Unsafe.MPI_Abort(MPI.Unsafe.MPI_COMM_WORLD, exitCode);

    /// <summary>Ends MPI in this process (<c>MPI_Finalize</c>).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _environment.Dispose();
    }

    /// <summary>Points MPI.NET's <c>msmpi.dll</c> import at the MPICH-ABI library (once per process).</summary>
    private static void ResolveLibrary()
    {
        if (Interlocked.Exchange(ref s_resolverSet, 1) == 1) return;
        NativeLibrary.SetDllImportResolver(typeof(MPI.Communicator).Assembly, (name, assembly, path) =>
            name.Contains("msmpi", StringComparison.OrdinalIgnoreCase)
                ? NativeLibrary.Load(Environment.GetEnvironmentVariable("DIML_MPI_LIBRARY") ?? DefaultLibrary)
                : IntPtr.Zero);
    }
}
