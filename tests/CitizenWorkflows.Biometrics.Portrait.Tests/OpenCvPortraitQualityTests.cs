using CitizenWorkflows.Workflow.Biometrics;
using OpenCvSharp;
using static CitizenWorkflows.Biometrics.Portrait.PortraitCheckNames;

namespace CitizenWorkflows.Biometrics.Portrait.Tests;

/// <summary>
/// The real photographs and variants derived from them with OpenCV: each variant fails the check it is built to fail,
/// with the measured value on the failing side of the threshold, and passes the checks the degradation cannot touch.
/// Where one physical degradation legitimately trips two related checks (blur: sharpness and BRISQUE; exposure:
/// mean luminance and clipping) the allowed set is named explicitly.
/// </summary>
public sealed class OpenCvPortraitQualityTests(SamplePhotos photos) : IClassFixture<SamplePhotos>
{
    private readonly OpenCvPortraitQuality quality = photos.Quality;

    private PortraitQualityOptions Options => quality.Options;

    [Fact]
    public void The_astronaut_portrait_passes_every_check_with_the_defaults()
    {
        using Mat astronaut = SamplePhotos.Astronaut();
        IReadOnlyList<PortraitMeasurement> measured = quality.Measure(Png(astronaut));

        Assert.Empty(Failures(measured));
        Assert.Equal(
            [Format, Decode, Width, Height, Faces, FaceWidth, FaceCentreX, FaceCentreY, Sharpness, Brightness, Clipping, Brisque],
            measured.Select(m => m.Name));
        Assert.True(new PortraitCheckResult(quality.Evaluate(SamplePhotos.AstronautBytes())).Passed);
    }

