namespace Diml.Fitting;

/// <summary>
/// A fixed set of persistent background threads that run an <see cref="IIndexedJob"/> over an index range,
/// together with the calling thread. Unlike <c>Parallel.For</c> it allocates nothing per run, which keeps a
/// steady-state training epoch allocation-free. Indices are handed out dynamically (load balance); results
/// never depend on which worker ran an index, because every job writes per-index outputs and reductions
/// happen afterwards in a fixed order.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _threads;
    private readonly object _gate = new();
    private IIndexedJob? _job;
    private int _count;
    private int _next;
    private int _busy;
    private int _generation;
    private bool _disposed;
    private Exception? _failure;
    private readonly long[] _allocatedBytes;

    /// <summary>A pool in which <paramref name="workers"/> threads (the caller included) share the work.</summary>
    public WorkerPool(int workers)
    {
        ThrowHelper.IfNotPositive(workers, nameof(workers));
        Workers = workers;
        _threads = new Thread[workers - 1];
        _allocatedBytes = new long[workers];
        for (int w = 0; w < _threads.Length; w++)
        {
            int worker = w + 1;
            _threads[w] = new Thread(() => Loop(worker)) { IsBackground = true, Name = $"Diml worker {worker}" };
            _threads[w].Start();
        }
    }

    /// <summary>Number of workers, the calling thread included.</summary>
    public int Workers { get; }

    /// <summary>
    /// Bytes allocated so far by the background workers, as of the end of their last run: lets tests
    /// measure exactly what the pool's work allocates, unaffected by other threads of the process.
    /// </summary>
    internal long WorkerAllocatedBytes
    {
        get
        {
            lock (_gate)
            {
                long total = 0;
                foreach (long bytes in _allocatedBytes) total += bytes;
                return total;
            }
        }
    }

    /// <summary>Runs <paramref name="job"/> for every index in [0, <paramref name="count"/>) and returns when all are done.</summary>
    public void Run(IIndexedJob job, int count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_threads.Length == 0 || count <= 1)
        {
            for (int i = 0; i < count; i++) job.Execute(i, 0);
            return;
        }
        lock (_gate)
        {
            _job = job;
            _count = count;
            _next = 0;
            _busy = _threads.Length;
            _failure = null;
            _generation++;
            Monitor.PulseAll(_gate);
        }
        Exception? own = null;
        try { Work(0); }
        catch (Exception e) { own = e; Volatile.Write(ref _next, int.MaxValue / 2); }
        lock (_gate)
        {
            while (_busy > 0) Monitor.Wait(_gate);
            _job = null;
        }
        var failure = own ?? _failure;
        if (failure is not null)
            throw new AggregateException("A parallel fitting job failed.", failure);
    }

    private void Work(int worker)
    {
        var job = _job!;
        int count = _count;
        while (true)
        {
            int i = Interlocked.Increment(ref _next) - 1;
            if (i >= count) return;
            job.Execute(i, worker);
        }
    }

    private void Loop(int worker)
    {
        int seen = 0;
        while (true)
        {
            lock (_gate)
            {
                while (_generation == seen && !_disposed) Monitor.Wait(_gate);
                if (_disposed) return;
                seen = _generation;
            }
            try { Work(worker); }
            catch (Exception e)
            {
                // Stop handing out indices; the caller rethrows after every worker has finished.
                Volatile.Write(ref _next, int.MaxValue / 2);
                lock (_gate) _failure ??= e;
            }
            lock (_gate)
            {
                _allocatedBytes[worker] = GC.GetAllocatedBytesForCurrentThread();
                if (--_busy == 0) Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>Stops the background threads.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            Monitor.PulseAll(_gate);
        }
        foreach (var thread in _threads) thread.Join();
    }
}
