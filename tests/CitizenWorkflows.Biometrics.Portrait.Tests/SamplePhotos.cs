using OpenCvSharp;

namespace CitizenWorkflows.Biometrics.Portrait.Tests;

/// <summary>The public sample photographs the defaults are calibrated on, and the quality checker shared by the tests.</summary>
public sealed class SamplePhotos : IDisposable
{
    /// <summary>Debian opencv-doc: Messi in a match, face tilted, crowd behind (not an ICAO portrait).</summary>
    public const string MessiPath = "/usr/share/doc/opencv-doc/examples/data/messi5.jpg";

    /// <summary>Debian python3-skimage: NASA portrait of Eileen Collins (public domain), the reference good portrait.</summary>
    public const string AstronautPath = "/usr/lib/python3/dist-packages/skimage/data/astronaut.png";

    public OpenCvPortraitQuality Quality { get; } = new();

    public static Mat Messi() => Load(MessiPath, "opencv-doc");

    public static Mat Astronaut() => Load(AstronautPath, "python3-skimage");

    /// <summary>The file as shipped (JPEG), not re-encoded.</summary>
    public static byte[] MessiBytes() => Bytes(MessiPath, "opencv-doc");

    /// <summary>The file as shipped (PNG), not re-encoded.</summary>
    public static byte[] AstronautBytes() => Bytes(AstronautPath, "python3-skimage");

    public void Dispose() => Quality.Dispose();

    private static byte[] Bytes(string path, string aptPackage)
    {
        RequirePresent(path, aptPackage);
        return File.ReadAllBytes(path);
    }

    private static void RequirePresent(string path, string aptPackage) =>
        Assert.True(File.Exists(path), $"Sample photograph {path} is missing: install it with `apt-get install -y {aptPackage}`.");

    private static Mat Load(string path, string aptPackage)
    {
        RequirePresent(path, aptPackage);
        Mat image = Cv2.ImRead(path, ImreadModes.Color);
        Assert.False(image.Empty(), $"Sample photograph {path} does not decode; reinstall the Debian package {aptPackage}.");
        return image;
    }
}
