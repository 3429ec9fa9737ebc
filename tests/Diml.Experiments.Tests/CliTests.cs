namespace Diml.Experiments.Tests;

public class CliTests
{
    [Fact]
    public void Run_WithNoArguments_Succeeds() => Assert.Equal(0, Cli.Run([]));
}
