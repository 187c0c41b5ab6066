namespace CitizenWorkflows.Biometrics.Portrait;

/// <summary>The names of the checks <see cref="OpenCvPortraitQuality"/> reports, in report order.</summary>
public static class PortraitCheckNames
{
    public const string Format = "format";
    public const string Pixels = "pixels";
    public const string Decode = "decode";
    public const string Width = "width";
    public const string Height = "height";
    public const string Faces = "faces";
    public const string FaceWidth = "face-width";
    public const string FaceCentreX = "face-centre-x";
    public const string FaceCentreY = "face-centre-y";
    public const string Sharpness = "sharpness";
    public const string Brightness = "brightness";
    public const string Clipping = "clipping";
    public const string Brisque = "brisque";
}
