using System.Globalization;

namespace Diml.Learning;

/// <summary>The checks of a rule's initial attractions Q0: finite, and one per action of the game or none.</summary>
internal static class InitialAttractions
{
    /// <summary>A copy of <paramref name="values"/>, each checked finite.</summary>
    public static float[] Checked(ReadOnlySpan<float> values)
    {
        for (int k = 0; k < values.Length; k++)
            if (!float.IsFinite(values[k]))
                throw new ArgumentOutOfRangeException("initialAttractions", values[k],
                    string.Create(CultureInfo.InvariantCulture, $"The initial attraction Q0[{k}] must be finite."));
        return values.ToArray();
    }

    /// <summary><paramref name="actions"/>, when <paramref name="q0"/> is empty or has one value per action.</summary>
    public static int CheckLength(float[] q0, int actions, string rule)
    {
        if (q0.Length != 0 && q0.Length != actions)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{rule} has {q0.Length} initial attractions Q0 but the game has {actions} actions; expected one per action, or none (all 0)."), nameof(actions));
        return actions;
    }
}
