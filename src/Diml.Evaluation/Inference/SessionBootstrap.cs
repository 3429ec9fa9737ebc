using System.Globalization;
using Diml.Simulation;

namespace Diml.Evaluation.Inference;

/// <summary>
/// The bootstrap by session (episode): resample the episodes with replacement, refit, repeat (docs/inference.md). It
/// resamples whole episodes because they are the independent units; decisions within one are not.
/// </summary>
/// <remarks>
/// Each refit is the polish (<see cref="MaximumLikelihood.Polish"/>) on the resample — the listed episodes counted with
/// multiplicity — warm-started from the full-data estimate, which makes B = 200 practical. Replication <c>b</c> draws its
/// resample from its own random stream of the seed and is stored in slot <c>b</c>, so the result is bit-identical on any
/// number of threads.
/// </remarks>
public static class SessionBootstrap
{
    private const ulong ResampleStream = 0xB0075;

    /// <summary>The episodes of replication <paramref name="replication"/>: <c>G</c> draws with replacement from <c>0..G−1</c>.</summary>
    public static int[] Resample(int episodes, ulong seed, int replication)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(episodes, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(replication);
        var random = SplitMix64.ForStream(seed, ResampleStream + (ulong)replication * 0x9E3779B97F4A7C15UL);
        var draws = new int[episodes];
        for (int j = 0; j < episodes; j++) draws[j] = random.NextInt(episodes);
        Array.Sort(draws); // order does not change the NLL; sorted keeps episodes' chunks stable
        return draws;
    }

