using System.Globalization;
using System.Text.Json;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.TestData;
using CitizenWorkflows.Workflow.Biometrics.Duplicates;
using CitizenWorkflows.Workflow.Biometrics.Fingerprints;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Registry;
using SkiaSharp;

namespace CitizenWorkflows.Tests.Support;

/// <summary>Known-good inputs the tests vary one field at a time.</summary>
public static class Samples
{
    /// <summary>
    /// The demo's real portrait photograph re-encoded as PNG: lossless, so it passes every portrait check as the JPEG does,
    /// and a PNG for the tests that need one (fingerprint images, truncation).
    /// </summary>
    public static readonly byte[] PortraitPng = RedrawnPortrait(size: null, paint: null);

    /// <summary>A drawn head-and-shoulders PNG: decodes, is large enough, but no face detector finds a face in it.</summary>
    public static readonly byte[] FacelessPortraitPng = SampleApplicants.Portrait(600, 800);

    /// <summary>
    /// The stages an officer-approved application collected at the station records on its way to Delivered (picked up,
    /// left at the station, handed over; no in-transit report); each partner wait is an entry too.
    /// </summary>
    public static readonly ApplicationStage[] HappyPathTimeline =
    [
        ApplicationStage.Received, ApplicationStage.DocumentsStored, ApplicationStage.BiometricCheck,
        ApplicationStage.BiometricCheck, ApplicationStage.BiometricCheck, ApplicationStage.AwaitingApproval, ApplicationStage.Approved, ApplicationStage.Personalised,
        ApplicationStage.Printing, ApplicationStage.Printed, ApplicationStage.Printed, ApplicationStage.Shipped,
        ApplicationStage.Shipped, ApplicationStage.AtStation, ApplicationStage.AtStation, ApplicationStage.Delivered,
    ];

    public const string Residence = "45 Nguyễn Trãi, Quận 1, Hồ Chí Minh";

    /// <summary>Trần Thị Hạnh of Hồ Chí Minh, renewing; <paramref name="change"/> alters the applicant.</summary>
    public static ApplicationSubmission Form(Func<ApplicantFields, ApplicantFields>? change = null, string type = "renewal")
    {
        var residence = new AddressFields { ProvinceCode = "079", Address = Residence };
        var applicant = new ApplicantFields
        {
            FullName = "Trần Thị Hạnh",
            DateOfBirth = "1994-08-15",
            Sex = "female",
            PersonalNumber = "079194001234",
            BirthProvinceCode = "079",
            Ethnicity = "Kinh",
            Nationality = "Việt Nam",
            PermanentResidence = residence,
            CurrentResidence = residence,
            FatherName = "Trần Văn Nam",
            MotherName = "Lê Thị Mai",
        };
        return new ApplicationSubmission
        {
            Type = type,
            CurrentCardNumber = type == "renewal" ? "079194001234" : null,
            ReissueReason = type == "reissue" ? "lost" : null,
            Applicant = change is null ? applicant : change(applicant),
            Capture = new CaptureFields
            {
                Location = "Công an phường Bến Nghé",
                PortraitCapturedAt = DateTimeOffset.UtcNow.AddMinutes(-2).ToString("O", CultureInfo.InvariantCulture),
            },
        };
    }

    public static ApplicationUpload Upload(ApplicationSubmission? form = null, byte[]? portrait = null) =>
        new() { Application = form ?? Form(), Portrait = portrait ?? PortraitPng };

    /// <summary>The registry's record of <paramref name="applicant"/>, so that the registry check matches.</summary>
    public static CitizenRecord CitizenFor(Applicant applicant) => new(
        applicant.PersonalNumber!, applicant.FullName, applicant.DateOfBirth, applicant.Sex, applicant.BirthProvinceCode,
        NativePlace: "Hồ Chí Minh", Ethnicity: "Kinh", Religion: "Không", Nationality: "Việt Nam",
        PermanentResidence: applicant.Residence, CurrentResidence: applicant.Residence, FatherName: "Trần Văn Nam",
        MotherName: "Lê Thị Mai", SpouseName: null, HeadOfHousehold: "Trần Văn Nam", OldIdNumber: null, BloodType: "O");

    /// <summary>The sample applicant as the workflow receives it.</summary>
    public static readonly Applicant Hanh = new("Trần Thị Hạnh", new DateOnly(1994, 8, 15), Sex.Female, "079194001234", null, "079", Residence);

    /// <summary>The sample portrait resized to <paramref name="width"/> x <paramref name="height"/>, as PNG.</summary>
    public static byte[] PortraitScaled(int width, int height) => RedrawnPortrait(new SKImageInfo(width, height), paint: null);

    /// <summary>The sample portrait with a Gaussian blur of <paramref name="sigma"/> pixels (out of focus), as PNG.</summary>
    public static byte[] PortraitBlurred(float sigma)
    {
        using var paint = new SKPaint { ImageFilter = SKImageFilter.CreateBlur(sigma, sigma) };
        return RedrawnPortrait(size: null, paint);
    }

    /// <summary>The sample portrait with every channel scaled by <paramref name="factor"/> (under-exposed), as PNG.</summary>
    public static byte[] PortraitDarkened(float factor)
    {
        using var paint = new SKPaint
        {
            ColorFilter = SKColorFilter.CreateColorMatrix([factor, 0, 0, 0, 0, 0, factor, 0, 0, 0, 0, 0, factor, 0, 0, 0, 0, 0, 1, 0]),
        };
        return RedrawnPortrait(size: null, paint);
    }

