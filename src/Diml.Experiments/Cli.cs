namespace Diml.Experiments;

/// <summary>The <c>diml</c> commands.</summary>
public static class Cli
{
    public static int Run(string[] args)
    {
        Console.WriteLine("diml: no commands yet");
        return 0;
    }
}
