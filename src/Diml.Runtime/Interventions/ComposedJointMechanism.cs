namespace Diml.Interventions;

/// <summary><c>M̂ + Δ</c> in joint form: one of the parts has the joint form.</summary>
internal sealed class ComposedJointMechanism(IMechanism fitted, IMechanism intervention, int actions)
    : ComposedMechanism(fitted, intervention, actions, PayoffForm.Joint), IJointMechanism
{
    public void Payoffs(ReadOnlySpan<float> theta, ReadOnlySpan<int> joint, Span<float> payoffs) => Payoffs<float>(theta, joint, payoffs);

    public void Payoffs(ReadOnlySpan<double> theta, ReadOnlySpan<int> joint, Span<double> payoffs) => Payoffs<double>(theta, joint, payoffs);

    public void PayoffsAdjoint(ReadOnlySpan<float> theta, ReadOnlySpan<int> joint, ReadOnlySpan<float> payoffsBar, Span<float> thetaBar) =>
        PayoffsAdjoint<float>(theta, joint, payoffsBar, thetaBar);

    public void PayoffsAdjoint(ReadOnlySpan<double> theta, ReadOnlySpan<int> joint, ReadOnlySpan<double> payoffsBar, Span<double> thetaBar) =>
        PayoffsAdjoint<double>(theta, joint, payoffsBar, thetaBar);

    private void Payoffs<T>(ReadOnlySpan<T> theta, ReadOnlySpan<int> joint, Span<T> payoffs) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int n = joint.Length;
        PartPayoffs.Payoffs(Fitted, FittedPart(theta), joint, Actions, payoffs);
        Span<T> change = n <= 256 ? stackalloc T[n] : new T[n];
        PartPayoffs.Payoffs(InterventionPart, InterventionParameters(theta), joint, Actions, change);
        for (int i = 0; i < n; i++) payoffs[i] += change[i];
    }

    private void PayoffsAdjoint<T>(ReadOnlySpan<T> theta, ReadOnlySpan<int> joint, ReadOnlySpan<T> payoffsBar, Span<T> thetaBar) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        PartPayoffs.PayoffsAdjoint(Fitted, FittedPart(theta), joint, Actions, payoffsBar, FittedPart(thetaBar));
        PartPayoffs.PayoffsAdjoint(InterventionPart, InterventionParameters(theta), joint, Actions, payoffsBar, InterventionParameters(thetaBar));
    }
}