    /// <summary>The sample portrait drawn onto a canvas of <paramref name="size"/> (its own by default) through
    /// <paramref name="paint"/>, as PNG.</summary>
    static byte[] RedrawnPortrait(SKImageInfo? size, SKPaint? paint)
    {
        using SKBitmap original = SKBitmap.Decode(SampleApplicants.SamplePortrait);
        using var redrawn = new SKBitmap(size ?? original.Info);
        using (var canvas = new SKCanvas(redrawn))
        using (SKImage image = SKImage.FromBitmap(original))
        {
            canvas.DrawImage(image, new SKRect(0, 0, redrawn.Width, redrawn.Height), new SKSamplingOptions(SKFilterMode.Linear), paint);
        }

        using SKData png = redrawn.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    /// <summary>
    /// ISO/IEC 19794-2 templates of the searched fingers (right thumb and index, left thumb and index) of synthetic person
    /// <paramref name="identity"/>: a fresh impression each call, as a new capture at another kiosk would be.
    /// </summary>
    public static Dictionary<int, byte[]> Fingerprints(int identity, int impressionSeed) =>
        DuplicateSearchOptions.DefaultSearchFingers.ToDictionary(
            position => position,
            position => MinutiaeRecord.Write(SyntheticFingerprints.Impression(
                SyntheticFingerprints.Master(identity, seed: 2026, fingerPosition: position), new Random((identity * 1_000) + (impressionSeed * 10) + position))));

    /// <summary>A first-time applicant (no personal number) with fingerprints captured now; <paramref name="delivery"/>
    /// "address" posts the card.</summary>
    public static ApplicationUpload NewApplicant(
        string fullName, string dateOfBirth, Dictionary<int, byte[]>? fingerprints, byte[]? portrait = null, string? delivery = null)
    {
        ApplicationSubmission form = Form(a => a with { FullName = fullName, DateOfBirth = dateOfBirth, PersonalNumber = null }, type: "new");
        form = form with
        {
            Delivery = delivery,
            Capture = form.Capture! with { FingerprintsCapturedAt = fingerprints is null ? null : DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture) },
        };
        return new ApplicationUpload { Application = form, Portrait = portrait ?? PortraitPng, Fingerprints = fingerprints ?? [] };
    }

    static readonly string[] FamilyNames = ["Trần", "Nguyễn", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"];
    static readonly string[] MiddleNames = ["Thị", "Ngọc", "Thanh", "Minh", "Bảo", "Gia", "Thu", "Kim", "Mỹ", "Diệu"];
    static readonly string[] GivenNames = ["Hạnh", "An", "Bình", "Châu", "Giang", "Hà", "Hoa", "Lan", "Linh", "Mai", "Phương", "Thảo", "Trang", "Vy", "Yến", "Nhung"];
    static int applicantsMade;

    /// <summary>
    /// A different person on each call (own name and personal number), born like Hạnh in Hồ Chí Minh in 1994: tests that
    /// share one store must not look like duplicate identities of each other.
    /// </summary>
    public static Applicant NextApplicant()
    {
        int n = Interlocked.Increment(ref applicantsMade);
        string name = $"{FamilyNames[n / (GivenNames.Length * MiddleNames.Length) % FamilyNames.Length]} {MiddleNames[n / GivenNames.Length % MiddleNames.Length]} {GivenNames[n % GivenNames.Length]}";
        string number = PersonalNumber.Compose(PersonalNumber.PrefixFor(Hanh.BirthProvinceCode, Hanh.DateOfBirth, Hanh.Sex), 500_000 + n).Value;
        return Hanh with { FullName = name, PersonalNumber = number };
    }

    /// <summary>
    /// A renewal by <paramref name="person"/> (default: <see cref="NextApplicant"/>, a person no other test uses): one
    /// citizen has one application in flight, so tests that keep applications in flight side by side need distinct people.
    /// </summary>
    public static ApplicationUpload RenewalBy(Applicant? person = null, Func<ApplicantFields, ApplicantFields>? change = null, byte[]? portrait = null) =>
        Upload(RenewalFormBy(person, change), portrait);

    /// <summary>The application part of <see cref="RenewalBy"/>.</summary>
    public static ApplicationSubmission RenewalFormBy(Applicant? person = null, Func<ApplicantFields, ApplicantFields>? change = null)
    {
        Applicant p = person ?? NextApplicant();
        ApplicationSubmission form = Form(a =>
        {
            ApplicantFields fields = a with { FullName = p.FullName, PersonalNumber = p.PersonalNumber };
            return change is null ? fields : change(fields);
        });
        return form with { CurrentCardNumber = p.PersonalNumber };
    }

    /// <summary>The parts the server would receive for <paramref name="form"/> plus any extra parts.</summary>
    public static List<SubmittedPart> Parts(ApplicationSubmission form, params SubmittedPart[] extra) =>
    [
        new(SubmissionParts.Application, null, "application/json", JsonSerializer.SerializeToUtf8Bytes(form, JsonSerializerOptions.Web)),
        new(SubmissionParts.Portrait, "portrait.png", "image/png", PortraitPng),
        .. extra,
    ];
}
