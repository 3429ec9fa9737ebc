namespace Diml.Evaluation.Inference;

/// <summary>Which covariance the standard errors come from.</summary>
public enum StandardErrorKind
{
    /// <summary>
    /// Cluster-robust (sandwich) by episode: <c>V = H⁺ B H⁺ · G/(G−1)</c>, <c>B = Σ_e s_e s_eᵀ</c> over the episodes'
    /// scores. Valid when episodes are independent even if the model is misspecified within them; the default for panel data.
    /// </summary>
    ClusterRobust,

    /// <summary>Classical: <c>V = H⁺</c>, the inverse observed information; valid only when the model is right.</summary>
    Classical,
}
