using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Diml.Generators.Diagnostics;
using Diml.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Diml.Generators.Parsing;

/// <summary>
/// The parse step of each pipeline: from an annotated declaration to an equatable spec plus diagnostics.
/// Any exception becomes a DIML011 diagnostic; the generator never fails the build by throwing.
/// </summary>
internal static class DeclarationParser
{
    public static ParseResult<MechanismSpec> ParseMechanism(GeneratorAttributeSyntaxContext context, CancellationToken cancellation)
        => Guard<MechanismSpec>(context.TargetSymbol, context.TargetNode, diagnostics =>
        {
            var type = (INamedTypeSymbol)context.TargetSymbol;
            var typeSpec = DescribeType(type, diagnostics, context.TargetNode);
            var (parameters, fields) = ParamFields(type, diagnostics);

            var payoff = SingleMethod(type, KnownNames.Payoff, "Payoff", diagnostics, context.TargetNode,
                " (joint: 'void Payoffs(ReadOnlySpan<int> joint, Span<float> payoffs)', per agent: 'float Payoff(ReadOnlySpan<int> joint, int agent)', anonymous: 'float Payoff(int ownAction, ReadOnlySpan<int> opponentCounts)')");
            if (payoff is null) return null;
            var form = PayoffFormOf(payoff);
            if (form is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidPayoffSignature,
                    LocationInfo.From(payoff.Locations.FirstOrDefault()), payoff.Name, payoff.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)));
                return null;
            }
            var kernel = ParseKernel(payoff, parameters, true, context.SemanticModel, diagnostics, cancellation);
            if (kernel is null || typeSpec is null || diagnostics.Count > 0) return null;
            return new MechanismSpec(typeSpec, fields.ToEquatable(), form.Value, kernel);
        });

    public static ParseResult<LearningRuleSpec> ParseLearningRule(GeneratorAttributeSyntaxContext context, CancellationToken cancellation)
        => Guard<LearningRuleSpec>(context.TargetSymbol, context.TargetNode, diagnostics =>
        {
            var type = (INamedTypeSymbol)context.TargetSymbol;
            var typeSpec = DescribeType(type, diagnostics, context.TargetNode);
            // [Param] fields are the rule's learnable parameters, read from theta by the generated θ-versions.
            var (parameters, fields) = ParamFields(type, diagnostics);
            var update = SingleMethod(type, KnownNames.Update, "Update", diagnostics, context.TargetNode, "");
            var response = SingleMethod(type, KnownNames.Response, "Response", diagnostics, context.TargetNode, "");
            if (update is not null && !IsRuleSignature(update, 2, playedAction: true))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLearningRuleSignature, LocationInfo.From(update.Locations.FirstOrDefault()),
                    "update", update.Name, "void " + update.Name + "(ReadOnlySpan<float> state, ReadOnlySpan<float> payoffs, int played, Span<float> next)", update.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)));
            if (response is not null && !IsRuleSignature(response, 1, playedAction: false))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLearningRuleSignature, LocationInfo.From(response.Locations.FirstOrDefault()),
                    "response", response.Name, "void " + response.Name + "(ReadOnlySpan<float> state, Span<float> logPolicy)", response.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)));
            if (update is null || response is null || diagnostics.Count > 0) return null;
            var updateKernel = ParseKernel(update, parameters, true, context.SemanticModel, diagnostics, cancellation);
            var responseKernel = ParseKernel(response, parameters, true, context.SemanticModel, diagnostics, cancellation);
            KernelMethod? initialKernel = null;
            var initial = type.GetMembers().OfType<IMethodSymbol>().Where(m => SymbolFacts.HasAttribute(m, KnownNames.Initial)).ToList();
            if (initial.Count > 1)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateMethod, LocationInfo.From(initial[1].Locations.FirstOrDefault()), type.Name, "Initial"));
            else if (initial.Count == 1 && !IsRuleSignature(initial[0], 0, playedAction: false))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLearningRuleSignature, LocationInfo.From(initial[0].Locations.FirstOrDefault()),
                    "initial state", initial[0].Name, "void InitialState(Span<float> state)", initial[0].ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)));
            else if (initial.Count == 1)
                initialKernel = ParseKernel(initial[0], parameters, true, context.SemanticModel, diagnostics, cancellation);
            if (updateKernel is null || responseKernel is null || typeSpec is null || diagnostics.Count > 0) return null;
            var hyperparameters = type.GetMembers()
                .Where(m => !m.IsStatic && m.DeclaredAccessibility == Accessibility.Public && !m.IsImplicitlyDeclared)
                .Where(m => m is IPropertySymbol { Parameters.Length: 0, GetMethod: not null } p && IsNumber(p.Type) || m is IFieldSymbol f && IsNumber(f.Type))
                .Select(m => m.Name);
            return new LearningRuleSpec(typeSpec, updateKernel, responseKernel, hyperparameters.ToEquatable(), fields.ToEquatable(), initialKernel);
        });

    /// <summary>
    /// The <c>[Param]</c> fields of a mechanism or learning rule, in declaration order; a field of a type that
    /// cannot be learned is reported (DIML015) and left out.
    /// </summary>
    private static (Dictionary<IFieldSymbol, ParamField> BySymbol, List<ParamField> InOrder) ParamFields(INamedTypeSymbol type, List<DiagnosticInfo> diagnostics)
    {
        var parameters = new Dictionary<IFieldSymbol, ParamField>(SymbolEqualityComparer.Default);
        var fields = new List<ParamField>();
        foreach (var field in type.GetMembers().OfType<IFieldSymbol>())
        {
            var attribute = SymbolFacts.GetAttribute(field, KnownNames.Param);
            if (attribute is null) continue;
            int? rank = field.Type switch
            {
                _ when field.Type.SpecialType == SpecialType.System_Single => 0,
                IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Single, Rank: 1 } => 1,
                IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Single, Rank: 2 } => 2,
                _ => null,
            };
            if (rank is null || field.IsStatic || field.IsConst || (rank == 0 && field.IsReadOnly))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParamField,
                    LocationInfo.From(field.Locations.FirstOrDefault()), field.Name, field.Type.ToDisplayString()));
                continue;
            }
            var init = SymbolFacts.EnumArgument(attribute, "Init", InitScheme.Keep);
            var range = SymbolFacts.EnumArgument(attribute, "Range", RangeKind.Real);
            var param = new ParamField(field.Name, rank.Value, init, range);
            parameters[field] = param;
            fields.Add(param);
        }
        return (parameters, fields);
    }

    public static ParseResult<HelperSpec> ParseHelper(GeneratorAttributeSyntaxContext context, CancellationToken cancellation)
        => Guard<HelperSpec>(context.TargetSymbol, context.TargetNode, diagnostics =>
        {
            var method = (IMethodSymbol)context.TargetSymbol;
            return Helper(method, context.SemanticModel, diagnostics, null, cancellation);
        });

    private static HelperSpec? Helper(IMethodSymbol method, SemanticModel model, List<DiagnosticInfo> diagnostics,
        HashSet<IMethodSymbol>? validating, CancellationToken cancellation)
    {
        var node = method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellation);
        if (node is null) return null;
        var typeSpec = DescribeType(method.ContainingType, diagnostics, node);
        // Parameter fields of a mechanism are known, so a helper that reads one gets a precise error.
        var parameters = new Dictionary<IFieldSymbol, ParamField>(SymbolEqualityComparer.Default);
        foreach (var field in method.ContainingType.GetMembers().OfType<IFieldSymbol>())
            if (SymbolFacts.HasAttribute(field, KnownNames.Param)) parameters[field] = new ParamField(field.Name, 0, InitScheme.Keep);
        var kernel = ParseKernel(method, parameters, false, model, diagnostics, cancellation, validating);
        if (kernel is null || typeSpec is null || diagnostics.Count > 0) return null;
        return new HelperSpec(typeSpec, kernel);
    }

    /// <summary>
    /// Whether the helper pipeline will generate code for <paramref name="method"/>. A kernel calling a helper
    /// that is rejected emits nothing (the helper's own diagnostics explain why).
    /// </summary>
    public static bool IsValidHelper(IMethodSymbol method, Compilation compilation, HashSet<IMethodSymbol> validating, CancellationToken cancellation)
    {
        if (method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellation) is not MethodDeclarationSyntax syntax) return false;
        var scratch = new List<DiagnosticInfo>();
        try
        {
            return Helper(method, compilation.GetSemanticModel(syntax.SyntaxTree), scratch, validating, cancellation) is not null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return false; // its own pipeline reports the failure
        }
    }

    private static ParseResult<T> Guard<T>(ISymbol symbol, SyntaxNode node, Func<List<DiagnosticInfo>, T?> parse) where T : class
    {
        var diagnostics = new List<DiagnosticInfo>();
        try
        {
            var model = parse(diagnostics);
            return new ParseResult<T>(diagnostics.Count == 0 ? model : null, diagnostics.ToEquatable());
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception exception)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, LocationInfo.From(IdentifierOf(node, symbol)),
                symbol.Name, exception.GetType().Name + ": " + exception.Message));
            return new ParseResult<T>(null, diagnostics.ToEquatable());
        }
    }

    /// <summary>Where an error about a whole declaration is reported: a method's name, or the type's.</summary>
    public static Location? IdentifierOf(SyntaxNode node, ISymbol symbol)
        => node is MethodDeclarationSyntax method ? method.Identifier.GetLocation() : symbol.Locations.FirstOrDefault();

    private static KernelMethod? ParseKernel(IMethodSymbol method, IReadOnlyDictionary<IFieldSymbol, ParamField> parameters, bool parametersAllowed,
        SemanticModel targetModel, List<DiagnosticInfo> diagnostics, CancellationToken cancellation, HashSet<IMethodSymbol>? validating = null)
    {
        if (method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellation) is not MethodDeclarationSyntax syntax)
            return null;
        var model = syntax.SyntaxTree == targetModel.SyntaxTree ? targetModel : targetModel.Compilation.GetSemanticModel(syntax.SyntaxTree);
        return new KernelParser(model, method, parameters, parametersAllowed, diagnostics, cancellation, validating).Parse(syntax);
    }

    private static IMethodSymbol? SingleMethod(INamedTypeSymbol type, string attribute, string attributeName, List<DiagnosticInfo> diagnostics, SyntaxNode node, string hint)
    {
        var methods = type.GetMembers().OfType<IMethodSymbol>().Where(m => SymbolFacts.HasAttribute(m, attribute)).ToList();
        var location = LocationInfo.From(node is TypeDeclarationSyntax t ? t.Identifier.GetLocation() : node.GetLocation());
        if (methods.Count == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingMethod, location, type.Name, attributeName, hint));
            return null;
        }
        if (methods.Count > 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateMethod, LocationInfo.From(methods[1].Locations.FirstOrDefault()), type.Name, attributeName));
            return null;
        }
        return methods[0];
    }

    private static PayoffForm? PayoffFormOf(IMethodSymbol method)
    {
        if (method.IsStatic || method.IsGenericMethod || method.Parameters.Length != 2 || method.Parameters.Any(p => p.RefKind != RefKind.None)) return null;
        var first = method.Parameters[0].Type;
        var second = method.Parameters[1].Type;
        bool returnsFloat = method.ReturnType.SpecialType == SpecialType.System_Single;
        if (method.ReturnsVoid && IsSpanOf(first, true, SpecialType.System_Int32) && IsSpanOf(second, false, SpecialType.System_Single))
            return PayoffForm.Joint;
        if (returnsFloat && IsSpanOf(first, true, SpecialType.System_Int32) && second.SpecialType == SpecialType.System_Int32)
            return PayoffForm.PerAgent;
        if (returnsFloat && first.SpecialType == SpecialType.System_Int32 && IsSpanOf(second, true, SpecialType.System_Int32))
            return PayoffForm.Anonymous;
        return null;
    }

    /// <summary>Span inputs, then (for the update) the played action, then the output span.</summary>
    private static bool IsRuleSignature(IMethodSymbol method, int inputs, bool playedAction)
    {
        int count = inputs + (playedAction ? 1 : 0) + 1;
        if (method.IsStatic || !method.ReturnsVoid || method.IsGenericMethod || method.Parameters.Length != count) return false;
        if (method.Parameters.Any(p => p.RefKind != RefKind.None)) return false;
        for (int i = 0; i < inputs; i++)
            if (!IsSpanOf(method.Parameters[i].Type, true, SpecialType.System_Single)) return false;
        if (playedAction && method.Parameters[inputs].Type.SpecialType != SpecialType.System_Int32) return false;
        return IsSpanOf(method.Parameters[count - 1].Type, false, SpecialType.System_Single);
    }

    private static bool IsNumber(ITypeSymbol type)
        => type.SpecialType is SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Int32;

    private static bool IsSpanOf(ITypeSymbol type, bool readOnly, SpecialType element)
        => SymbolFacts.IsSpan(type, out bool isReadOnly, out var elementType) && isReadOnly == readOnly && elementType?.SpecialType == element;

    /// <summary>Where the generated code goes; reports a non-partial type or container.</summary>
    private static TypeSpec? DescribeType(INamedTypeSymbol type, List<DiagnosticInfo> diagnostics, SyntaxNode node)
    {
        var declarations = new List<string>();
        for (var current = type; current is not null; current = current.ContainingType)
        {
            bool partial = current.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is TypeDeclarationSyntax t && t.Modifiers.Any(SyntaxKind.PartialKeyword));
            if (!partial)
            {
                var location = current.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is TypeDeclarationSyntax declaration
                    ? declaration.Identifier.GetLocation() : node.GetLocation();
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotPartial, LocationInfo.From(location), current.Name));
                return null;
            }
            string keyword = current.IsRecord ? (current.IsValueType ? "record struct" : "record") : current.IsValueType ? "struct" : "class";
            declarations.Insert(0, (current.IsStatic ? "static " : "") + "partial " + keyword + " " + current.Name);
        }
        string ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : "";
        return new TypeSpec(ns, declarations.ToEquatable(), type.Name, SymbolFacts.FullName(type));
    }
}
