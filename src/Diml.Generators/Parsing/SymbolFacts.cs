using System.Linq;
using Diml.Generators.Ir;
using Microsoft.CodeAnalysis;

namespace Diml.Generators.Parsing;

/// <summary>Questions about Roslyn symbols the parser asks; the only other place that touches symbols.</summary>
internal static class SymbolFacts
{
    public static bool HasAttribute(ISymbol symbol, string metadataName)
        => symbol.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == metadataName);

    public static AttributeData? GetAttribute(ISymbol symbol, string metadataName)
        => symbol.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == metadataName);

    /// <summary>
    /// A named enum argument of an attribute, mapped by member name onto the generator's mirror of the enum
    /// (never by number, so reordering the runtime's enum cannot silently change its meaning).
    /// </summary>
    public static T EnumArgument<T>(AttributeData attribute, string name, T fallback) where T : struct
    {
        var argument = attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value;
        if (argument.Kind != TypedConstantKind.Enum || argument.Type is not INamedTypeSymbol type) return fallback;
        var member = type.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, argument.Value));
        return member is not null && System.Enum.TryParse(member.Name, out T value) ? value : fallback;
    }

    /// <summary>A named <c>bool</c> argument of an attribute, or <paramref name="fallback"/> when it is not given.</summary>
    public static bool BoolArgument(AttributeData attribute, string name, bool fallback)
    {
        var argument = attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value;
        return argument.Kind == TypedConstantKind.Primitive && argument.Value is bool value ? value : fallback;
    }

    public static bool IsReal(ITypeSymbol? type)
        => type?.SpecialType is SpecialType.System_Single or SpecialType.System_Double;

    /// <summary>Kind of a value of this type, or null when kernels do not support it.</summary>
    public static ValueKind? Classify(ITypeSymbol? type)
    {
        if (type is null) return null;
        switch (type.SpecialType)
        {
            case SpecialType.System_Single:
            case SpecialType.System_Double:
                return ValueKind.Real;
            case SpecialType.System_Int32:
                return ValueKind.Int;
            case SpecialType.System_Boolean:
                return ValueKind.Bool;
            case SpecialType.System_Void:
                return ValueKind.Void;
        }
        if (type is IArrayTypeSymbol array)
        {
            if (IsReal(array.ElementType)) return ValueKind.RealSpan;
            if (array.ElementType.SpecialType == SpecialType.System_Int32) return ValueKind.IntSpan;
            return null;
        }
        if (IsSpan(type, out _, out var element))
        {
            if (IsReal(element)) return ValueKind.RealSpan;
            if (element?.SpecialType == SpecialType.System_Int32) return ValueKind.IntSpan;
        }
        return null;
    }

    /// <summary>Whether the type is <c>Span&lt;T&gt;</c> or <c>ReadOnlySpan&lt;T&gt;</c>.</summary>
    public static bool IsSpan(ITypeSymbol type, out bool readOnly, out ITypeSymbol? element)
    {
        readOnly = false;
        element = null;
        if (type is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } named
            && named.ContainingNamespace?.ToDisplayString() == "System"
            && (named.Name == "Span" || named.Name == "ReadOnlySpan"))
        {
            readOnly = named.Name == "ReadOnlySpan";
            element = named.TypeArguments[0];
            return true;
        }
        return false;
    }

    /// <summary>How a callee takes each argument (CustomAdjointAttribute's convention).</summary>
    public static ArgumentRole RoleOf(IParameterSymbol parameter)
    {
        var type = parameter.Type;
        if (IsReal(type)) return ArgumentRole.Input;
        if (type is IArrayTypeSymbol array && IsReal(array.ElementType)) return ArgumentRole.InputSpan;
        if (IsSpan(type, out bool readOnly, out var element) && IsReal(element))
            return readOnly ? ArgumentRole.InputSpan : ArgumentRole.Output;
        return ArgumentRole.Constant;
    }

    public static string FullName(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
}
