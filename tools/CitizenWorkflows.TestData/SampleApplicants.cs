using System.Globalization;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Workflow.Biometrics.Duplicates;
using CitizenWorkflows.Workflow.Biometrics.Fingerprints;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Intake;
using SkiaSharp;

namespace CitizenWorkflows.TestData;

/// <summary>Synthetic but valid applications (Vietnamese names, real province codes, consistent personal numbers) for
/// the demo and tests.</summary>
public sealed class SampleApplicants(int seed)
{
    static readonly string[] FamilyNames = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"];
    static readonly string[] MiddleNames = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quang", "Gia", "Bảo"];
    static readonly string[] GivenNames = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Khánh", "Lan", "Linh", "Mai", "Nam", "Phương", "Quân", "Sơn", "Thảo", "Trang", "Tuấn", "Vy"];
    static readonly string[] Streets = ["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Hai Bà Trưng", "Lý Thường Kiệt", "Điện Biên Phủ"];

    /// <summary>
    /// A real photograph that passes every portrait check: NASA's public-domain portrait of astronaut Eileen Collins
    /// (shipped by python3-skimage as astronaut.png), stored as JPEG.
    /// </summary>
    public static byte[] SamplePortrait => SamplePortraitJpeg.Value;

    static readonly Lazy<byte[]> SamplePortraitJpeg = new(() =>
    {
        using Stream resource = typeof(SampleApplicants).Assembly.GetManifestResourceStream("sample-portrait.jpg")
            ?? throw new InvalidOperationException("The embedded sample-portrait.jpg is missing from the build.");
        using var copy = new MemoryStream();
        resource.CopyTo(copy);
        return copy.ToArray();
    });

    readonly Random random = new(seed);

    /// <summary>An upload as a kiosk sends it; about half carry an existing personal number (renewals), the rest get
    /// one allocated.</summary>
    public ApplicationUpload Next(DateTimeOffset capturedAt)
    {
        ApplicationSubmission form = NextForm(capturedAt);
        return new()
        {
            Application = form with { Capture = form.Capture! with { FingerprintsCapturedAt = capturedAt.ToString("O", CultureInfo.InvariantCulture) } },
            Portrait = SamplePortrait,
            Fingerprints = NextFingerprints(),
        };
    }

    /// <summary>
    /// A new synthetic person's thumbs and index fingers (the positions the duplicate search uses), as ISO/IEC 19794-2
    /// records of one live-scan impression each.
    /// </summary>
    public Dictionary<int, byte[]> NextFingerprints()
    {
        int person = random.Next();
        return DuplicateSearchOptions.DefaultSearchFingers.ToDictionary(
            position => position,
            position => MinutiaeRecord.Write(SyntheticFingerprints.Impression(SyntheticFingerprints.Master(person, seed, position), random)));
    }


    /// <summary>The <c>application</c> part alone.</summary>
    public ApplicationSubmission NextForm(DateTimeOffset capturedAt)
    {
        Province province = Province.All.ElementAt(random.Next(Province.All.Count));
        Sex sex = random.Next(2) == 0 ? Sex.Male : Sex.Female;
        var dob = new DateOnly(random.Next(1950, 2010), random.Next(1, 13), random.Next(1, 29));
        string? number = random.Next(2) == 0
            ? PersonalNumber.Compose(PersonalNumber.PrefixFor(province.Code, dob, sex), random.Next(1_000_000)).Value
            : null;
        string middle = sex == Sex.Female ? "Thị" : MiddleNames[random.Next(MiddleNames.Length)];
        string family = FamilyNames[random.Next(FamilyNames.Length)];
        var residence = new AddressFields
        {
            ProvinceCode = province.Code,
            Address = $"{random.Next(1, 300)} {Streets[random.Next(Streets.Length)]}, {province.Name}",
        };
        return new ApplicationSubmission
        {
            Type = number is null ? "new" : "renewal",
            CurrentCardNumber = number,
            Applicant = new ApplicantFields
            {
                FullName = $"{family} {middle} {GivenNames[random.Next(GivenNames.Length)]}",
                DateOfBirth = dob.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                Sex = sex == Sex.Male ? "male" : "female",
                PersonalNumber = number,
                BirthProvinceCode = province.Code,
                Ethnicity = "Kinh",
                Nationality = "Việt Nam",
                PermanentResidence = residence,
                CurrentResidence = residence,
                FatherName = $"{family} Văn {GivenNames[random.Next(GivenNames.Length)]}",
                MotherName = $"{FamilyNames[random.Next(FamilyNames.Length)]} Thị {GivenNames[random.Next(GivenNames.Length)]}",
            },
            Capture = new CaptureFields
            {
                Location = "Demo intake office",
                PortraitCapturedAt = capturedAt.ToString("O", CultureInfo.InvariantCulture),
            },
            // About a third have the card posted home; the rest collect it at the station.
            Delivery = random.Next(3) == 0 ? "address" : "station",
        };
    }

    /// <summary>A plain head-and-shoulders drawing as PNG: decodes like a capture would, but no face detector finds a face in it.</summary>
    public static byte[] Portrait(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor(230, 233, 237));
            using var skin = new SKPaint { Color = new SKColor(224, 182, 150), IsAntialias = true };
            using var shirt = new SKPaint { Color = new SKColor(40, 60, 110), IsAntialias = true };
            canvas.DrawOval(width / 2f, height * 0.38f, width * 0.2f, height * 0.2f, skin);
            canvas.DrawRect(width * 0.2f, height * 0.7f, width * 0.6f, height * 0.3f, shirt);
        }

        using SKImage image = SKImage.FromBitmap(bitmap);
        using SKData png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }
}
