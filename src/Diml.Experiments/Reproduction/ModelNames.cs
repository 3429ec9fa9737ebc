namespace Diml.Experiments.Reproduction;

/// <summary>The model names of the reference's tags (<c>E1_UnstructuredNeural_3A/DIML</c>).</summary>
public static class ModelNames
{
    public const string Diml = "DIML";

    /// <summary>DIML with a validation part of the training episodes held out and the epoch of best validation NLL kept.</summary>
    public const string DimlSelected = "DIML_Selected";
    public const string DimlWrong = "DIML_Wrong";
    public const string DimlLarge = "DIML_Large";
    public const string TabularMle = "TabularMLE";
    public const string StructMle = "StructMLE";
    public const string JointBc = "JointBC";
    public const string Eoi = "EOI";
}
