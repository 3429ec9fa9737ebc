using BenchmarkDotNet.Running;

namespace Diml.Benchmarks;

/// <summary>
/// Runs the benchmark suite: <c>dotnet run -c Release --project tests/Diml.Benchmarks -- --filter *</c>
/// (BenchmarkDotNet's own options apply, e.g. <c>--filter *Epoch*</c> or <c>--job short</c>), or with the single argument
/// <c>adjoint-ratios</c> the kernels' adjoint/forward ratios in thread CPU time (<see cref="AdjointRatios"/>).
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        // adjoint-ratios: the kernels' adjoint/forward ratios in thread CPU time, for a shared machine (AdjointRatios).
        if (args is ["adjoint-ratios"]) AdjointRatios.Run();
        else BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
