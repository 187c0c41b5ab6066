namespace CitizenWorkflows.Biometrics.Portrait;

/// <summary>
/// Every threshold of the portrait quality check (ISO/IEC 19794-5 / ICAO 9303 spirit: one frontal face, large and centred
/// enough, sharp, evenly exposed, natural-looking). Mutable properties so the options bind from configuration.
/// Defaults are calibrated on the public sample photographs (opencv-doc messi5.jpg, python3-skimage astronaut.png).
/// </summary>
public sealed class PortraitQualityOptions
{
    /// <summary>Where Debian <c>opencv-data</c> installs the Haar cascades.</summary>
    public const string DebianHaarCascadeDirectory = "/usr/share/opencv4/haarcascades";

    /// <summary>Where Debian <c>opencv-data</c> installs the BRISQUE model and range files.</summary>
    public const string DebianQualityModelDirectory = "/usr/share/opencv4/quality";

    /// <summary>Haar cascade used to count faces (frontal faces only, so a profile does not count).</summary>
    public string HaarCascadePath { get; set; } = Path.Combine(DebianHaarCascadeDirectory, "haarcascade_frontalface_default.xml");

    /// <summary>BRISQUE SVM model (trained on the LIVE database).</summary>
    public string BrisqueModelPath { get; set; } = Path.Combine(DebianQualityModelDirectory, "brisque_model_live.yml");

    /// <summary>BRISQUE feature range file matching <see cref="BrisqueModelPath"/>.</summary>
    public string BrisqueRangePath { get; set; } = Path.Combine(DebianQualityModelDirectory, "brisque_range_live.yml");

    /// <summary>Minimum image width in pixels.</summary>
    public int MinWidth { get; set; } = 320;

    /// <summary>Minimum image height in pixels.</summary>
    public int MinHeight { get; set; } = 320;

    /// <summary>Haar detector scale step between pyramid levels.</summary>
    public double FaceDetectionScaleFactor { get; set; } = 1.1;

    /// <summary>Haar detector: overlapping hits needed before a face counts (higher = fewer false faces).</summary>
    public int FaceDetectionMinNeighbors { get; set; } = 5;

    /// <summary>Faces narrower than this many pixels are not looked for (bystanders far in the background).</summary>
    public int FaceDetectionMinSizePixels { get; set; } = 30;

    /// <summary>Smallest accepted face width as a fraction of the image width.</summary>
    public double MinFaceWidthFraction { get; set; } = 0.15;

    /// <summary>Largest accepted face width as a fraction of the image width.</summary>
    public double MaxFaceWidthFraction { get; set; } = 0.80;

    /// <summary>Width of the central box (fraction of the image width) that must contain the face centre.</summary>
    public double FaceCentreBoxWidthFraction { get; set; } = 0.50;

    /// <summary>Height of the central box (fraction of the image height) that must contain the face centre.</summary>
    public double FaceCentreBoxHeightFraction { get; set; } = 0.70;

    /// <summary>Minimum variance of the Laplacian of the grey image (focus / motion blur).</summary>
    public double MinSharpness { get; set; } = 50;

    /// <summary>Lowest accepted mean luminance (0–255).</summary>
    public double MinMeanLuminance { get; set; } = 60;

    /// <summary>Highest accepted mean luminance (0–255).</summary>
    public double MaxMeanLuminance { get; set; } = 190;

    /// <summary>Grey levels at or below this count as clipped shadows.</summary>
    public int ClippedDarkLevel { get; set; } = 5;

    /// <summary>Grey levels at or above this count as clipped highlights.</summary>
    public int ClippedBrightLevel { get; set; } = 250;

    /// <summary>Highest accepted share (0–1) of clipped pixels.</summary>
    public double MaxClippedFraction { get; set; } = 0.25;

    /// <summary>Highest accepted BRISQUE score (0 best … 100 worst).</summary>
    public double MaxBrisqueScore { get; set; } = 45;

    /// <summary>Throws when a threshold is out of range or inconsistent.</summary>
    public void Validate()
    {
        Require(MinWidth > 0 && MinHeight > 0, "MinWidth and MinHeight must be positive");
        Require(FaceDetectionScaleFactor > 1, "FaceDetectionScaleFactor must exceed 1");
        Require(FaceDetectionMinNeighbors >= 0 && FaceDetectionMinSizePixels >= 0, "face detection parameters must not be negative");
        Require(MinFaceWidthFraction is >= 0 and <= 1 && MaxFaceWidthFraction is > 0 and <= 1 && MinFaceWidthFraction <= MaxFaceWidthFraction,
            "face width fractions must satisfy 0 <= min <= max <= 1");
        Require(FaceCentreBoxWidthFraction is > 0 and <= 1 && FaceCentreBoxHeightFraction is > 0 and <= 1, "centre box fractions must be in (0, 1]");
        Require(MinSharpness >= 0, "MinSharpness must not be negative");
        Require(MinMeanLuminance >= 0 && MaxMeanLuminance <= 255 && MinMeanLuminance <= MaxMeanLuminance,
            "mean luminance bounds must satisfy 0 <= min <= max <= 255");
        Require(ClippedDarkLevel is >= 0 and <= 255 && ClippedBrightLevel is >= 0 and <= 255 && ClippedDarkLevel < ClippedBrightLevel,
            "clipping levels must satisfy 0 <= dark < bright <= 255");
        Require(MaxClippedFraction is >= 0 and <= 1, "MaxClippedFraction must be in [0, 1]");
        Require(!string.IsNullOrWhiteSpace(HaarCascadePath) && !string.IsNullOrWhiteSpace(BrisqueModelPath) && !string.IsNullOrWhiteSpace(BrisqueRangePath),
            "model paths must be set");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException($"Invalid portrait quality options: {message}.");
        }
    }
}
