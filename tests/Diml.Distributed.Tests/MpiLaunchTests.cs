using Diml.Distributed;

namespace Diml.Distributed.Tests;

public sealed class MpiLaunchTests
{
    private static Func<string, string?> Variables(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Detect_ReadsMpichAndSlurmPmi()
    {
        var launch = MpiLaunch.Detect(Variables(("PMI_RANK", "3"), ("PMI_SIZE", "8")));
        Assert.Equal(new MpiLaunch(3, 8, "PMI"), launch);
        Assert.True(launch.IsParallel);
    }

    [Fact]
    public void Detect_ReadsOpenMpi_AndAloneIsOneRank()
    {
        Assert.Equal(new MpiLaunch(1, 2, "Open MPI"), MpiLaunch.Detect(Variables(("OMPI_COMM_WORLD_RANK", "1"), ("OMPI_COMM_WORLD_SIZE", "2"))));
        var alone = MpiLaunch.Detect(Variables());
        Assert.Equal(new MpiLaunch(0, 1, "none"), alone);
        Assert.False(alone.IsParallel);
    }

    [Fact]
    public void Detect_RefusesAnInconsistentEnvironment()
    {
        var e = Assert.Throws<MpiException>(() => MpiLaunch.Detect(Variables(("PMI_RANK", "2"), ("PMI_SIZE", "2"))));
        Assert.Contains("PMI_RANK='2', PMI_SIZE='2'", e.Message);
    }
}
