using Diml.Data;
using Diml.Fitting;
using Diml.Simulation;

namespace Diml.Tests.Fitting;

/// <summary>
/// A fit shared by several processes (IProcessGroup) against one process alone. The processes are threads here, each
/// with its own mechanism, rule and session, exchanging through <see cref="ThreadProcessGroup"/>; the MPI binding is
/// tested across real processes in Diml.Distributed.Tests.
/// </summary>
public sealed class ProcessGroupTests
{
    [Theory]
    [InlineData(PayoffForm.Joint, WindowMode.Reference, 2)]
    [InlineData(PayoffForm.PerAgent, WindowMode.Carry, 3)]
    [InlineData(PayoffForm.Anonymous, WindowMode.Reference, 2)]
    [InlineData(PayoffForm.Anonymous, WindowMode.Reference, 5)]
    public void Fit_SharedByProcesses_IsBitIdenticalToOneProcess(PayoffForm form, WindowMode mode, int processes)
    {
        var shape = new GameShape(4, 3);
        var (_, data) = FitterTests.SmallProblem(form, shape);
        var options = new FitOptions { Epochs = 3, BatchSize = 8, Window = 12, WindowMode = mode, LearningRate = 1e-2, Seed = 5, MinSteps = 0, Patience = 2, Threads = 1 };
        FitResult Run(IProcessGroup? group)
        {
            var model = TestGames.Mechanism(form, shape, seed: 99);
            return new Fitter(model, TestGames.SmallGameLearner(), options) { Processes = group }.Fit(data, model.Parameters());
        }

        var alone = Run(null);
        var groups = ThreadProcessGroup.Create(processes);
        var results = new FitResult[processes];
        var threads = groups.Select((g, r) => new Thread(() => results[r] = Run(g))).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();

        Assert.True(alone.Completed);
        foreach (var shared in results)
        {
            Assert.Equal(TestGames.Bits(alone.Parameters), TestGames.Bits(shared.Parameters));
            Assert.Equal(alone.Curve.Select(r => r.MeanLoss), shared.Curve.Select(r => r.MeanLoss));
            Assert.Equal(alone.Curve.Select(r => r.ValidationNll), shared.Curve.Select(r => r.ValidationNll));
        }
        Assert.True(groups.All(g => g.Exchanges > 0), "every process took part in the exchanges");
    }

    [Fact]
    public void AllGather_GivesEveryProcessEveryPart()
    {
        var groups = ThreadProcessGroup.Create(3);
        var buffers = new byte[3][];
        var threads = groups.Select((g, r) => new Thread(() =>
        {
            var buffer = new byte[10];
            int[] offsets = [0, 4, 4], counts = [4, 0, 6];
            for (int j = offsets[r]; j < offsets[r] + counts[r]; j++) buffer[j] = (byte)(10 * r + j);
            g.AllGather(buffer, offsets, counts);
            buffers[r] = buffer;
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        foreach (var buffer in buffers) Assert.Equal(new byte[] { 0, 1, 2, 3, 24, 25, 26, 27, 28, 29 }, buffer);
    }
}
