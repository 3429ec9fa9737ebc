using Diml.Data;
using Diml.Fitting;
using Diml.Tests.Fitting.Models;

namespace Diml.Tests.Fitting;

public sealed class FitSizeTests
{
    [Fact]
    public void FitSession_WhoseBuffersCannotExist_IsRefusedBeforeAllocatingThem()
    {
        // 32 episodes × 50 steps × 10,000 agents × (256 + 256) floats per step: far beyond one array.
        var shape = new GameShape(GameShape.MaxAgents, GameShape.MaxActions);
        var data = new Trajectories(shape, 32, 50, new int[32 * 50 * GameShape.MaxAgents]);
        var mechanism = new CongestionMechanism(GameShape.MaxActions);
        var error = Assert.Throws<InsufficientMemoryException>(() =>
            new FitSession(mechanism, TestGames.SmallGameLearner(), data, new FitOptions { Threads = 1 }, new float[mechanism.Layout.TotalLength]));
        Assert.Contains("lower the batch size or the window", error.Message);
        Assert.Contains("10000 agents x 256 actions", error.Message);
    }
}
