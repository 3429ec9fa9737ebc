using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Diml.Generators.Diagnostics;

/// <summary>
/// Every diagnostic the generator reports. IDs are never reused; each has a page
/// <c>docs/diagnostics/DIMLnnn.md</c> with the cause, the fix and a bad and a good example.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "Diml";
    /// <summary>The repository of the package metadata (RepositoryUrl in Directory.Build.props); help links point into its docs.</summary>
    public const string RepositoryUrl = "https://github.com/diml-dev/diml";

    public const string HelpBase = RepositoryUrl + "/blob/main/docs/diagnostics/";

    public static readonly DiagnosticDescriptor UnsupportedStatement = Error("DIML001",
        "Unsupported statement in a differentiable method",
        "A '{0}' statement cannot be differentiated; {1}");

    public static readonly DiagnosticDescriptor UnsupportedExpression = Error("DIML002",
        "Unsupported expression in a differentiable method",
        "The expression '{0}' cannot be differentiated; {1}");

    public static readonly DiagnosticDescriptor NonDifferentiableCall = Error("DIML003",
        "Call to a method the differentiator does not know",
        "'{0}' is called with an argument that depends on the parameters, but it is neither [Differentiable] nor has a [CustomAdjoint]; mark it [Differentiable], give it a [CustomAdjoint], or mark it [NonDifferentiable] if its derivative is truly zero");

    public static readonly DiagnosticDescriptor WriteToParameter = Error("DIML004",
        "Write to a parameter or an input",
        "'{0}' is {1} and cannot be written in a kernel; copy it into a local (a scalar, or a stackalloc span) and change the copy");

    public static readonly DiagnosticDescriptor HeapAllocation = Error("DIML005",
        "Heap allocation in a kernel",
        "'{0}' allocates on the heap; kernels run millions of times per fit and must not allocate: use 'stackalloc float[n]' for scratch memory");

    public static readonly DiagnosticDescriptor Recursion = Error("DIML006",
        "Recursive differentiable method",
        "'{0}' calls itself{1}; recursion cannot be differentiated: write the computation as a 'for' loop");

    public static readonly DiagnosticDescriptor InvalidPayoffSignature = Error("DIML007",
        "Payoff method has an unsupported signature",
        "The payoff method '{0}' must have one of the forms 'void {0}(ReadOnlySpan<int> joint, Span<float> payoffs)' (joint), 'float {0}(ReadOnlySpan<int> joint, int agent)' (per agent) or 'float {0}(int ownAction, ReadOnlySpan<int> opponentCounts)' (anonymous); found '{1}'");

    public static readonly DiagnosticDescriptor InvalidLearningRuleSignature = Error("DIML008",
        "Learning-rule method has an unsupported signature",
        "The {0} method '{1}' must be '{2}'; found '{3}'");

    public static readonly DiagnosticDescriptor NotPartial = Error("DIML009",
        "Annotated type is not partial",
        "'{0}' must be declared 'partial' (with every containing type) so that the generator can add the differentiated code to it");

    public static readonly DiagnosticDescriptor MissingMethod = Error("DIML010",
        "Missing payoff, update or response method",
        "'{0}' has no method marked [{1}]{2}");

    public static readonly DiagnosticDescriptor InternalError = Error("DIML011",
        "Internal error in the Diml generator",
        "The Diml generator failed on '{0}': {1}. Please report this with the method's source; the rest of the build is unaffected.");

    public static readonly DiagnosticDescriptor UnsupportedType = Error("DIML012",
        "Unsupported type in a differentiable method",
        "'{0}' has type '{1}', which kernels do not support; {2}");

    /// <summary>The usual hint of <see cref="UnsupportedType"/>.</summary>
    public const string SupportedTypes = "use float, double, int, bool, Span<float>, ReadOnlySpan<float> or ReadOnlySpan<int>";

    public static readonly DiagnosticDescriptor UnsupportedLoop = Error("DIML013",
        "Unsupported loop form",
        "This 'for' loop cannot be differentiated: {0}. Write it as 'for (int i = start; i < end; i++)' (or '<=', '>', '>=', 'i--', 'i += constant') and do not assign the loop variable in the body");

    public static readonly DiagnosticDescriptor EarlyReturn = Error("DIML014",
        "Return before the end of a differentiable method",
        "This 'return' is not the last statement on its path; assign the value to a local and return it once at the end (a final 'if/else' whose branches both return is fine)");

    public static readonly DiagnosticDescriptor InvalidParamField = Error("DIML015",
        "Unsupported [Param] field",
        "[Param] field '{0}' has type '{1}'; parameters are 'float', 'float[]' or 'float[,]' instance fields that are not readonly-initialised elsewhere");

    public static readonly DiagnosticDescriptor ParameterOutsidePayoff = Error("DIML016",
        "Parameter read outside the payoff method",
        "[Param] field '{0}' is read in '{1}', which is not the payoff method; pass the parameter as an argument (e.g. a ReadOnlySpan<float>) so that its gradient reaches the right place");

    public static readonly DiagnosticDescriptor StackallocInLoop = Error("DIML017",
        "stackalloc inside a loop or branch",
        "'stackalloc' must be at the top level of the method body (inside a loop it grows the stack on every iteration, inside a branch the reverse sweep cannot see it); allocate the span once at the start and reuse it");

    public static readonly DiagnosticDescriptor SpanReassigned = Error("DIML018",
        "Span local reassigned",
        "Span local '{0}' is assigned after its declaration; spans in kernels name one buffer for their whole life: declare a second span instead");

    public static readonly DiagnosticDescriptor OutputAliasesInput = Error("DIML019",
        "Output span aliases an input",
        "'{0}' is passed both as an input and as the output of '{1}'; outputs are overwritten before the adjoint reads the inputs: write into a separate span");

    public static readonly DiagnosticDescriptor InvalidCustomAdjoint = Error("DIML020",
        "Custom adjoint not found",
        "[CustomAdjoint] on '{0}' names '{1}', but no method of that name exists in '{2}'");

    public static readonly DiagnosticDescriptor DuplicateMethod = Error("DIML021",
        "More than one payoff, update or response method",
        "'{0}' has more than one method marked [{1}]; keep exactly one");

    public static readonly DiagnosticDescriptor MemberReadsParameter = Error("DIML022",
        "Member of the mechanism reads a [Param] field",
        "'{0}' reads the [Param] field '{1}'; kernels read parameters from the flat vector theta, so a method or property that reads the field itself would see the field's initial value, not the parameter being fitted: inline the expression, or make it a [Differentiable] method that takes the parameter as an argument");

    // DIML023 ("[Param] field in a learning rule") is retired: [Param] fields of learning rules are learnable
    // parameters. The ID is never reused.

    private static readonly Dictionary<string, DiagnosticDescriptor> All = new()
    {
        [UnsupportedStatement.Id] = UnsupportedStatement,
        [UnsupportedExpression.Id] = UnsupportedExpression,
        [NonDifferentiableCall.Id] = NonDifferentiableCall,
        [WriteToParameter.Id] = WriteToParameter,
        [HeapAllocation.Id] = HeapAllocation,
        [Recursion.Id] = Recursion,
        [InvalidPayoffSignature.Id] = InvalidPayoffSignature,
        [InvalidLearningRuleSignature.Id] = InvalidLearningRuleSignature,
        [NotPartial.Id] = NotPartial,
        [MissingMethod.Id] = MissingMethod,
        [InternalError.Id] = InternalError,
        [UnsupportedType.Id] = UnsupportedType,
        [UnsupportedLoop.Id] = UnsupportedLoop,
        [EarlyReturn.Id] = EarlyReturn,
        [InvalidParamField.Id] = InvalidParamField,
        [ParameterOutsidePayoff.Id] = ParameterOutsidePayoff,
        [StackallocInLoop.Id] = StackallocInLoop,
        [SpanReassigned.Id] = SpanReassigned,
        [OutputAliasesInput.Id] = OutputAliasesInput,
        [InvalidCustomAdjoint.Id] = InvalidCustomAdjoint,
        [DuplicateMethod.Id] = DuplicateMethod,
        [MemberReadsParameter.Id] = MemberReadsParameter,
    };

    public static IEnumerable<DiagnosticDescriptor> Descriptors => All.Values;

    public static DiagnosticDescriptor ById(string id) => All[id];

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
            helpLinkUri: HelpBase + id + ".md");
}
