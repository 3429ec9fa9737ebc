namespace Diml.Experiments;

/// <summary>Entry point of the <c>diml</c> command-line tool.</summary>
public static class Program
{
    public static int Main(string[] args) => Cli.Run(args);
}
