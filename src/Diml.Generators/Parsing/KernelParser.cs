using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Diml.Generators.Analysis;
using Diml.Generators.Diagnostics;
using Diml.Generators.Ir;
using Diml.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Diml.Generators.Parsing;

/// <summary>
/// Turns the body of one annotated method into kernel IR, reporting everything it cannot differentiate as a
/// located diagnostic. Locals get unique names, so emitted code can declare them all at the top.
/// </summary>
internal sealed class KernelParser
{

    private readonly SemanticModel _model;
    private readonly IMethodSymbol _method;
    private readonly IReadOnlyDictionary<IFieldSymbol, ParamField> _params;
    private readonly bool _paramsAllowed;
    private readonly CancellationToken _cancellation;
    private readonly List<DiagnosticInfo> _diagnostics;
    private readonly Dictionary<ISymbol, string> _localNames = new(SymbolEqualityComparer.Default);
    private readonly HashSet<string> _usedNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ParameterKind> _parameterKinds = new(StringComparer.Ordinal);
    private readonly List<(CallExpr Call, SyntaxNode Syntax, string Name)> _unknownCalls = new();
    private readonly Dictionary<Stmt, SyntaxNode> _returnSyntax = new(ReferenceComparer<Stmt>.Instance);
    private readonly HashSet<ISymbol> _rejectedLocals = new(SymbolEqualityComparer.Default);
    private readonly HashSet<IMethodSymbol> _validating;
    private bool _callsRejectedHelper;
    private int _loopDepth;
    private int _nesting; // loops and branches: stackalloc must be outside both

    public KernelParser(SemanticModel model, IMethodSymbol method, IReadOnlyDictionary<IFieldSymbol, ParamField> parameters,
        bool parametersAllowed, List<DiagnosticInfo> diagnostics, CancellationToken cancellation, HashSet<IMethodSymbol>? validating = null)
    {
        _validating = validating ?? new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        _validating.Add(method.OriginalDefinition);
        _model = model;
        _method = method;
        _params = parameters;
        _paramsAllowed = parametersAllowed;
        _diagnostics = diagnostics;
        _cancellation = cancellation;
    }

