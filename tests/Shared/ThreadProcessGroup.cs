using Diml.Fitting;

namespace Diml.Tests;

/// <summary>Processes simulated by threads of one process: each copies the others' parts straight from their buffers.</summary>
internal sealed unsafe class ThreadProcessGroup : IProcessGroup
{
    private readonly Barrier _barrier;
    private readonly IntPtr[] _buffers;

    private ThreadProcessGroup(int rank, int size, Barrier barrier, IntPtr[] buffers)
    {
        Rank = rank;
        Size = size;
        _barrier = barrier;
        _buffers = buffers;
    }

    public static ThreadProcessGroup[] Create(int size)
    {
        var barrier = new Barrier(size);
        var buffers = new IntPtr[size];
        return Enumerable.Range(0, size).Select(r => new ThreadProcessGroup(r, size, barrier, buffers)).ToArray();
    }

    public int Rank { get; }

    public int Size { get; }

    public int Exchanges { get; private set; }

    public void AllGather(Span<byte> buffer, ReadOnlySpan<int> offsets, ReadOnlySpan<int> counts)
    {
        Exchanges++;
        fixed (byte* own = buffer)
        {
            _buffers[Rank] = (IntPtr)own;
            _barrier.SignalAndWait();
            for (int r = 0; r < Size; r++)
                if (r != Rank)
                    new ReadOnlySpan<byte>((byte*)_buffers[r] + offsets[r], counts[r]).CopyTo(buffer.Slice(offsets[r], counts[r]));
            // Nobody leaves (unpinning its buffer) before everybody has copied.
            _barrier.SignalAndWait();
        }
    }
}
