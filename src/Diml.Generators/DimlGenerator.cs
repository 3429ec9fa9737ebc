using System;
using System.Globalization;
using Diml.Generators.Diagnostics;
using Diml.Generators.Emission;
using Diml.Generators.Model;
using Diml.Generators.Parsing;
using Microsoft.CodeAnalysis;

namespace Diml.Generators;

/// <summary>
/// The Diml differentiator. Three pipelines — mechanisms, learning rules and differentiable helpers — each
/// parse an annotated declaration into an equatable spec (the only code that touches Roslyn symbols) and emit
/// source from the spec, in one step whose result is values only (spec, generated text, diagnostics).
/// Diagnostics flow through their own output, so edits that only move code do not re-emit.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class DimlGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps, for the incrementality tests.</summary>
    public static class Steps
    {
        public const string Mechanisms = "Mechanisms";
        public const string LearningRules = "LearningRules";
        public const string Helpers = "Helpers";
        public const string MechanismModels = "MechanismModels";
        public const string LearningRuleModels = "LearningRuleModels";
        public const string HelperModels = "HelperModels";
    }

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var mechanisms = context.SyntaxProvider
            .ForAttributeWithMetadataName(KnownNames.Mechanism, static (node, _) => true,
                (context, cancellation) => Emit(context, DeclarationParser.ParseMechanism(context, cancellation), TypeEmitter.EmitMechanism, spec => HintName(spec.Type, "Mechanism")))
            .WithTrackingName(Steps.Mechanisms);
        var rules = context.SyntaxProvider
            .ForAttributeWithMetadataName(KnownNames.LearningRule, static (node, _) => true,
                (context, cancellation) => Emit(context, DeclarationParser.ParseLearningRule(context, cancellation), TypeEmitter.EmitLearningRule, spec => HintName(spec.Type, "LearningRule")))
            .WithTrackingName(Steps.LearningRules);
        var helpers = context.SyntaxProvider
            .ForAttributeWithMetadataName(KnownNames.Differentiable, static (node, _) => true,
                (context, cancellation) => Emit(context, DeclarationParser.ParseHelper(context, cancellation), TypeEmitter.EmitHelper,
                    spec => HintName(spec.Type, spec.Method.Name + "." + StableHash(spec.Method.Signature))))
            .WithTrackingName(Steps.Helpers);

        Register(context, mechanisms, Steps.MechanismModels);
        Register(context, rules, Steps.LearningRuleModels);
        Register(context, helpers, Steps.HelperModels);
    }

    /// <summary>
    /// Emission runs in the same step as parsing, while the declaration's location is still at hand: an emitter
    /// failure (a bug of the generator, never of the user's code) becomes a DIML011 at the declaration rather than
    /// an unlocated error. The generated text is a string, so an edit that only moves code still yields an equal
    /// result and the source output stays cached.
    /// </summary>
    private static ParseResult<T> Emit<T>(GeneratorAttributeSyntaxContext context, ParseResult<T> parsed, Func<T, string> emit, Func<T, string> hintName) where T : class
        => GuardedEmission.Guard(parsed, LocationInfo.From(DeclarationParser.IdentifierOf(context.TargetNode, context.TargetSymbol)), emit, hintName);

    private static void Register<T>(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<ParseResult<T>> results, string modelStep)
        where T : class
    {
        context.RegisterSourceOutput(results.Select(static (r, _) => r.Diagnostics), static (output, diagnostics) =>
        {
            foreach (var diagnostic in diagnostics) output.ReportDiagnostic(diagnostic.ToDiagnostic());
        });

        var files = results.Select(static (r, _) => r.File).WithTrackingName(modelStep);
        context.RegisterSourceOutput(files, static (output, file) =>
        {
            if (file is not null) output.AddSource(file.HintName + ".g.cs", file.Source);
        });
    }

    private static string HintName(TypeSpec type, string part)
        => (type.Namespace.Length > 0 ? type.Namespace + "." : "") + string.Join(".", type.Declarations) .Replace("partial ", "").Replace("static ", "").Replace("record struct ", "").Replace("record ", "").Replace("struct ", "").Replace("class ", "") + "." + part;

    /// <summary>FNV-1a of the signature, so overloads get distinct, stable file names.</summary>
    private static string StableHash(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text) hash = (hash ^ c) * 16777619;
        return hash.ToString("x8", CultureInfo.InvariantCulture);
    }
}