    [Fact]
    public void The_astronaut_portrait_also_passes_as_a_jpeg()
    {
        using Mat astronaut = SamplePhotos.Astronaut();
        Assert.Empty(Failures(quality.Measure(astronaut.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 92)))));
    }

    [Fact]
    public void The_messi_match_photo_fails_only_the_single_face_check()
    {
        // Not a portrait: the frontal-face cascade finds his tilted face and a second, false face by the shoulder.
        // Everything measurable about the image itself (size, sharpness, exposure, BRISQUE) passes.
        IReadOnlyList<PortraitMeasurement> measured = quality.Measure(SamplePhotos.MessiBytes());

        AssertFailsExactly(measured, Faces);
        Assert.True(Value(measured, Faces) > 1);
        Assert.DoesNotContain(measured, m => m.Name is FaceWidth or FaceCentreX or FaceCentreY);
    }

    [Fact]
    public void A_gaussian_blur_fails_sharpness()
    {
        using Mat astronaut = SamplePhotos.Astronaut();
        using var blurred = new Mat();
        Cv2.GaussianBlur(astronaut, blurred, new Size(0, 0), 3);

        IReadOnlyList<PortraitMeasurement> measured = quality.Measure(Png(blurred));

        // Blur also makes the image look unnatural to BRISQUE; nothing else may fail.
        AssertFailsWithin(measured, [Sharpness], [Sharpness, Brisque]);
        Assert.True(Value(measured, Sharpness) < Options.MinSharpness);
        Assert.Equal(1, Value(measured, Faces));
    }

    [Fact]
    public void A_darkened_portrait_fails_mean_luminance_on_the_low_side()
    {
        using Mat astronaut = SamplePhotos.Astronaut();
        using var dark = new Mat();
        astronaut.ConvertTo(dark, -1, 0.4, 0);

        IReadOnlyList<PortraitMeasurement> measured = quality.Measure(Png(dark));

        AssertFailsWithin(measured, [Brightness], [Brightness, Clipping]);
        Assert.True(Value(measured, Brightness) < Options.MinMeanLuminance);
        Assert.True(Value(measured, Sharpness) >= Options.MinSharpness);
    }

    [Fact]
    public void An_over_exposed_portrait_fails_the_clipped_share()
    {
        using Mat astronaut = SamplePhotos.Astronaut();
        using var bright = new Mat();
        astronaut.ConvertTo(bright, -1, 1.8, 40);

        IReadOnlyList<PortraitMeasurement> measured = quality.Measure(Png(bright));

        AssertFailsWithin(measured, [Clipping], [Brightness, Clipping]);
        Assert.True(Value(measured, Clipping) > Options.MaxClippedFraction);
        Assert.True(Value(measured, Brightness) > Value(quality.Measure(Png(astronaut)), Brightness));
    }

    [Fact]
    public void A_downscaled_portrait_fails_the_minimum_size()
    {
        // The astronaut only: on the match photo the cascade's two detections (one 37px wide) come and go with the
        // scale, so its face count is not a stable baseline for a size-only degradation.
        using Mat astronaut = SamplePhotos.Astronaut();
        // Just under the limit on the tighter side, so the face stays large enough to be found.
        double scale = 0.85 * Math.Max((double)Options.MinWidth / astronaut.Cols, (double)Options.MinHeight / astronaut.Rows);
        using var small = new Mat();
        Cv2.Resize(astronaut, small, new Size(0, 0), scale, scale, InterpolationFlags.Area);

        IReadOnlyList<PortraitMeasurement> measured = quality.Measure(Png(small));

        AssertFailsExactly(measured, Width, Height);
        Assert.True(Value(measured, Width) < Options.MinWidth);
        Assert.True(Value(measured, Height) < Options.MinHeight);
        Assert.Equal(1, Value(measured, Faces));
    }

    [Fact]
    public void Two_portraits_side_by_side_fail_the_single_face_check()
    {
        using Mat astronaut = SamplePhotos.Astronaut();
        using var pair = new Mat();
        Cv2.HConcat([astronaut, astronaut], pair);

        IReadOnlyList<PortraitMeasurement> measured = quality.Measure(Png(pair));

        AssertFailsExactly(measured, Faces);
        Assert.Equal(2, Value(measured, Faces));
    }

    [Theory]
    [InlineData("astronaut", 300, 0, 212, 330)]
    [InlineData("messi", 0, 0, 200, 342)]
    public void A_background_crop_fails_the_single_face_check_with_no_face(string photo, int x, int y, int width, int height)
    {
        using Mat original = photo == "messi" ? SamplePhotos.Messi() : SamplePhotos.Astronaut();
        // Studio backdrop with the shuttle model / stadium crowd, mirrored to reach the minimum size without rescaling.
        using var crop = new Mat(original, new Rect(x, y, width, height));
        using Mat mirrored = crop.Flip(FlipMode.Y);
        using var background = new Mat();
        Cv2.HConcat([crop, mirrored], background);

        IReadOnlyList<PortraitMeasurement> measured = quality.Measure(Png(background));

        AssertFailsExactly(measured, Faces);
        Assert.Equal(0, Value(measured, Faces));
    }

    [Fact]
    public void Bytes_that_are_not_an_image_fail_the_format_check_and_nothing_else_is_measured()
    {
        IReadOnlyList<QualityCheck> checks = quality.Evaluate("%PDF-1.7 not a portrait"u8.ToArray());

        QualityCheck format = Assert.Single(checks);
        Assert.Equal(new QualityCheck(Format, "unrecognised", "Jpeg or Png", false), format);
        Assert.Equal("format unrecognised (required Jpeg or Png)", new PortraitCheckResult(checks).DescribeFailures());
    }

    [Fact]
    public void A_truncated_jpeg_fails_decoding()
    {
        using Mat astronaut = SamplePhotos.Astronaut();
        byte[] jpeg = astronaut.ImEncode(".jpg");

        IReadOnlyList<PortraitMeasurement> measured = quality.Measure(jpeg[..(jpeg.Length / 3)]);

        Assert.Equal([Format, Decode], measured.Select(m => m.Name));
        AssertFailsExactly(measured, Decode);
    }

    [Fact]
    public void Checks_report_measured_value_and_threshold_as_text()
    {
        using Mat astronaut = SamplePhotos.Astronaut();
        IReadOnlyList<QualityCheck> checks = quality.Evaluate(Png(astronaut));

        Assert.Contains(new QualityCheck(Width, "512px", ">= 320px", true), checks);
        Assert.Contains(new QualityCheck(Faces, "1", "= 1", true), checks);
        Assert.Contains(checks, c => c.Name == Brisque && c.Required == "<= 45");
    }

    [Fact]
    public void Thresholds_are_configurable()
    {
        using var strict = new OpenCvPortraitQuality(new PortraitQualityOptions { MinWidth = 600, MinFaceWidthFraction = 0.5 });
        using Mat astronaut = SamplePhotos.Astronaut();

        IReadOnlyList<PortraitMeasurement> measured = strict.Measure(Png(astronaut));

        Assert.Equal([Width, FaceWidth], Failures(measured));
    }

    [Fact]
    public void Missing_model_files_name_the_debian_package()
    {
        var e = Assert.Throws<FileNotFoundException>(() => new OpenCvPortraitQuality(new PortraitQualityOptions { HaarCascadePath = "/nonexistent/cascade.xml" }));
        Assert.Contains("opencv-data", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inconsistent_options_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new PortraitQualityOptions { MinMeanLuminance = 200, MaxMeanLuminance = 100 }.Validate());
        Assert.Throws<ArgumentException>(() => new PortraitQualityOptions { MinFaceWidthFraction = 0.9, MaxFaceWidthFraction = 0.5 }.Validate());
    }

    private static byte[] Png(Mat image) => image.ImEncode(".png");

    private static List<string> Failures(IEnumerable<PortraitMeasurement> measured) => [.. measured.Where(m => !m.Passed).Select(m => m.Name)];

    private static double Value(IEnumerable<PortraitMeasurement> measured, string name) =>
        Assert.Single(measured, m => m.Name == name).Value ?? throw new InvalidOperationException($"{name} was not measured");

    private static void AssertFailsExactly(IReadOnlyList<PortraitMeasurement> measured, params string[] expected) =>
        Assert.Equal(expected, Failures(measured));

    /// <summary>All of <paramref name="required"/> fail, and nothing outside <paramref name="allowed"/> does.</summary>
    private static void AssertFailsWithin(IReadOnlyList<PortraitMeasurement> measured, string[] required, string[] allowed)
    {
        List<string> failures = Failures(measured);
        Assert.All(required, r => Assert.Contains(r, failures));
        Assert.All(failures, f => Assert.Contains(f, allowed));
    }
}
