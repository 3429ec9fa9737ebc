namespace Diml.Generators.Ir;

internal enum BinaryOperator { Add, Subtract, Multiply, Divide, Remainder, Less, Greater, LessOrEqual, GreaterOrEqual, Equal, NotEqual, And, Or }

internal enum UnaryOperator { Negate, Not }

/// <summary>How an assignment combines with its target; <c>*=</c>, <c>/=</c> and <c>%=</c> are parsed as <c>x = x op e</c>.</summary>
internal enum AssignOperator { Set, Add, Subtract }

/// <summary>The C# text of each operator, and back: the only place operators are spelled.</summary>
internal static class Operators
{
    public static string Text(BinaryOperator op) => op switch
    {
        BinaryOperator.Add => "+",
        BinaryOperator.Subtract => "-",
        BinaryOperator.Multiply => "*",
        BinaryOperator.Divide => "/",
        BinaryOperator.Remainder => "%",
        BinaryOperator.Less => "<",
        BinaryOperator.Greater => ">",
        BinaryOperator.LessOrEqual => "<=",
        BinaryOperator.GreaterOrEqual => ">=",
        BinaryOperator.Equal => "==",
        BinaryOperator.NotEqual => "!=",
        BinaryOperator.And => "&&",
        _ => "||",
    };

    public static BinaryOperator? ParseBinary(string text) => text switch
    {
        "+" => BinaryOperator.Add,
        "-" => BinaryOperator.Subtract,
        "*" => BinaryOperator.Multiply,
        "/" => BinaryOperator.Divide,
        "%" => BinaryOperator.Remainder,
        "<" => BinaryOperator.Less,
        ">" => BinaryOperator.Greater,
        "<=" => BinaryOperator.LessOrEqual,
        ">=" => BinaryOperator.GreaterOrEqual,
        "==" => BinaryOperator.Equal,
        "!=" => BinaryOperator.NotEqual,
        "&&" => BinaryOperator.And,
        "||" => BinaryOperator.Or,
        _ => null,
    };

    public static string Text(UnaryOperator op) => op == UnaryOperator.Negate ? "-" : "!";

    public static string Text(AssignOperator op) => op switch
    {
        AssignOperator.Set => "=",
        AssignOperator.Add => "+=",
        _ => "-=",
    };
}
