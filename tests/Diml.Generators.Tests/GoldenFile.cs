using System.Runtime.CompilerServices;

namespace Diml.Generators.Tests;

/// <summary>
/// Golden files of generated code, following Verify's conventions: the accepted output is
/// <c>Golden/Name.verified.cs</c>; a mismatch writes <c>Golden/Name.received.cs</c> beside it and fails. Set the
/// environment variable <c>DIML_ACCEPT=1</c> to accept the new output instead.
/// </summary>
internal static class GoldenFile
{
    public const string AcceptVariable = "DIML_ACCEPT";

    public static void Verify(string name, string actual, [CallerFilePath] string testFile = "")
    {
        string folder = Path.Combine(Path.GetDirectoryName(testFile)!, "Golden");
        string verified = Path.Combine(folder, name + ".verified.cs");
        string received = Path.Combine(folder, name + ".received.cs");
        actual = GeneratorHarness.Normalize(actual);

        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(verified, actual);
            File.Delete(received);
            return;
        }
        string expected = File.Exists(verified) ? GeneratorHarness.Normalize(File.ReadAllText(verified)) : "";
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }
        File.WriteAllText(received, actual);
        Assert.Fail($"Generated code for '{name}' differs from {verified}. Compare it with {received}; if the change is intended, rerun with {AcceptVariable}=1.");
    }
}
