using Microsoft.CodeAnalysis;

namespace Diml.Generators;

[Generator(LanguageNames.CSharp)]
public sealed class DimlGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
    }
}
