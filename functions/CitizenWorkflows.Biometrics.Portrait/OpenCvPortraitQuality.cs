using CitizenWorkflows.Workflow.Biometrics;
using CitizenWorkflows.Workflow.Domain;
using OpenCvSharp;
using OpenCvSharp.Quality;

namespace CitizenWorkflows.Biometrics.Portrait;

/// <summary>
/// Portrait quality in the ISO/IEC 19794-5 / ICAO 9303 spirit with OpenCV: format and size, exactly one frontal face
/// (Haar cascade) of a sensible size near the centre, sharpness (variance of the Laplacian), exposure (mean luminance and
/// clipped share) and naturalness (BRISQUE). Every check reports its measured value and threshold.
/// </summary>
/// <remarks>
/// Needs Debian <c>opencv-data</c> (cascade and BRISQUE model files) and <c>libgtk-3-0</c> (the native OpenCvSharp
/// runtime links against GTK). Thread-safe: the detector and the BRISQUE model are used under one process-wide lock, the rest is
/// per call. Face geometry checks are only reported when exactly one face was found.
/// </remarks>
public sealed class OpenCvPortraitQuality : IPortraitQuality, IDisposable
{
    private readonly PortraitQualityOptions options;
    private readonly CascadeClassifier faceDetector;
    private readonly QualityBRISQUE brisque;
    // One lock for the process, not per instance: a host has one instance anyway, and tests run several side by side.
    private static readonly Lock ModelLock = new();
    private bool disposed;

    public OpenCvPortraitQuality(PortraitQualityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
        RequireFile(options.HaarCascadePath, "Haar cascade");
        RequireFile(options.BrisqueModelPath, "BRISQUE model");
        RequireFile(options.BrisqueRangePath, "BRISQUE range");
        EnsureNativeRuntime();

        faceDetector = new CascadeClassifier(options.HaarCascadePath);
        if (faceDetector.Empty())
        {
            faceDetector.Dispose();
            throw new InvalidOperationException($"The Haar cascade {options.HaarCascadePath} could not be loaded.");
        }

        brisque = QualityBRISQUE.Create(options.BrisqueModelPath, options.BrisqueRangePath);
    }

    public OpenCvPortraitQuality()
        : this(new PortraitQualityOptions())
    {
    }

    public PortraitQualityOptions Options => options;

    /// <summary>The checks in the workflow's form, ready for <see cref="PortraitCheckResult"/>.</summary>
    public IReadOnlyList<QualityCheck> Evaluate(byte[] image) => [.. Measure(image).Select(m => m.ToQualityCheck())];

