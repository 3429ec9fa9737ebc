namespace Diml.Fitting;

/// <summary>Gradient clipping to a global L2 norm, as <c>torch.nn.utils.clip_grad_norm_</c>.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales <paramref name="gradient"/> by <c>maxNorm / (‖g‖ + 1e-6)</c> when that is below 1 and returns the
    /// norm before clipping. The norm is summed in double, sequentially, so it is deterministic.
    /// </summary>
    public static double ClipToGlobalNorm(Span<float> gradient, double maxNorm)
    {
        ThrowHelper.IfNotPositiveFinite(maxNorm, nameof(maxNorm));
        double sum = 0;
        foreach (float g in gradient) sum += (double)g * g;
        double norm = Math.Sqrt(sum);
        double coefficient = maxNorm / (norm + 1e-6);
        if (coefficient < 1)
        {
            float scale = (float)coefficient;
            for (int j = 0; j < gradient.Length; j++) gradient[j] *= scale;
        }
        return norm;
    }
}
