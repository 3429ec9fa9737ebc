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
/// parse an annotated declaration into an equatable spec (the only step that touches Roslyn symbols), then
/// emit source from the spec. Diagnostics flow through their own output, so edits that only move code do
/// not re-emit.
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
            .ForAttributeWithMetadataName(KnownNames.Mechanism, static (node, _) => true, DeclarationParser.ParseMechanism)
            .WithTrackingName(Steps.Mechanisms);
        var rules = context.SyntaxProvider
            .ForAttributeWithMetadataName(KnownNames.LearningRule, static (node, _) => true, DeclarationParser.ParseLearningRule)
            .WithTrackingName(Steps.LearningRules);
        var helpers = context.SyntaxProvider
            .ForAttributeWithMetadataName(KnownNames.Differentiable, static (node, _) => true, DeclarationParser.ParseHelper)
            .WithTrackingName(Steps.Helpers);

        Register(context, mechanisms, Steps.MechanismModels, TypeEmitter.EmitMechanism, spec => HintName(spec.Type, "Mechanism"));
        Register(context, rules, Steps.LearningRuleModels, TypeEmitter.EmitLearningRule, spec => HintName(spec.Type, "LearningRule"));
        Register(context, helpers, Steps.HelperModels, TypeEmitter.EmitHelper,
            spec => HintName(spec.Type, spec.Method.Name + "." + StableHash(spec.Method.Signature)));
    }

    private static void Register<T>(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<ParseResult<T>> results,
        string modelStep, Func<T, string> emit, Func<T, string> hintName) where T : class
    {
        context.RegisterSourceOutput(results.Select(static (r, _) => r.Diagnostics), static (output, diagnostics) =>
        {
            foreach (var diagnostic in diagnostics) output.ReportDiagnostic(diagnostic.ToDiagnostic());
        });

        var models = results.Select(static (r, _) => r.Model).WithTrackingName(modelStep);
        context.RegisterSourceOutput(models, (output, model) =>
        {
            if (model is null) return;
            string source;
            try
            {
                source = emit(model);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                output.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, Location.None,
                    hintName(model), exception.GetType().Name + ": " + exception.Message));
                return;
            }
            output.AddSource(hintName(model) + ".g.cs", source);
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
