using System.Diagnostics;

namespace Diml.Generators.Tests;

/// <summary>
/// What a new user does, offline: pack the Diml package and the template package into a local feed, create a
/// project with <c>dotnet new diml-mechanism</c>, build it against that feed only, and run it (its gradient
/// self-check, a simulated data set and a fit).
/// </summary>
public sealed class PackageTests
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    [Fact]
    public void TemplateProject_BuildsAgainstTheLocalPackage_AndItsFitRuns()
    {
        string root = DiagnosticTests.RepositoryRoot();
        string work = Path.Combine(Path.GetTempPath(), "diml-package-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            string feed = Path.Combine(work, "feed");
            Dotnet(root, "pack", "src/Diml.Runtime/Diml.Runtime.csproj", "-c", Configuration, "--no-build", "-o", feed);
            Dotnet(root, "pack", "templates/Diml.Templates/Diml.Templates.csproj", "-c", Configuration, "-o", feed);
            Assert.True(File.Exists(Path.Combine(feed, "Diml.0.1.0.nupkg")), "The Diml package was not packed.");

            // The package holds the runtime, the generator as an analyzer, and the readme.
            using (var package = System.IO.Compression.ZipFile.OpenRead(Path.Combine(feed, "Diml.0.1.0.nupkg")))
            {
                var entries = package.Entries.Select(e => e.FullName).ToList();
                Assert.Contains("lib/net10.0/Diml.Runtime.dll", entries);
                Assert.Contains("analyzers/dotnet/cs/Diml.Generators.dll", entries);
                Assert.Contains("README.md", entries);
                using var nuspec = new StreamReader(package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
                string metadata = nuspec.ReadToEnd();
                Assert.Contains("<license type=\"expression\">MIT</license>", metadata);
                Assert.Contains("<repository type=\"git\" url=\"" + Diagnostics.DiagnosticDescriptors.RepositoryUrl + "\"", metadata);
                Assert.Contains("<readme>README.md</readme>", metadata);
            }

            // Restore from the local feed only; the package's own dependencies come from the machine's package cache.
            string globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            File.WriteAllText(Path.Combine(work, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <config><add key="globalPackagesFolder" value="{Path.Combine(work, "packages")}" /></config>
                  <packageSources>
                    <clear />
                    <add key="local" value="{feed}" />
                    <add key="cache" value="{globalPackages}" />
                  </packageSources>
                </configuration>
                """);
            string hive = Path.Combine(work, "hive");
            Dotnet(work, "new", "install", Path.Combine(feed, "Diml.Templates.0.1.0.nupkg"), "--debug:custom-hive", hive);
            Dotnet(work, "new", "diml-mechanism", "-n", "Tolls", "-o", Path.Combine(work, "Tolls"), "--debug:custom-hive", hive);
            Dotnet(Path.Combine(work, "Tolls"), "build", "-c", "Release");
            string output = Dotnet(Path.Combine(work, "Tolls"), "run", "-c", "Release", "--no-build");
            Assert.Contains("TolledRoutes.Payoff: ok", output);
            Assert.Contains("mean negative log-likelihood per action", output);
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Runs the dotnet CLI and returns its output; fails the test with the output when it fails.</summary>
    private static string Dotnet(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        // A nested build must not inherit the test host's MSBuild.
        foreach (string variable in new[] { "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath", "MSBuildLoadMicrosoftTargetsReadOnly" })
            start.Environment.Remove(variable);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), "dotnet " + string.Join(" ", arguments) + " did not finish.");
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(" ", arguments)} failed ({process.ExitCode}):\n{output}\n{error.Result}");
        return output + error.Result;
    }
}