    /// <summary>The checks with their numeric values and thresholds.</summary>
    public IReadOnlyList<PortraitMeasurement> Measure(byte[] image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var results = new List<PortraitMeasurement>();

        ImageProbeResult probe = ImageProbe.Probe(image);
        bool knownFormat = probe.Format is "Jpeg" or "Png";
        results.Add(new(PortraitCheckNames.Format, knownFormat ? 1 : 0, 1, 1, MeasuredText: probe.Format ?? "unrecognised", RequiredText: "Jpeg or Png"));
        if (!knownFormat)
        {
            return results;
        }

        if (probe.Outcome == ImageDecodeOutcome.TooManyPixels)
        {
            results.Add(new(PortraitCheckNames.Pixels, probe.Pixels, null, ImageProbe.MaxPixels));
            return results;
        }

        using Mat colour = probe.Decoded ? Cv2.ImDecode(image, ImreadModes.Color) : new Mat();
        bool decoded = !colour.Empty();
        results.Add(new(PortraitCheckNames.Decode, decoded ? 1 : 0, 1, 1,
            MeasuredText: decoded ? nameof(ImageDecodeOutcome.Decoded) : probe.Outcome.ToString(), RequiredText: nameof(ImageDecodeOutcome.Decoded)));
        if (!decoded)
        {
            return results;
        }

        int width = colour.Cols;
        int height = colour.Rows;
        results.Add(new(PortraitCheckNames.Width, width, options.MinWidth, null, "px"));
        results.Add(new(PortraitCheckNames.Height, height, options.MinHeight, null, "px"));

        using var grey = new Mat();
        Cv2.CvtColor(colour, grey, ColorConversionCodes.BGR2GRAY);

        Rect[] faces = DetectFaces(grey);
        results.Add(new(PortraitCheckNames.Faces, faces.Length, 1, 1));
        if (faces.Length == 1)
        {
            Rect face = faces[0];
            double halfBoxX = options.FaceCentreBoxWidthFraction / 2;
            double halfBoxY = options.FaceCentreBoxHeightFraction / 2;
            results.Add(new(PortraitCheckNames.FaceWidth, (double)face.Width / width, options.MinFaceWidthFraction, options.MaxFaceWidthFraction));
            results.Add(new(PortraitCheckNames.FaceCentreX, (face.X + (face.Width / 2.0)) / width, 0.5 - halfBoxX, 0.5 + halfBoxX));
            results.Add(new(PortraitCheckNames.FaceCentreY, (face.Y + (face.Height / 2.0)) / height, 0.5 - halfBoxY, 0.5 + halfBoxY));
        }

        results.Add(new(PortraitCheckNames.Sharpness, LaplacianVariance(grey), options.MinSharpness, null));
        results.Add(new(PortraitCheckNames.Brightness, Cv2.Mean(grey).Val0, options.MinMeanLuminance, options.MaxMeanLuminance));
        results.Add(new(PortraitCheckNames.Clipping, ClippedFraction(grey), null, options.MaxClippedFraction));
        results.Add(new(PortraitCheckNames.Brisque, BrisqueScore(colour), null, options.MaxBrisqueScore));
        return results;
    }

    public void Dispose()
    {
        // Under the model lock: a host shutting down must not free the native models under a detection still running
        // on another thread (that is a native use-after-free, which takes the whole process down).
        lock (ModelLock)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            faceDetector.Dispose();
            brisque.Dispose();
        }
    }

    private Rect[] DetectFaces(Mat grey)
    {
        using var equalised = new Mat();
        Cv2.EqualizeHist(grey, equalised);
        var minSize = new Size(options.FaceDetectionMinSizePixels, options.FaceDetectionMinSizePixels);
        lock (ModelLock)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return faceDetector.DetectMultiScale(
                equalised, options.FaceDetectionScaleFactor, options.FaceDetectionMinNeighbors, HaarDetectionTypes.ScaleImage, minSize);
        }
    }

    private double BrisqueScore(Mat colour)
    {
        lock (ModelLock)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return brisque.Compute(colour).Val0;
        }
    }

    private static double LaplacianVariance(Mat grey)
    {
        using var laplacian = new Mat();
        Cv2.Laplacian(grey, laplacian, MatType.CV_64F);
        Cv2.MeanStdDev(laplacian, out _, out Scalar stdDev);
        return stdDev.Val0 * stdDev.Val0;
    }

    private double ClippedFraction(Mat grey)
    {
        using var dark = new Mat();
        using var bright = new Mat();
        Cv2.InRange(grey, new Scalar(0), new Scalar(options.ClippedDarkLevel), dark);
        Cv2.InRange(grey, new Scalar(options.ClippedBrightLevel), new Scalar(255), bright);
        return (Cv2.CountNonZero(dark) + (double)Cv2.CountNonZero(bright)) / grey.Total();
    }

    private static void RequireFile(string path, string what)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The {what} file {path} is missing; install the Debian package opencv-data or configure the path.", path);
        }
    }

    private static void EnsureNativeRuntime()
    {
        try
        {
            _ = Cv2.GetVersionString();
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException)
        {
            throw new InvalidOperationException(
                "The native OpenCvSharp runtime (libOpenCvSharpExtern.so) could not be loaded; install the Debian package libgtk-3-0.", e);
        }
    }
}
