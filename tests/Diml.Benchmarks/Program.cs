using BenchmarkDotNet.Running;

namespace Diml.Benchmarks;

/// <summary>
/// Runs the benchmark suite: <c>dotnet run -c Release --project tests/Diml.Benchmarks -- --filter *</c>
/// (BenchmarkDotNet's own options apply, e.g. <c>--filter *Epoch*</c> or <c>--job short</c>).
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
