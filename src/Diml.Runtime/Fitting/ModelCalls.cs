using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Diml.Fitting;

/// <summary>
/// Calls the float or double overload of a mechanism or learning rule from code generic over the element
/// type. The <c>typeof(T)</c> tests are JIT-time constants for value types, so each instantiation compiles
/// to a direct call of one overload with no branch and no copy (the spans are reinterpreted in place).
/// </summary>
internal static class ModelCalls
{
    /// <summary>Throws unless <typeparamref name="T"/> is float or double, the two types the contracts support.</summary>
    public static void EnsureSupported<T>()
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
            throw new NotSupportedException($"Element type {typeof(T).Name} is not supported; expected float or double.");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ReadOnlySpan<float> F<T>(ReadOnlySpan<T> s) where T : unmanaged => MemoryMarshal.Cast<T, float>(s);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Span<float> F<T>(Span<T> s) where T : unmanaged => MemoryMarshal.Cast<T, float>(s);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ReadOnlySpan<double> D<T>(ReadOnlySpan<T> s) where T : unmanaged => MemoryMarshal.Cast<T, double>(s);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Span<double> D<T>(Span<T> s) where T : unmanaged => MemoryMarshal.Cast<T, double>(s);

    public static void Payoffs<T>(IJointMechanism m, ReadOnlySpan<T> theta, ReadOnlySpan<int> joint, Span<T> payoffs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) m.Payoffs(F(theta), joint, F(payoffs));
        else m.Payoffs(D(theta), joint, D(payoffs));
    }

    public static void PayoffsAdjoint<T>(IJointMechanism m, ReadOnlySpan<T> theta, ReadOnlySpan<int> joint, ReadOnlySpan<T> payoffsBar, Span<T> thetaBar)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) m.PayoffsAdjoint(F(theta), joint, F(payoffsBar), F(thetaBar));
        else m.PayoffsAdjoint(D(theta), joint, D(payoffsBar), D(thetaBar));
    }

    public static T Payoff<T>(IPerAgentMechanism m, ReadOnlySpan<T> theta, ReadOnlySpan<int> joint, int agent)
        where T : unmanaged, IFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? T.CreateTruncating(m.Payoff(F(theta), joint, agent))
            : T.CreateTruncating(m.Payoff(D(theta), joint, agent));

    public static void PayoffAdjoint<T>(IPerAgentMechanism m, ReadOnlySpan<T> theta, ReadOnlySpan<int> joint, int agent, T payoffBar, Span<T> thetaBar)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) m.PayoffAdjoint(F(theta), joint, agent, float.CreateTruncating(payoffBar), F(thetaBar));
        else m.PayoffAdjoint(D(theta), joint, agent, double.CreateTruncating(payoffBar), D(thetaBar));
    }

    public static T Payoff<T>(IAnonymousMechanism m, ReadOnlySpan<T> theta, int ownAction, ReadOnlySpan<int> opponentCounts)
        where T : unmanaged, IFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? T.CreateTruncating(m.Payoff(F(theta), ownAction, opponentCounts))
            : T.CreateTruncating(m.Payoff(D(theta), ownAction, opponentCounts));

    public static void PayoffAdjoint<T>(IAnonymousMechanism m, ReadOnlySpan<T> theta, int ownAction, ReadOnlySpan<int> opponentCounts, T payoffBar, Span<T> thetaBar)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) m.PayoffAdjoint(F(theta), ownAction, opponentCounts, float.CreateTruncating(payoffBar), F(thetaBar));
        else m.PayoffAdjoint(D(theta), ownAction, opponentCounts, double.CreateTruncating(payoffBar), D(thetaBar));
    }

    public static void Update<T>(ILearningRule r, ReadOnlySpan<T> state, ReadOnlySpan<T> payoffs, int played, Span<T> next)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) r.Update(F(state), F(payoffs), played, F(next));
        else r.Update(D(state), D(payoffs), played, D(next));
    }

    public static void UpdateAdjoint<T>(ILearningRule r, ReadOnlySpan<T> state, ReadOnlySpan<T> payoffs, int played, ReadOnlySpan<T> nextBar, Span<T> stateBar, Span<T> payoffsBar)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) r.UpdateAdjoint(F(state), F(payoffs), played, F(nextBar), F(stateBar), F(payoffsBar));
        else r.UpdateAdjoint(D(state), D(payoffs), played, D(nextBar), D(stateBar), D(payoffsBar));
    }

    public static void Response<T>(ILearningRule r, ReadOnlySpan<T> state, Span<T> logPolicy)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) r.Response(F(state), F(logPolicy));
        else r.Response(D(state), D(logPolicy));
    }

    public static void ResponseAdjoint<T>(ILearningRule r, ReadOnlySpan<T> state, ReadOnlySpan<T> logPolicyBar, Span<T> stateBar)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) r.ResponseAdjoint(F(state), F(logPolicyBar), F(stateBar));
        else r.ResponseAdjoint(D(state), D(logPolicyBar), D(stateBar));
    }

    /// <summary>The rule's initial state (defined in float by the contract) widened to <typeparamref name="T"/>.</summary>
    public static void InitialState<T>(ILearningRule r, Span<T> state)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) { r.InitialState(F(state)); return; }
        Span<float> narrow = state.Length <= 256 ? stackalloc float[state.Length] : new float[state.Length];
        r.InitialState(narrow);
        for (int j = 0; j < state.Length; j++) state[j] = T.CreateTruncating(narrow[j]);
    }

    // ---- θ-versions of a learnable rule (ILearnableRule): theta is the rule's natural parameter vector.

    public static void InitialState<T>(ILearnableRule r, ReadOnlySpan<T> theta, Span<T> state)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) r.InitialState(F(theta), F(state));
        else r.InitialState(D(theta), D(state));
    }

    public static void InitialStateAdjoint<T>(ILearnableRule r, ReadOnlySpan<T> theta, ReadOnlySpan<T> stateBar, Span<T> thetaBar)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) r.InitialStateAdjoint(F(theta), F(stateBar), F(thetaBar));
        else r.InitialStateAdjoint(D(theta), D(stateBar), D(thetaBar));
    }

    public static void Update<T>(ILearnableRule r, ReadOnlySpan<T> theta, ReadOnlySpan<T> state, ReadOnlySpan<T> payoffs, int played, Span<T> next)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) r.Update(F(theta), F(state), F(payoffs), played, F(next));
        else r.Update(D(theta), D(state), D(payoffs), played, D(next));
    }

    public static void UpdateAdjoint<T>(ILearnableRule r, ReadOnlySpan<T> theta, ReadOnlySpan<T> state, ReadOnlySpan<T> payoffs, int played, ReadOnlySpan<T> nextBar,
        Span<T> stateBar, Span<T> payoffsBar, Span<T> thetaBar)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) r.UpdateAdjoint(F(theta), F(state), F(payoffs), played, F(nextBar), F(stateBar), F(payoffsBar), F(thetaBar));
        else r.UpdateAdjoint(D(theta), D(state), D(payoffs), played, D(nextBar), D(stateBar), D(payoffsBar), D(thetaBar));
    }

    public static void Response<T>(ILearnableRule r, ReadOnlySpan<T> theta, ReadOnlySpan<T> state, Span<T> logPolicy)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) r.Response(F(theta), F(state), F(logPolicy));
        else r.Response(D(theta), D(state), D(logPolicy));
    }

    public static void ResponseAdjoint<T>(ILearnableRule r, ReadOnlySpan<T> theta, ReadOnlySpan<T> state, ReadOnlySpan<T> logPolicyBar, Span<T> stateBar, Span<T> thetaBar)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) r.ResponseAdjoint(F(theta), F(state), F(logPolicyBar), F(stateBar), F(thetaBar));
        else r.ResponseAdjoint(D(theta), D(state), D(logPolicyBar), D(stateBar), D(thetaBar));
    }
}