    /// <summary>Parses the method, or returns null when it has errors (which are in the diagnostics list).</summary>
    public KernelMethod? Parse(MethodDeclarationSyntax syntax)
    {
        int errorsBefore = _diagnostics.Count;
        var parameters = new List<KernelParameter>();
        foreach (string reserved in EmittedNames.Reserved) _usedNames.Add(reserved);
        foreach (var parameter in _method.Parameters)
        {
            _usedNames.Add(parameter.Name);
            var kind = ClassifyParameter(parameter);
            if (kind is null)
            {
                Report(DiagnosticDescriptors.UnsupportedType, parameter.Locations.FirstOrDefault(), parameter.Name, parameter.Type.ToDisplayString(), DiagnosticDescriptors.SupportedTypes);
                continue;
            }
            _parameterKinds[parameter.Name] = kind.Value;
            parameters.Add(new KernelParameter(parameter.Name, kind.Value));
        }

        var returns = SymbolFacts.Classify(_method.ReturnType);
        if (returns is not (ValueKind.Real or ValueKind.Void))
            Report(DiagnosticDescriptors.UnsupportedType, syntax.ReturnType.GetLocation(), _method.Name, _method.ReturnType.ToDisplayString(),
                "a differentiable method returns float or double, or is void and writes output spans (a method that computes an index is not differentiated: remove [Differentiable])");

        Block body;
        if (syntax.Body is { } block)
            body = ParseBlock(block.Statements);
        else if (syntax.ExpressionBody is { } arrow)
            body = new Block(new Stmt[] { ParseExpressionBody(arrow.Expression, returns is not (null or ValueKind.Void)) }.ToEquatable());
        else
        {
            Report(DiagnosticDescriptors.UnsupportedStatement, syntax.GetLocation(), "extern", "write the method body in C#");
            return null;
        }

        body = ReturnNormalizer.Normalize(body, stmt => Report(DiagnosticDescriptors.EarlyReturn,
            _returnSyntax.TryGetValue(stmt, out var node) ? node.GetLocation() : syntax.Identifier.GetLocation()));

        if (_diagnostics.Count == errorsBefore)
            CheckCalls(body);

        if (_diagnostics.Count != errorsBefore) return null;
        // A call to a helper that is itself rejected (and reported in its own right) would refer to methods
        // that are never generated: emit nothing here either, so that only the helper's error is shown.
        if (_callsRejectedHelper) return null;

        string accessibility = SyntaxFacts.GetText(_method.DeclaredAccessibility);
        return new KernelMethod(_method.Name, _method.IsStatic, accessibility, parameters.ToEquatable(),
            returns ?? ValueKind.Void, body, _method.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat));
    }

    internal void Report(DiagnosticDescriptor descriptor, Location? location, params string[] arguments)
        => _diagnostics.Add(DiagnosticInfo.Create(descriptor, LocationInfo.From(location), arguments));

    private void Report(DiagnosticDescriptor descriptor, SyntaxNode node, params string[] arguments)
        => Report(descriptor, node.GetLocation(), arguments);

    private static ParameterKind? ClassifyParameter(IParameterSymbol parameter)
    {
        if (parameter.RefKind != RefKind.None && parameter.RefKind != RefKind.In) return null;
        var type = parameter.Type;
        switch (SymbolFacts.Classify(type))
        {
            case ValueKind.Real: return ParameterKind.RealScalar;
            case ValueKind.Int: return ParameterKind.IntScalar;
            case ValueKind.Bool: return ParameterKind.BoolScalar;
            case ValueKind.RealSpan when SymbolFacts.IsSpan(type, out bool readOnly, out _):
                return readOnly ? ParameterKind.RealSpanInput : ParameterKind.RealSpanOutput;
            case ValueKind.IntSpan when SymbolFacts.IsSpan(type, out bool readOnly, out _) && readOnly:
                return ParameterKind.IntSpanInput;
            default: return null;
        }
    }

    // ---------------------------------------------------------------- statements

    private Block ParseBlock(IEnumerable<StatementSyntax> statements)
    {
        var result = new List<Stmt>();
        foreach (var statement in statements)
        {
            _cancellation.ThrowIfCancellationRequested();
            ParseStatement(statement, result);
        }
        return new Block(result.ToEquatable());
    }

    private Block ParseEmbedded(StatementSyntax statement)
        => statement is BlockSyntax block ? ParseBlock(block.Statements) : ParseBlock(new[] { statement });

    private Stmt ParseExpressionBody(ExpressionSyntax expression, bool returnsValue)
    {
        if (returnsValue) return new ReturnStmt(ParseExpr(expression));
        var statements = new List<Stmt>();
        ParseExpressionStatement(expression, statements);
        return statements.Count == 1 ? statements[0] : new Block(statements.ToEquatable());
    }

    private bool InLoop => _loopDepth > 0;

    private void ParseStatement(StatementSyntax statement, List<Stmt> output)
    {
        switch (statement)
        {
            case BlockSyntax block:
                output.AddRange(ParseBlock(block.Statements).Statements);
                return;
            case EmptyStatementSyntax:
                return;
            case LocalDeclarationStatementSyntax declaration:
                ParseDeclaration(declaration, output);
                return;
            case ExpressionStatementSyntax expression:
                ParseExpressionStatement(expression.Expression, output);
                return;
            case ForStatementSyntax loop:
                ParseFor(loop, output);
                return;
            case IfStatementSyntax branch:
            {
                var condition = ParseCondition(branch.Condition);
                _nesting++;
                var then = ParseEmbedded(branch.Statement);
                var otherwise = branch.Else is null ? null : ParseEmbedded(branch.Else.Statement);
                _nesting--;
                output.Add(new IfStmt(condition, then, otherwise, InLoop));
                return;
            }
            case LabeledStatementSyntax labeled:
                // A label alone is harmless; a 'goto' to it is reported where it is.
                ParseStatement(labeled.Statement, output);
                return;
            case ReturnStatementSyntax ret:
                output.Add(new ReturnStmt(ret.Expression is null ? null : ParseExpr(ret.Expression)));
                _returnSyntax[output[output.Count - 1]] = ret;
                return;
            default:
                Report(DiagnosticDescriptors.UnsupportedStatement, statement, StatementName(statement), StatementHint(statement));
                return;
        }
    }

    private static string StatementName(StatementSyntax statement) => statement switch
    {
        WhileStatementSyntax => "while",
        DoStatementSyntax => "do",
        ForEachStatementSyntax => "foreach",
        SwitchStatementSyntax => "switch",
        TryStatementSyntax => "try",
        UsingStatementSyntax => "using",
        LockStatementSyntax => "lock",
        GotoStatementSyntax => "goto",
        BreakStatementSyntax => "break",
        ContinueStatementSyntax => "continue",
        ThrowStatementSyntax => "throw",
        YieldStatementSyntax => "yield",
        LocalFunctionStatementSyntax => "local function",
        CheckedStatementSyntax => "checked",
        UnsafeStatementSyntax => "unsafe",
        FixedStatementSyntax => "fixed",
        LabeledStatementSyntax => "labeled",
        _ => statement.Kind().ToString(),
    };

    private static string StatementHint(StatementSyntax statement) => statement switch
    {
        WhileStatementSyntax or DoStatementSyntax => "write a 'for' loop with a fixed trip count (iterate to a bound and use 'if' inside)",
        ForEachStatementSyntax => "use 'for (int i = 0; i < span.Length; i++)'",
        SwitchStatementSyntax => "use 'if/else' or '?:'",
        BreakStatementSyntax or ContinueStatementSyntax => "guard the rest of the loop body with 'if'",
        GotoStatementSyntax => "kernels have no jumps: put the statements to skip under 'if/else'",
        TryStatementSyntax or ThrowStatementSyntax => "validate inputs before calling the kernel; kernels cannot throw or catch",
        LocalFunctionStatementSyntax => "move it to a [Differentiable] method of the class",
        _ => "kernels support locals, assignments, 'for', 'if/else', calls and 'return'",
    };

    private void ParseDeclaration(LocalDeclarationStatementSyntax declaration, List<Stmt> output)
    {
        if (declaration.IsConst) return; // constants are folded where they are used
        foreach (var variable in declaration.Declaration.Variables)
        {
            if (_model.GetDeclaredSymbol(variable, _cancellation) is not ILocalSymbol local) continue;
            if (local.RefKind != RefKind.None)
            {
                Report(DiagnosticDescriptors.UnsupportedStatement, variable, "ref local", "use a plain local");
                continue;
            }
            var kind = SymbolFacts.Classify(local.Type);
            var init = variable.Initializer?.Value;
            if (init is LambdaExpressionSyntax or AnonymousMethodExpressionSyntax)
            {
                _rejectedLocals.Add(local);
                ParseExpr(init); // reports the lambda (DIML002)
                continue;
            }
            if (kind is null or ValueKind.Void)
            {
                _rejectedLocals.Add(local);
                Report(DiagnosticDescriptors.UnsupportedType, declaration.Declaration.Type, local.Name, local.Type.ToDisplayString(), DiagnosticDescriptors.SupportedTypes);
                continue;
            }
            if (local.Type is IArrayTypeSymbol array)
            {
                _rejectedLocals.Add(local);
                if (init is null or ArrayCreationExpressionSyntax or ImplicitArrayCreationExpressionSyntax or CollectionExpressionSyntax)
                    Report(DiagnosticDescriptors.HeapAllocation, (SyntaxNode?)init ?? variable, (init ?? (SyntaxNode)variable).ToString());
                else
                    Report(DiagnosticDescriptors.UnsupportedType, declaration.Declaration.Type, local.Name, local.Type.ToDisplayString(),
                        "declare it as 'ReadOnlySpan<" + array.ElementType.ToDisplayString() + "> " + local.Name + " = " + init + "' (a span over the same memory: nothing is copied or allocated)");
                continue;
            }
            string name = DeclareName(local);
            if (kind is ValueKind.RealSpan or ValueKind.IntSpan)
            {
                if (init is null)
                {
                    Report(DiagnosticDescriptors.UnsupportedStatement, variable, "uninitialised span", "initialise the span with 'stackalloc' or a slice where it is declared");
                    continue;
                }
                var size = StackAllocSize(init);
                if (size is not null)
                {
                    if (_nesting > 0) Report(DiagnosticDescriptors.StackallocInLoop, init);
                    output.Add(new StackAlloc(name, kind.Value, ParseExpr(size)));
                }
                else
                {
                    SymbolFacts.IsSpan(local.Type, out bool readOnly, out _);
                    output.Add(new SpanAlias(name, ParseSpanValue(init), !readOnly));
                }
                continue;
            }
            output.Add(new DeclareLocal(name, kind.Value, init is null ? null : ParseExpr(init), InLoop));
        }
    }

    private static ExpressionSyntax? StackAllocSize(ExpressionSyntax init)
    {
        if (init is StackAllocArrayCreationExpressionSyntax { Type: ArrayTypeSyntax array }
            && array.RankSpecifiers.Count == 1 && array.RankSpecifiers[0].Sizes.Count == 1
            && array.RankSpecifiers[0].Sizes[0] is not OmittedArraySizeExpressionSyntax)
            return array.RankSpecifiers[0].Sizes[0];
        return null;
    }

    private Expr ParseSpanValue(ExpressionSyntax init)
    {
        var value = ParseExpr(init);
        if (value is not (LocalRef or SliceExpr or ParamRef or ConstantRef))
            Report(DiagnosticDescriptors.UnsupportedExpression, init, init.ToString(), "a span local must be initialised with 'stackalloc', a slice of another span, or a field");
        return value;
    }

    private string DeclareName(ISymbol symbol)
    {
        // A local named like the emitted code's own (an adjoint 'xBar', a temporary 'seed1') gets a '_' suffix.
        string stem = EmittedNames.IsEmitted(symbol.Name) ? symbol.Name + "_" : symbol.Name;
        string name = stem;
        int suffix = 2;
        while (!_usedNames.Add(name)) name = stem + suffix++.ToString(CultureInfo.InvariantCulture);
        _localNames[symbol] = name;
        return name;
    }


    private void ParseExpressionStatement(ExpressionSyntax expression, List<Stmt> output)
    {
        switch (expression)
        {
            case AssignmentExpressionSyntax assignment:
                ParseAssignment(assignment, output);
                return;
            case PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostIncrementExpression or (int)SyntaxKind.PostDecrementExpression } postfix:
                ParseIncrement(postfix.Operand, postfix.IsKind(SyntaxKind.PostIncrementExpression), output);
                return;
            case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression } prefix:
                ParseIncrement(prefix.Operand, prefix.IsKind(SyntaxKind.PreIncrementExpression), output);
                return;
            case InvocationExpressionSyntax invocation:
                var call = ParseExpr(invocation);
                if (call is CallExpr callExpr)
                {
                    output.Add(new CallStmt(callExpr, InLoop));
                    return;
                }
                Report(DiagnosticDescriptors.UnsupportedStatement, expression, "call", "only calls to methods that write output spans can stand alone");
                return;
            default:
                Report(DiagnosticDescriptors.UnsupportedStatement, expression, expression.Kind().ToString(), "kernels support assignments, increments and calls as statements");
                return;
        }
    }

    private void ParseIncrement(ExpressionSyntax operand, bool increment, List<Stmt> output)
    {
        var target = ParseTarget(operand);
        if (target is null) return;
        var one = new Literal(1, target.Kind);
        output.Add(new Assign(target, increment ? AssignOperator.Add : AssignOperator.Subtract, one, InLoop));
    }

    private void ParseAssignment(AssignmentExpressionSyntax assignment, List<Stmt> output)
    {
        var target = ParseTarget(assignment.Left);
        if (target is null) return;
        var value = ParseExpr(assignment.Right);
        // x *= e is x = x * e: the product rule needs the old x, which the restore discipline keeps.
        (AssignOperator Assign, BinaryOperator? Combine)? op = assignment.Kind() switch
        {
            SyntaxKind.SimpleAssignmentExpression => (AssignOperator.Set, null),
            SyntaxKind.AddAssignmentExpression => (AssignOperator.Add, null),
            SyntaxKind.SubtractAssignmentExpression => (AssignOperator.Subtract, null),
            SyntaxKind.MultiplyAssignmentExpression => (AssignOperator.Set, BinaryOperator.Multiply),
            SyntaxKind.DivideAssignmentExpression => (AssignOperator.Set, BinaryOperator.Divide),
            SyntaxKind.ModuloAssignmentExpression => (AssignOperator.Set, BinaryOperator.Remainder),
            _ => null,
        };
        if (op is null)
        {
            Report(DiagnosticDescriptors.UnsupportedExpression, assignment, assignment.ToString(), "use '=', '+=', '-=', '*=', '/=' or '%='");
            return;
        }
        if (op.Value.Combine == BinaryOperator.Remainder && target.Kind == ValueKind.Real)
        {
            Report(DiagnosticDescriptors.UnsupportedExpression, assignment, assignment.ToString(), "'%' is supported on integers only");
            return;
        }
        if (op.Value.Combine is { } combine)
            value = new BinaryExpr(combine, target, value, target.Kind);
        if (target.Kind != ValueKind.Real && value.Kind == ValueKind.Real)
            value = new CastExpr(value, target.Kind);
        output.Add(new Assign(target, op.Value.Assign, value, InLoop));
    }

    /// <summary>The left side of an assignment: a scalar local or an element of a writable span.</summary>
    private Expr? ParseTarget(ExpressionSyntax syntax)
    {
        var symbol = _model.GetSymbolInfo(syntax, _cancellation).Symbol;
        if (syntax is ElementAccessExpressionSyntax element)
        {
            var targetSymbol = _model.GetSymbolInfo(element.Expression, _cancellation).Symbol;
            if (targetSymbol is IFieldSymbol field)
            {
                Report(DiagnosticDescriptors.WriteToParameter, syntax, field.Name, _params.ContainsKey(field) ? "a [Param] field" : "a field");
                return null;
            }
            if (targetSymbol is IParameterSymbol parameter && _parameterKinds.TryGetValue(parameter.Name, out var kind)
                && kind is ParameterKind.RealSpanInput or ParameterKind.IntSpanInput)
            {
                Report(DiagnosticDescriptors.WriteToParameter, syntax, parameter.Name, "an input");
                return null;
            }
            var expr = ParseExpr(syntax);
            return expr is ElementRef ? expr : null;
        }
        switch (symbol)
        {
            case IFieldSymbol field:
                Report(DiagnosticDescriptors.WriteToParameter, syntax, field.Name, _params.ContainsKey(field) ? "a [Param] field" : "a field");
                return null;
            case IPropertySymbol property:
                Report(DiagnosticDescriptors.WriteToParameter, syntax, property.Name, "a property");
                return null;
            case ILocalSymbol local when SymbolFacts.Classify(local.Type) is ValueKind.RealSpan or ValueKind.IntSpan:
                Report(DiagnosticDescriptors.SpanReassigned, syntax, local.Name);
                return null;
            case IParameterSymbol parameter when SymbolFacts.Classify(parameter.Type) is ValueKind.RealSpan or ValueKind.IntSpan:
                Report(DiagnosticDescriptors.SpanReassigned, syntax, parameter.Name);
                return null;
            case ILocalSymbol:
            case IParameterSymbol:
                return ParseExpr(syntax);
            default:
                Report(DiagnosticDescriptors.UnsupportedExpression, syntax, syntax.ToString(), "assign to a local or to an element of a span");
                return null;
        }
    }

    private void ParseFor(ForStatementSyntax loop, List<Stmt> output)
    {
        if (loop.Declaration is not { Variables.Count: 1 } declaration
            || loop.Initializers.Count != 0
            || declaration.Variables[0].Initializer is null
            || _model.GetDeclaredSymbol(declaration.Variables[0], _cancellation) is not ILocalSymbol variable
            || variable.Type.SpecialType != SpecialType.System_Int32)
        {
            Report(DiagnosticDescriptors.UnsupportedLoop, loop.ForKeyword.GetLocation(), "the loop must declare one 'int' variable with an initial value");
            return;
        }
        if (loop.Condition is not BinaryExpressionSyntax condition
            || !IsSymbol(condition.Left, variable)
            || condition.Kind() is not (SyntaxKind.LessThanExpression or SyntaxKind.LessThanOrEqualExpression
                or SyntaxKind.GreaterThanExpression or SyntaxKind.GreaterThanOrEqualExpression))
        {
            Report(DiagnosticDescriptors.UnsupportedLoop, (SyntaxNode?)loop.Condition ?? loop, $"the condition must compare '{variable.Name}' with a bound using <, <=, > or >=");
            return;
        }
        int? step = loop.Incrementors.Count == 1 ? StepOf(loop.Incrementors[0], variable) : null;
        if (step is null or 0)
        {
            Report(DiagnosticDescriptors.UnsupportedLoop, loop.Incrementors.Count > 0 ? loop.Incrementors[0] : loop, $"the step must be '{variable.Name}++', '{variable.Name}--' or '{variable.Name} += constant'");
            return;
        }
        foreach (var node in loop.Statement.DescendantNodesAndSelf())
        {
            ExpressionSyntax? written = node switch
            {
                AssignmentExpressionSyntax a => a.Left,
                PostfixUnaryExpressionSyntax p when p.IsKind(SyntaxKind.PostIncrementExpression) || p.IsKind(SyntaxKind.PostDecrementExpression) => p.Operand,
                PrefixUnaryExpressionSyntax p when p.IsKind(SyntaxKind.PreIncrementExpression) || p.IsKind(SyntaxKind.PreDecrementExpression) => p.Operand,
                _ => null,
            };
            if (written is not null && IsSymbol(written, variable))
            {
                Report(DiagnosticDescriptors.UnsupportedLoop, written, $"the body assigns the loop variable '{variable.Name}'");
                return;
            }
        }

        var start = ParseExpr(declaration.Variables[0].Initializer!.Value);
        var bound = ParseExpr(condition.Right);
        bool inLoop = InLoop;
        string name = DeclareName(variable);
        _loopDepth++;
        _nesting++;
        var body = ParseEmbedded(loop.Statement);
        _nesting--;
        _loopDepth--;
        var comparison = condition.Kind() switch
        {
            SyntaxKind.LessThanExpression => BinaryOperator.Less,
            SyntaxKind.LessThanOrEqualExpression => BinaryOperator.LessOrEqual,
            SyntaxKind.GreaterThanExpression => BinaryOperator.Greater,
            _ => BinaryOperator.GreaterOrEqual,
        };
        output.Add(new ForLoop(name, start, comparison, bound, step.Value, body, inLoop));
    }

    private int? StepOf(ExpressionSyntax incrementor, ILocalSymbol variable)
    {
        switch (incrementor)
        {
            case PostfixUnaryExpressionSyntax p when IsSymbol(p.Operand, variable):
                return p.IsKind(SyntaxKind.PostIncrementExpression) ? 1 : p.IsKind(SyntaxKind.PostDecrementExpression) ? -1 : null;
            case PrefixUnaryExpressionSyntax p when IsSymbol(p.Operand, variable):
                return p.IsKind(SyntaxKind.PreIncrementExpression) ? 1 : p.IsKind(SyntaxKind.PreDecrementExpression) ? -1 : null;
            case AssignmentExpressionSyntax a when IsSymbol(a.Left, variable)
                && (a.IsKind(SyntaxKind.AddAssignmentExpression) || a.IsKind(SyntaxKind.SubtractAssignmentExpression)):
                var constant = _model.GetConstantValue(a.Right, _cancellation);
                if (!constant.HasValue || constant.Value is not int value) return null;
                return a.IsKind(SyntaxKind.AddAssignmentExpression) ? value : -value;
            default:
                return null;
        }
    }

    private bool IsSymbol(ExpressionSyntax syntax, ISymbol symbol)
        => SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(syntax, _cancellation).Symbol, symbol);

    private Expr ParseCondition(ExpressionSyntax condition)
    {
        var expr = ParseExpr(condition);
        if (expr.Kind != ValueKind.Bool && !IsError(expr))
            Report(DiagnosticDescriptors.UnsupportedExpression, condition, condition.ToString(), "a condition must be a bool");
        return expr;
    }

    // ---------------------------------------------------------------- expressions

    /// <summary>Reports and returns a placeholder that later checks skip, so one mistake gives one diagnostic.</summary>
    private Expr Error(DiagnosticDescriptor descriptor, SyntaxNode node, params string[] arguments)
    {
        Report(descriptor, node, arguments);
        return ErrorPlaceholder;
    }

    private static readonly Expr ErrorPlaceholder = new Literal(0, ValueKind.Void);

    private static bool IsError(Expr expr) => ReferenceEquals(expr, ErrorPlaceholder);

    internal Expr ParseExpr(ExpressionSyntax syntax)
    {
        _cancellation.ThrowIfCancellationRequested();
        var typeInfo = _model.GetTypeInfo(syntax, _cancellation);
        var kind = SymbolFacts.Classify(typeInfo.ConvertedType ?? typeInfo.Type);

        // Anything the compiler can fold (literals, const fields, MathF.PI, 1f / 3) is a literal.
        var constant = _model.GetConstantValue(syntax, _cancellation);
        if (constant.HasValue && constant.Value is not null && kind is ValueKind.Real or ValueKind.Int or ValueKind.Bool)
        {
            double value = constant.Value switch
            {
                bool b => b ? 1 : 0,
                IConvertible c => c.ToDouble(CultureInfo.InvariantCulture),
                _ => double.NaN,
            };
            if (!double.IsNaN(value)) return new Literal(value, kind.Value);
        }

        switch (syntax)
        {
            case ParenthesizedExpressionSyntax parenthesized:
                return ParseExpr(parenthesized.Expression);
            case IdentifierNameSyntax:
            case MemberAccessExpressionSyntax:
            case ThisExpressionSyntax:
                return ParseName(syntax);
            case ElementAccessExpressionSyntax element:
                return ParseElement(element);
            case BinaryExpressionSyntax binary:
                return ParseBinary(binary);
            case PrefixUnaryExpressionSyntax prefix when prefix.IsKind(SyntaxKind.UnaryMinusExpression) || prefix.IsKind(SyntaxKind.UnaryPlusExpression) || prefix.IsKind(SyntaxKind.LogicalNotExpression):
            {
                var operand = ParseExpr(prefix.Operand);
                if (prefix.IsKind(SyntaxKind.UnaryPlusExpression)) return operand;
                bool not = prefix.IsKind(SyntaxKind.LogicalNotExpression);
                return new UnaryExpr(not ? UnaryOperator.Not : UnaryOperator.Negate, operand, not ? ValueKind.Bool : operand.Kind);
            }
            case CastExpressionSyntax cast:
            {
                var target = SymbolFacts.Classify(_model.GetTypeInfo(cast.Type, _cancellation).Type);
                if (target is not (ValueKind.Real or ValueKind.Int))
                    return Error(DiagnosticDescriptors.UnsupportedExpression, cast, cast.ToString(), "kernels cast only between float, double and int");
                var operand = ParseExpr(cast.Expression);
                return operand.Kind == target ? operand : new CastExpr(operand, target.Value);
            }
            case ConditionalExpressionSyntax conditional:
            {
                var condition = ParseCondition(conditional.Condition);
                var whenTrue = ParseExpr(conditional.WhenTrue);
                var whenFalse = ParseExpr(conditional.WhenFalse);
                var resultKind = kind ?? whenTrue.Kind;
                return new ConditionalExpr(condition, Convert(whenTrue, resultKind), Convert(whenFalse, resultKind), resultKind);
            }
            case InvocationExpressionSyntax invocation:
                return ParseInvocation(invocation);
            case ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax or ArrayCreationExpressionSyntax
                or ImplicitArrayCreationExpressionSyntax or CollectionExpressionSyntax or InterpolatedStringExpressionSyntax
                or AnonymousObjectCreationExpressionSyntax:
                return Error(DiagnosticDescriptors.HeapAllocation, syntax, syntax.ToString());
            case LambdaExpressionSyntax or AnonymousMethodExpressionSyntax:
                return Error(DiagnosticDescriptors.UnsupportedExpression, syntax, syntax.ToString(), "lambdas are not supported; write a [Differentiable] method and call it");
            case QueryExpressionSyntax:
                return Error(DiagnosticDescriptors.UnsupportedExpression, syntax, syntax.ToString(), "LINQ is not supported; write a 'for' loop");
            case StackAllocArrayCreationExpressionSyntax or ImplicitStackAllocArrayCreationExpressionSyntax:
                return Error(DiagnosticDescriptors.UnsupportedExpression, syntax, syntax.ToString(), "'stackalloc' may only initialise a span local: 'Span<float> h = stackalloc float[n];'");
            case AssignmentExpressionSyntax:
            case PostfixUnaryExpressionSyntax:
            case PrefixUnaryExpressionSyntax:
                return Error(DiagnosticDescriptors.UnsupportedExpression, syntax, syntax.ToString(), "assignments and increments must be statements of their own");
            default:
                return Error(DiagnosticDescriptors.UnsupportedExpression, syntax, syntax.ToString(), "kernels support arithmetic, comparisons, '?:', casts, indexers, Math/MathF functions and calls");
        }
    }

    private static Expr Convert(Expr expr, ValueKind kind)
        => expr.Kind == kind || kind is not (ValueKind.Real or ValueKind.Int) || expr.Kind is not (ValueKind.Real or ValueKind.Int)
            ? expr : expr is Literal literal ? new Literal(literal.Value, kind) : new CastExpr(expr, kind);

    private Expr ParseBinary(BinaryExpressionSyntax binary)
    {
        if (Operators.ParseBinary(binary.OperatorToken.Text) is not { } op)
            return Error(DiagnosticDescriptors.UnsupportedExpression, binary, binary.ToString(), "use arithmetic, comparison or logical operators");
        var left = ParseExpr(binary.Left);
        var right = ParseExpr(binary.Right);
        var resultKind = SymbolFacts.Classify(_model.GetTypeInfo(binary, _cancellation).Type);
        if (resultKind is not (ValueKind.Real or ValueKind.Int or ValueKind.Bool))
            return Error(DiagnosticDescriptors.UnsupportedExpression, binary, binary.ToString(), "operands must be numbers or booleans");
        if (op == BinaryOperator.Remainder && resultKind == ValueKind.Real)
            return Error(DiagnosticDescriptors.UnsupportedExpression, binary, binary.ToString(), "'%' is supported on integers only");
        // Mixed int/real arithmetic: make the implicit conversion explicit so both precisions emit it.
        if (resultKind == ValueKind.Real || (resultKind == ValueKind.Bool && (left.Kind == ValueKind.Real || right.Kind == ValueKind.Real)))
        {
            left = Convert(left, ValueKind.Real);
            right = Convert(right, ValueKind.Real);
        }
        return new BinaryExpr(op, left, right, resultKind.Value);
    }

    private Expr ParseName(ExpressionSyntax syntax)
    {
        var symbol = _model.GetSymbolInfo(syntax, _cancellation).Symbol;
        switch (symbol)
        {
            case ILocalSymbol local:
                if (_localNames.TryGetValue(local, out var name))
                    return new LocalRef(name, SymbolFacts.Classify(local.Type) ?? ValueKind.Real);
                if (_rejectedLocals.Contains(local)) return ErrorPlaceholder; // its declaration is reported
                return Error(DiagnosticDescriptors.UnsupportedExpression, syntax, syntax.ToString(), "the local is not declared in a way kernels support");
            case IParameterSymbol parameter when _parameterKinds.TryGetValue(parameter.Name, out _) && SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, _method):
                return new LocalRef(parameter.Name, SymbolFacts.Classify(parameter.Type) ?? ValueKind.Real);
            case IFieldSymbol field when _params.TryGetValue(field, out var param):
                if (!_paramsAllowed)
                    return Error(DiagnosticDescriptors.ParameterOutsidePayoff, syntax, field.Name, _method.Name);
                return new ParamRef(param.Name, param.Rank);
            case IFieldSymbol field:
                return Constant(syntax, field, field.Type, field.IsStatic);
            case IPropertySymbol property when syntax is MemberAccessExpressionSyntax { Name.Identifier.Text: "Length" } access
                                           && SymbolFacts.Classify(_model.GetTypeInfo(access.Expression, _cancellation).Type) is ValueKind.RealSpan or ValueKind.IntSpan:
                return new LengthExpr(ParseExpr(access.Expression), -1);
            case IPropertySymbol property when property.Parameters.Length == 0:
                if (ParamReads.FirstRead(property, _params, _model.Compilation, _cancellation) is { } read)
                    return Error(DiagnosticDescriptors.MemberReadsParameter, syntax, property.Name, read);
                return Constant(syntax, property, property.Type, property.IsStatic);
            default:
                return Error(DiagnosticDescriptors.UnsupportedExpression, syntax, syntax.ToString(), "kernels read locals, parameters, fields and properties");
        }
    }

    private Expr Constant(ExpressionSyntax syntax, ISymbol member, ITypeSymbol type, bool isStatic)
    {
        var kind = SymbolFacts.Classify(type);
        if (kind is null or ValueKind.Void)
            return Error(DiagnosticDescriptors.UnsupportedType, syntax, member.Name, type.ToDisplayString(), DiagnosticDescriptors.SupportedTypes);
        string text = isStatic ? SymbolFacts.FullName(member.ContainingType) + "." + member.Name : "this." + member.Name;
        int rank = type is IArrayTypeSymbol array ? array.Rank : 0;
        return new ConstantRef(text, kind.Value, rank);
    }

    private Expr ParseElement(ElementAccessExpressionSyntax element)
    {
        var target = ParseExpr(element.Expression);
        if (IsError(target)) return target;
        if (target.Kind is not (ValueKind.RealSpan or ValueKind.IntSpan))
            return Error(DiagnosticDescriptors.UnsupportedExpression, element, element.ToString(), "only spans and arrays can be indexed");
        var arguments = element.ArgumentList.Arguments;
        if (arguments.Count is < 1 or > 2 || arguments.Any(a => a.Expression is RangeExpressionSyntax || a.Expression is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.IndexExpression }))
            return Error(DiagnosticDescriptors.UnsupportedExpression, element, element.ToString(), "index with one or two int expressions (use Slice for ranges)");
        var index = ParseExpr(arguments[0].Expression);
        var column = arguments.Count == 2 ? ParseExpr(arguments[1].Expression) : null;
        var elementKind = target.Kind == ValueKind.RealSpan ? ValueKind.Real : ValueKind.Int;
        return new ElementRef(target, index, column, elementKind);
    }

    private Expr ParseInvocation(InvocationExpressionSyntax invocation)
    {
        if (invocation.Expression is IdentifierNameSyntax callee0 && _model.GetSymbolInfo(callee0, _cancellation).Symbol is ILocalSymbol rejected
            && _rejectedLocals.Contains(rejected))
            return ErrorPlaceholder; // a delegate local: its declaration is reported
        if (_model.GetSymbolInfo(invocation, _cancellation).Symbol is not IMethodSymbol callee)
            return Error(DiagnosticDescriptors.UnsupportedExpression, invocation, invocation.ToString(), "the call could not be resolved");
        var args = invocation.ArgumentList.Arguments;
        if (args.Any(a => !a.RefKindKeyword.IsKind(SyntaxKind.None) || a.NameColon is not null))
            return Error(DiagnosticDescriptors.UnsupportedExpression, invocation, invocation.ToString(), "pass arguments by position and by value");
        if (callee.IsGenericMethod)
            return Error(DiagnosticDescriptors.UnsupportedExpression, invocation, invocation.ToString(), "generic methods are not supported in kernels");

        string? containing = callee.ContainingType?.ToDisplayString();
        var resultKind = SymbolFacts.Classify(callee.ReturnType);

        // Span methods: only Slice, which names part of a span.
        if (invocation.Expression is MemberAccessExpressionSyntax receiverAccess && !callee.IsStatic
            && SymbolFacts.Classify(callee.ContainingType) is ValueKind.RealSpan or ValueKind.IntSpan)
        {
            if (callee.Name == "Slice" && args.Count is 1 or 2)
                return new SliceExpr(ParseExpr(receiverAccess.Expression), ParseExpr(args[0].Expression), args.Count == 2 ? ParseExpr(args[1].Expression) : null);
            if (callee.Name == "GetLength" && args.Count == 1 && _model.GetConstantValue(args[0].Expression).Value is int dimension)
                return new LengthExpr(ParseExpr(receiverAccess.Expression), dimension);
            return Error(DiagnosticDescriptors.UnsupportedExpression, invocation, invocation.ToString(), "the only span methods kernels support are Slice and Length (write loops for the rest)");
        }
        if (callee.Name == "GetLength" && callee.ContainingType?.SpecialType == SpecialType.System_Array
            && invocation.Expression is MemberAccessExpressionSyntax arrayAccess && args.Count == 1
            && _model.GetConstantValue(args[0].Expression).Value is int arrayDimension)
            return new LengthExpr(ParseExpr(arrayAccess.Expression), arrayDimension);

        var parsedArgs = args.Select(a => ParseExpr(a.Expression)).ToList();

        if (containing is "System.Math" or "System.MathF")
        {
            // The derivative rules cover the one-argument overloads (two for Pow, Max, Min); Log(x, base),
            // Round(x, digits) and the like must be spelled out.
            if (MathFunctions.Parse(callee.Name) is { } function)
            {
                int expectedArity = MathFunctions.Arity(function);
                if (args.Count != expectedArity)
                    return Error(DiagnosticDescriptors.UnsupportedExpression, invocation, invocation.ToString(),
                        "only the " + expectedArity + "-argument overload of " + callee.Name + " is supported (write MathF.Log(x) / MathF.Log(b) for a logarithm in base b)");
                var mathKind = resultKind ?? ValueKind.Real;
                if (mathKind == ValueKind.Real) parsedArgs = parsedArgs.Select(a => Convert(a, ValueKind.Real)).ToList();
                return new MathCall(function, parsedArgs.ToEquatable(), mathKind);
            }
        }

        if (resultKind is not (ValueKind.Real or ValueKind.Int or ValueKind.Bool or ValueKind.Void))
            return Error(DiagnosticDescriptors.UnsupportedType, invocation, callee.Name, callee.ReturnType.ToDisplayString(), DiagnosticDescriptors.SupportedTypes);

        var roles = callee.Parameters.Select(SymbolFacts.RoleOf).ToEquatable();
        var declaredTypes = callee.Parameters.Select(p => SymbolFacts.FullName(p.Type)).ToEquatable();
        string display = callee.ContainingType is null ? callee.Name : callee.ContainingType.Name + "." + callee.Name;
        string? prefix = Receiver(invocation, callee);
        if (prefix is null)
            return Error(DiagnosticDescriptors.UnsupportedExpression, invocation, invocation.ToString(), "kernels call static methods and methods of their own class");

        CallTarget target;
        var customAdjoint = SymbolFacts.GetAttribute(callee, KnownNames.CustomAdjoint);
        if (customAdjoint is not null)
        {
            string adjointName = customAdjoint.ConstructorArguments.FirstOrDefault().Value as string ?? "";
            if (callee.ContainingType is null || callee.ContainingType.GetMembers(adjointName).IsEmpty)
                return Error(DiagnosticDescriptors.InvalidCustomAdjoint, invocation, callee.Name, adjointName, callee.ContainingType?.Name ?? "");
            var batch = SymbolFacts.EnumArgument(customAdjoint, "Batch", BatchedForm.None);
            target = new CallTarget(CallKind.CustomAdjoint, display, prefix + callee.Name, prefix + callee.Name,
                prefix + adjointName, prefix + adjointName, roles, declaredTypes, SymbolFacts.FullName(callee.ReturnType), batch,
                AdjointReadsOutputs: SymbolFacts.BoolArgument(customAdjoint, "ReadsOutputs", true));
        }
        else if (SymbolFacts.HasAttribute(callee, KnownNames.Differentiable))
        {
            if (RecursionCheck.CallsBack(callee, _method, _model.Compilation, _cancellation))
                return Error(DiagnosticDescriptors.Recursion, invocation, _method.Name,
                    SymbolEqualityComparer.Default.Equals(callee, _method) ? "" : " through '" + callee.Name + "'");
            if (!_validating.Contains(callee.OriginalDefinition)
                && !DeclarationParser.IsValidHelper(callee.OriginalDefinition, _model.Compilation, _validating, _cancellation))
                _callsRejectedHelper = true;
            target = new CallTarget(CallKind.Differentiable, display, prefix + callee.Name, prefix + callee.Name + "Double",
                prefix + callee.Name + "Adjoint", prefix + callee.Name + "DoubleAdjoint", roles, declaredTypes, SymbolFacts.FullName(callee.ReturnType));
        }
        else
        {
            if (ParamReads.FirstRead(callee, _params, _model.Compilation, _cancellation) is { } read)
                return Error(DiagnosticDescriptors.MemberReadsParameter, invocation, callee.Name, read);
            target = new CallTarget(CallKind.Constant, display, prefix + callee.Name, prefix + callee.Name, "", "", roles, declaredTypes, SymbolFacts.FullName(callee.ReturnType));
            if (roles.Any(r => r == ArgumentRole.Output))
                return Error(DiagnosticDescriptors.NonDifferentiableCall, invocation, display);
            var call = new CallExpr(target, parsedArgs.ToEquatable(), resultKind.Value);
            if (!SymbolFacts.HasAttribute(callee, KnownNames.NonDifferentiable))
                _unknownCalls.Add((call, invocation, display));
            return call;
        }

        CheckAliasing(invocation, target, parsedArgs);
        return new CallExpr(target, parsedArgs.ToEquatable(), resultKind.Value);
    }

    /// <summary>How the emitted code names the callee: static members fully qualified, instance members on this.</summary>
    private static string? Receiver(InvocationExpressionSyntax invocation, IMethodSymbol callee)
    {
        if (callee.IsStatic) return SymbolFacts.FullName(callee.ContainingType) + ".";
        return invocation.Expression is MemberAccessExpressionSyntax { Expression: not ThisExpressionSyntax } ? null : "this.";
    }

    private void CheckAliasing(InvocationExpressionSyntax invocation, CallTarget target, List<Expr> args)
    {
        for (int o = 0; o < args.Count && o < target.Roles.Count; o++)
        {
            if (target.Roles[o] != ArgumentRole.Output) continue;
            string? outputRoot = SpanRoot(args[o]);
            for (int i = 0; i < args.Count && i < target.Roles.Count; i++)
            {
                if (i == o || target.Roles[i] is ArgumentRole.Constant) continue;
                if (outputRoot is not null && UsesSpan(args[i], outputRoot))
                {
                    Report(DiagnosticDescriptors.OutputAliasesInput, invocation.ArgumentList.Arguments[o], outputRoot, target.DisplayName);
                    return;
                }
            }
        }
    }

    private static string? SpanRoot(Expr expr) => expr switch
    {
        LocalRef local => local.Name,
        SliceExpr slice => SpanRoot(slice.Target),
        _ => null,
    };

    private static bool UsesSpan(Expr expr, string root) => SpanRoot(expr) == root;

    /// <summary>After parsing: calls to unknown methods are fine with constant arguments, an error with active ones.</summary>
    private void CheckCalls(Block body)
    {
        if (_unknownCalls.Count == 0) return;
        var activity = Activity.Analyze(body, _parameterKinds);
        foreach (var (call, syntax, name) in _unknownCalls)
        {
            if (call.Args.Any(activity.IsActive))
                Report(DiagnosticDescriptors.NonDifferentiableCall, syntax, name);
        }
    }
}
