using System.Globalization;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using CitizenWorkflows.Biometrics.Portrait;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.TestData;
using CitizenWorkflows.Workflow.Biometrics.Fingerprints;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Production;

namespace CitizenWorkflows.Benchmarks;

/// <summary>
/// The per-application hot paths outside storage: validating a submission, checking a kiosk's request signature,
/// rendering the card's QR code, verifying the card's chip signature, comparing two fingerprint templates and the
/// portrait quality check (face detection and BRISQUE with OpenCV).
/// </summary>
[MemoryDiagnoser]
public class HotPaths : IDisposable
{
    ApplicationSubmission form = null!;
    SubmittedPart[] parts = null!;
    DateTimeOffset now;
    byte[] kioskSecret = null!;
    byte[] requestBody = null!;
    long timestamp;
    string nonce = null!;
    string signature = null!;
    CccdQrPayload qr = null!;
    CardSigner signer = null!;
    SignedChipData signedChip = null!;
    MinutiaeMatcher matcher = null!;
    MatchTemplate probe = null!;
    MatchTemplate genuine = null!;
    MatchTemplate impostor = null!;
    OpenCvPortraitQuality portraitQuality = null!;
    byte[] portrait = null!;

    [GlobalSetup]
    public void Setup()
    {
        // A realistic submission: the demo's sample applicant, the sample photograph and four synthetic templates.
        now = DateTimeOffset.UtcNow;
        var samples = new SampleApplicants(seed: 1);
        ApplicationUpload upload = samples.Next(now);
        form = (ApplicationSubmission)upload.Application;
        parts = [new SubmittedPart("portrait", "portrait", "image/jpeg", upload.Portrait),
            .. upload.Fingerprints.Select(f => new SubmittedPart($"fingerprint-{f.Key:00}", null, null, f.Value))];

        // A kiosk request of the size intake sees (~240 KB: portrait and templates).
        kioskSecret = KioskSignature.DecodeSecret(KioskSignature.NewSecret());
        requestBody = upload.ToContent().ReadAsByteArrayAsync().GetAwaiter().GetResult();
        timestamp = now.ToUnixTimeSeconds();
        nonce = KioskSignature.NewNonce();
        signature = KioskSignature.Compute(kioskSecret, "POST", "/api/v1/applications", timestamp, nonce, requestBody);

        var applicant = new Applicant("Nguyễn Thị Lan", new DateOnly(1991, 4, 7), Sex.Female, "001191000123", "012345678", "001", "12 Lê Lợi, Hoàn Kiếm, Hà Nội");
        var issued = new DateOnly(2026, 11, 26);
        qr = CccdQrPayload.For(applicant, "001191000123", issued);
        signer = new CardSigner(CardSigningKey.Generate());
        signedChip = signer.Sign(ChipData.For(applicant, "001191000123", "001191000123", issued, new DateOnly(2031, 4, 7),
            upload.Portrait, upload.Fingerprints.ToDictionary(f => f.Key, f => f.Value)));

        // One identity's two impressions (a genuine pair) and another identity (an impostor).
        matcher = new MinutiaeMatcher();
        var random = new Random(7);
        MinutiaeRecord master = SyntheticFingerprints.Master(1, 7);
        probe = matcher.Prepare(SyntheticFingerprints.Impression(master, random));
        genuine = matcher.Prepare(SyntheticFingerprints.Impression(master, random));
        impostor = matcher.Prepare(SyntheticFingerprints.Impression(SyntheticFingerprints.Master(2, 7), random));

        portraitQuality = new OpenCvPortraitQuality();
        portrait = upload.Portrait;
    }

    // BenchmarkDotNet calls the cleanup it is told of, not IDisposable.Dispose.
    [GlobalCleanup]
    public void Dispose()
    {
        portraitQuality?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Description = "validate submission (form + portrait decode + templates)")]
    public int ValidateSubmission() => SubmissionRules.Validate(form, parts, now).Errors.Count;

    [Benchmark(Description = "kiosk signature check (HMAC-SHA256 over ~240 KB)")]
    public bool KioskSignatureCheck() =>
        KioskSignature.Verify(kioskSecret, "POST", "/api/v1/applications", timestamp, nonce, requestBody, signature);

    [Benchmark(Description = "QR encode (CCCD payload to PNG)")]
    public int QrEncode() => CardQrCode.RenderPng(qr).Length;

    [Benchmark(Description = "card chip signature verify (ECDSA P-256)")]
    public ChipSignatureStatus CardSignatureVerify() => signer.Verify(signedChip).Status;

    [Benchmark(Description = "fingerprint match, genuine pair")]
    public double FingerprintMatchGenuine() => matcher.Compare(probe, genuine);

    [Benchmark(Description = "fingerprint match, impostor pair")]
    public double FingerprintMatchImpostor() => matcher.Compare(probe, impostor);

    [Benchmark(Description = "portrait quality (OpenCV: face detection + BRISQUE)")]
    public int PortraitQuality() => portraitQuality.Evaluate(portrait).Count;
}
