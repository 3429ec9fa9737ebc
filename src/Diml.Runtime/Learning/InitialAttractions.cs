namespace Diml.Learning;

/// <summary>
/// The checks a learning rule with initial attractions Q0 (one per action, or none: all 0) makes of them, as Logit-Q and
/// Logit-Q with inertia do: for a user's own variant, too.
/// </summary>
public static class InitialAttractions
{
    /// <summary>A copy of <paramref name="values"/>, each of which must be finite.</summary>
    public static float[] Checked(ReadOnlySpan<float> values, string parameterName)
    {
        for (int k = 0; k < values.Length; k++)
            if (!float.IsFinite(values[k]))
                throw new ArgumentOutOfRangeException(parameterName, values[k], $"The initial attraction Q0[{k}] must be finite.");
        return values.ToArray();
    }

    /// <summary>Throws unless <paramref name="count"/> attractions suit a game of <paramref name="actions"/> actions.</summary>
    public static void CheckFor(string rule, int count, int actions)
    {
        if (count != 0 && count != actions)
            throw new ArgumentException($"{rule} has {count} initial attractions Q0 but the game has {actions} actions; expected one per action, or none (all 0).", nameof(actions));
    }
}