    /// <summary>
    /// Runs <see cref="BootstrapOptions.Replications"/> refits from <paramref name="estimate"/>. <paramref name="likelihood"/>
    /// is called once per worker thread (a likelihood is not thread-safe); <paramref name="progress"/> hears the number of
    /// replications done.
    /// </summary>
    public static BootstrapResult Run(Func<EpisodeLikelihood> likelihood, ReadOnlySpan<double> estimate, BootstrapOptions? options = null,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(likelihood);
        options ??= new BootstrapOptions();
        options.Validate();
        int b = options.Replications;
        var start = estimate.ToArray();
        var replicates = new double[b][];
        var converged = new bool[b];
        int episodes;
        {
            var probe = likelihood();
            episodes = probe.Episodes;
            if (probe.ParameterCount != start.Length)
                throw new ArgumentException($"{nameof(estimate)}: expected {probe.ParameterCount} parameters, found {start.Length}.", nameof(estimate));
            (probe as IDisposable)?.Dispose();
        }

        var processes = options.Processes;
        int resumed = options.ResumePath is { } path ? ReadResumed(path, start.Length, replicates, converged) : 0;
        int done = resumed;
        progress?.Report(done);
        using var resumeWriter = options.ResumePath is null || processes.Rank != 0 ? null : new ResumeWriter(options.ResumePath, start.Length, options.Seed, episodes);
        var pending = Enumerable.Range(0, b).Where(r => replicates[r] is null).ToArray();
        if (pending.Length == 0) return new BootstrapResult(start, replicates, converged, resumed);
        if (processes.Size > 1)
        {
            RunOnProcesses(likelihood, start, episodes, pending, options, replicates, converged, resumeWriter, progress, done, cancellationToken);
            return new BootstrapResult(start, replicates, converged, resumed);
        }
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, pending.Length, 1),
            new ParallelOptions { MaxDegreeOfParallelism = options.Threads, CancellationToken = cancellationToken },
            likelihood,
            (range, _, local) =>
            {
                for (int j = range.Item1; j < range.Item2; j++)
                {
                    int r = pending[j];
                    var resample = Resample(episodes, options.Seed, r);
                    var fit = MaximumLikelihood.Polish(local, start, options.Polish, resample, cancellationToken);
                    replicates[r] = fit.Estimate;
                    converged[r] = fit.Converged;
                    resumeWriter?.Append(r, fit.Converged, fit.Estimate);
                    progress?.Report(Interlocked.Increment(ref done));
                }
                return local;
            },
            local => (local as IDisposable)?.Dispose());
        return new BootstrapResult(start, replicates, converged, resumed);
    }

    /// <summary>
    /// The pending replications shared between processes, in rounds of <c>processes × threads</c>: process <c>r</c> refits the
    /// contiguous part <c>⌊n·r/R⌋ .. ⌊n·(r+1)/R⌋ − 1</c> of each round (its threads a contiguous part of that each), then one
    /// all-gather gives every process the round's estimates and convergence flags, and process 0 appends them to the resume
    /// file — so a stopped job loses at most the round it was in.
    /// </summary>
    private static void RunOnProcesses(Func<EpisodeLikelihood> likelihood, double[] start, int episodes, int[] pending, BootstrapOptions options,
        double[][] replicates, bool[] converged, ResumeWriter? resumeWriter, IProgress<int>? progress, int done, CancellationToken cancellationToken)
    {
        var processes = options.Processes;
        int size = processes.Size, rank = processes.Rank, width = start.Length + 1;
        var likelihoods = new EpisodeLikelihood[options.Threads];
        try
        {
            for (int t = 0; t < likelihoods.Length; t++) likelihoods[t] = likelihood();
            int perRound = size * options.Threads;
            var buffer = new double[perRound * width];
            var offsets = new int[size];
            var counts = new int[size];
            for (int first = 0; first < pending.Length; first += perRound)
            {
                int n = Math.Min(perRound, pending.Length - first);
                for (int r = 0; r < size; r++)
                {
                    int from = n * r / size, to = n * (r + 1) / size;
                    offsets[r] = from * width * sizeof(double);
                    counts[r] = (to - from) * width * sizeof(double);
                }
                int mine = n * rank / size, mineEnd = n * (rank + 1) / size;
                Parallel.For(0, likelihoods.Length, new ParallelOptions { MaxDegreeOfParallelism = options.Threads, CancellationToken = cancellationToken }, t =>
                {
                    int count = mineEnd - mine;
                    for (int j = mine + count * t / likelihoods.Length; j < mine + count * (t + 1) / likelihoods.Length; j++)
                    {
                        var fit = MaximumLikelihood.Polish(likelihoods[t], start, options.Polish, Resample(episodes, options.Seed, pending[first + j]), cancellationToken);
                        fit.Estimate.CopyTo(buffer, j * width);
                        buffer[j * width + start.Length] = fit.Converged ? 1 : 0;
                    }
                });
                processes.AllGather(System.Runtime.InteropServices.MemoryMarshal.AsBytes(buffer.AsSpan(0, n * width)), offsets, counts);
                for (int j = 0; j < n; j++)
                {
                    int r = pending[first + j];
                    replicates[r] = buffer.AsSpan(j * width, start.Length).ToArray();
                    converged[r] = buffer[j * width + start.Length] == 1;
                    resumeWriter?.Append(r, converged[r], replicates[r]);
                }
                done += n;
                progress?.Report(done);
            }
        }
        finally
        {
            foreach (var local in likelihoods) (local as IDisposable)?.Dispose();
        }
    }

    /// <summary>Reads the replications of a resume file (lines <c>b,converged,θ…</c>); a torn last line is ignored.</summary>
    private static int ReadResumed(string path, int parameters, double[][] replicates, bool[] converged)
    {
        if (!File.Exists(path)) return 0;
        int count = 0;
        foreach (string line in File.ReadLines(path))
        {
            if (line.StartsWith('#') || line.Length == 0) continue;
            var fields = line.Split(',');
            if (fields.Length != parameters + 2 || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out int r)) continue;
            if (r >= replicates.Length || replicates[r] is not null) continue;
            var theta = new double[parameters];
            bool ok = true;
            for (int j = 0; j < parameters && ok; j++)
                ok = double.TryParse(fields[j + 2], NumberStyles.Float, CultureInfo.InvariantCulture, out theta[j]) && double.IsFinite(theta[j]);
            if (!ok) continue;
            replicates[r] = theta;
            converged[r] = fields[1] == "1";
            count++;
        }
        return count;
    }

    /// <summary>Appends finished replications, one flushed line each, so that a stopped run loses at most the line being written.</summary>
    private sealed class ResumeWriter : IDisposable
    {
        private readonly StreamWriter _writer;
        private readonly object _gate = new();

        public ResumeWriter(string path, int parameters, ulong seed, int episodes)
        {
            bool exists = File.Exists(path);
            if (exists) CheckHeader(path, parameters, seed, episodes);
            string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (folder is not null) Directory.CreateDirectory(folder);
            _writer = new StreamWriter(path, append: true) { NewLine = "\n" };
            if (!exists) _writer.WriteLine(Header(parameters, seed, episodes));
            else
            {
                // A torn last line (a stop mid-write) must not swallow the next record.
                using var read = File.OpenRead(path);
                if (read.Length > 0)
                {
                    read.Seek(-1, SeekOrigin.End);
                    if (read.ReadByte() != '\n') _writer.WriteLine();
                }
            }
            _writer.Flush();
        }

        private static string Header(int parameters, ulong seed, int episodes) =>
            string.Create(CultureInfo.InvariantCulture, $"# diml bootstrap replications: seed={seed} episodes={episodes} parameters={parameters}; lines: replication,converged,theta...");

        private static void CheckHeader(string path, int parameters, ulong seed, int episodes)
        {
            string first = File.ReadLines(path).FirstOrDefault() ?? "";
            if (first != Header(parameters, seed, episodes))
                throw new InvalidDataException($"{path}: expected the replications of a bootstrap with seed {seed}, {episodes} episodes and {parameters} parameters ('{Header(parameters, seed, episodes)}'), found '{first}'; delete it or use the settings it was made with.");
        }

        public void Append(int replication, bool converged, double[] theta)
        {
            var line = new System.Text.StringBuilder();
            line.Append(replication.ToString(CultureInfo.InvariantCulture)).Append(',').Append(converged ? '1' : '0');
            foreach (double v in theta) line.Append(',').Append(v.ToString("R", CultureInfo.InvariantCulture));
            lock (_gate)
            {
                _writer.WriteLine(line.ToString());
                _writer.Flush();
            }
        }

        public void Dispose() => _writer.Dispose();
    }
}
