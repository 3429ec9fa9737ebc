using Diml.Data;
using Diml.Fitting;

namespace Diml.Tests.Fitting;

/// <summary>
/// Allocation tests count every thread's allocations (the fit's workers included), so they run alone, after
/// the parallel tests, in a collection with parallelisation disabled.
/// </summary>
[Collection(nameof(AllocationTests))]
[CollectionDefinition(nameof(AllocationTests), DisableParallelization = true)]
public sealed class AllocationTests
{
    [Theory]
    [InlineData(PayoffForm.Joint, WindowMode.Reference, 2, true)]
    [InlineData(PayoffForm.PerAgent, WindowMode.Carry, 2, true)]
    [InlineData(PayoffForm.Anonymous, WindowMode.Reference, 1, true)]
    [InlineData(PayoffForm.Joint, WindowMode.Reference, 2, false)]
    public void SteadyStateEpoch_AllocatesZeroBytes(PayoffForm form, WindowMode mode, int threads, bool validation)
    {
        var shape = new GameShape(4, 3);
        var (model, data) = FitterTests.SmallProblem(form, shape);
        var options = new FitOptions { Epochs = 10, BatchSize = 8, Window = 12, WindowMode = mode, Threads = threads, Seed = 3,
            ValidationFraction = validation ? 0.2 : 0 };
        using var session = new FitSession(model, TestGames.SmallGameLearner(), data, options, model.Parameters());
        Assert.Equal(validation ? 8 : 0, session.ValidationEpisodes); // each epoch then also evaluates the 8 validation episodes
        session.RunEpoch(); // first epoch: JIT, worker threads' first waits
        session.RunEpoch();
        long before = session.WorkAllocatedBytes();
        long processBefore = GC.GetTotalAllocatedBytes(precise: true);
        for (int epoch = 0; epoch < 4; epoch++) session.RunEpoch();
        long processAllocated = GC.GetTotalAllocatedBytes(precise: true) - processBefore;
        long allocated = session.WorkAllocatedBytes() - before;
        Assert.Null(session.Failure);
        // Exact, over the threads that run the fit. (The whole process is reported too, for information:
        // the test host's own threads may allocate meanwhile.)
        Assert.True(allocated == 0, $"4 steady-state epochs allocated {allocated} bytes on the fit's threads ({processAllocated} in the whole process).");
    }

    [Theory]
    [InlineData(PayoffForm.Anonymous, new[] { 1, 2, 3 }, WindowMode.Carry)]
    [InlineData(PayoffForm.PerAgent, new[] { 3 }, WindowMode.Reference)]
    [InlineData(PayoffForm.PerAgent, new[] { 1, 2, 3 }, WindowMode.Carry)]
    public void SteadyStateEpoch_OnRematchedGroupsWithAbsences_AllocatesZeroBytes(PayoffForm form, int[] sizes, WindowMode mode)
    {
        var shape = new GameShape(6, 3);
        var plain = TestGames.Simulate(TestGames.Mechanism(PayoffForm.Anonymous, shape, seed: 3), shape, 40, 30, seed: 21);
        var data = GroupedData.Rematch(plain, sizes, absentRate: 0.2, seed: 4);
        var model = TestGames.Mechanism(form, new GameShape(sizes[0], 3), seed: 99);
        var options = new FitOptions { Epochs = 10, BatchSize = 8, Window = 12, WindowMode = mode, Threads = 2, Seed = 3, ValidationFraction = 0.2, Lambda = 0.01 };
        using var session = new FitSession(model, TestGames.SmallGameLearner(), data, options, model.Parameters());
        session.RunEpoch();
        session.RunEpoch();
        long before = session.WorkAllocatedBytes();
        for (int epoch = 0; epoch < 4; epoch++) session.RunEpoch();
        long allocated = session.WorkAllocatedBytes() - before;
        Assert.Null(session.Failure);
        Assert.True(allocated == 0, $"4 steady-state epochs on grouped data allocated {allocated} bytes on the fit's threads.");
    }

    [Theory]
    [InlineData(false, 2)]
    [InlineData(true, 1)]
    public void SteadyStateEpoch_WithEstimatedLearnerParameters_AllocatesZeroBytes(bool grouped, int threads)
    {
        var shape = new GameShape(6, 3);
        var plain = TestGames.Simulate(TestGames.Mechanism(PayoffForm.Anonymous, shape, seed: 3), shape, 40, 30, seed: 21);
        var data = grouped ? GroupedData.Rematch(plain, [1, 2, 3], absentRate: 0.2, seed: 4) : plain;
        var model = TestGames.Mechanism(PayoffForm.Anonymous, grouped ? new GameShape(1, 3) : shape, seed: 99);
        var rule = new Diml.Learning.LogitQ(0.4f, 3f, 0.1f);
        var learner = new LearnerParameters(rule, ["alpha", "epsilon"]);
        var options = new FitOptions { Epochs = 10, BatchSize = 8, Window = 12, Threads = threads, Seed = 3, ValidationFraction = 0.2, Lambda = 0.01 };
        float[] initial = [.. model.Parameters(), 0, 0];
        learner.StartRaw(initial.AsSpan(model.Layout.TotalLength));
        using var session = new FitSession(model, rule, data, options, initial, learner);
        session.RunEpoch();
        session.RunEpoch();
        long before = session.WorkAllocatedBytes();
        for (int epoch = 0; epoch < 4; epoch++) session.RunEpoch();
        long allocated = session.WorkAllocatedBytes() - before;
        Assert.Null(session.Failure);
        Assert.True(allocated == 0, $"4 steady-state epochs with learner parameters allocated {allocated} bytes on the fit's threads.");
    }
}
