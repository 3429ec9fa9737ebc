using System;
using System.Linq;
using Diml.Generators.Diagnostics;
using Diml.Generators.Model;

namespace Diml.Generators.Emission;

/// <summary>Emission of a parsed declaration, guarded like parsing: it never throws.</summary>
internal static class GuardedEmission
{
    /// <summary>
    /// <paramref name="parsed"/> with its generated file, or, when the emitter throws, without one and with a
    /// DIML011 at <paramref name="declaration"/> naming the exception.
    /// </summary>
    public static ParseResult<T> Guard<T>(ParseResult<T> parsed, LocationInfo? declaration, Func<T, string> emit, Func<T, string> hintName)
        where T : class
    {
        if (parsed.Model is not { } model) return parsed;
        string name = hintName(model);
        try
        {
            return parsed with { File = new GeneratedFile(name, emit(model)) };
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            var failure = DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, declaration, name, exception.GetType().Name + ": " + exception.Message);
            return parsed with { Diagnostics = parsed.Diagnostics.Append(failure).ToEquatable() };
        }
    }
}
