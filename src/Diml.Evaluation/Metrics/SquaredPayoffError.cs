using Diml.Data;

namespace Diml.Evaluation;

/// <summary>Accumulates <c>(M_true(a)_i − M_est(a)_i)²</c> over joint actions and all agents, in double.</summary>
internal sealed class SquaredPayoffError(IPayoffModel truth, IPayoffModel estimate)
{
    private readonly double[] _true = new double[truth.Shape.Agents];
    private readonly double[] _estimated = new double[truth.Shape.Agents];
    private double _sum;
    private long _count;

    /// <summary>Adds every agent's squared error at <paramref name="joint"/>.</summary>
    public void Add(ReadOnlySpan<int> joint)
    {
        truth.Payoffs(joint, _true);
        estimate.Payoffs(joint, _estimated);
        for (int i = 0; i < _true.Length; i++)
        {
            double error = _true[i] - _estimated[i];
            _sum += error * error;
        }
        _count += _true.Length;
    }

    /// <summary>The mean so far (NaN before anything was added).</summary>
    public double Mean => _count == 0 ? double.NaN : _sum / _count;

    /// <summary>The sum of squared errors so far.</summary>
    public double Sum => _sum;

    /// <summary>The number of agent payoffs added so far.</summary>
    public long Count => _count;

    /// <summary>Joint actions per block of <see cref="MeanOver"/>: enough work per worker, little memory.</summary>
    private const int Block = 256;

    /// <summary>Writes joint action number <paramref name="index"/> into <paramref name="joint"/>.</summary>
    public delegate void JointAt(int index, Span<int> joint);

    /// <summary>
    /// The mean squared error over the <paramref name="count"/> joint actions <paramref name="jointAt"/> gives, in a game
    /// of <paramref name="shape"/>, with the payoffs evaluated on <paramref name="threads"/> workers (the factories
    /// are called once per worker; <paramref name="jointAt"/> must be safe to call from several) and the squares summed in
    /// the order <see cref="Add"/> would sum them over the joints one after the other — the same value bit for bit
    /// whatever <paramref name="threads"/> (one worker in small games, <see cref="MetricArguments.Workers"/>).
    /// </summary>
    public static double MeanOver(Func<IPayoffModel> truth, Func<IPayoffModel> estimate, int count, GameShape shape, JointAt jointAt, int threads)
    {
        if (count == 0) return double.NaN;
        int agents = shape.Agents;
        threads = MetricArguments.Workers(shape, threads);
        int perRound = Math.Min(count, Block * Math.Max(1, threads));
        var squares = new double[perRound * agents];
        double sum = 0;
        for (int start = 0; start < count; start += perRound)
        {
            int end = Math.Min(count, start + perRound);
            int blocks = (end - start + Block - 1) / Block;
            Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) },
                () => (True: truth(), Estimate: estimate(), Joint: new int[agents], TrueValues: new double[agents], Estimated: new double[agents]),
                (b, _, local) =>
                {
                    int first = start + ((int)b * Block), last = Math.Min(end, first + Block);
                    for (int j = first; j < last; j++)
                    {
                        jointAt(j, local.Joint);
                        local.True.Payoffs(local.Joint, local.TrueValues);
                        local.Estimate.Payoffs(local.Joint, local.Estimated);
                        for (int i = 0; i < agents; i++)
                        {
                            double error = local.TrueValues[i] - local.Estimated[i];
                            squares[((j - start) * agents) + i] = error * error;
                        }
                    }
                    return local;
                },
                _ => { });
            for (int k = 0; k < (end - start) * agents; k++) sum += squares[k];
        }
        return sum / ((long)count * agents);
    }
}
