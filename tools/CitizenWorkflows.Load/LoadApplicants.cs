using System.Globalization;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.TestData;
using CitizenWorkflows.Workflow.Biometrics;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Registry;
using SkiaSharp;

namespace CitizenWorkflows.Load;

/// <summary>
/// Realistic applications for load runs: a share are renewals by citizens of the population registry (loaded into it
/// first, so the registry check matches), the rest first-time applicants; portraits are variants of the sample
/// photograph (shifted crop, exposure, re-encoded) so no two neighbours share bytes; fingerprints are synthetic
/// ISO/IEC 19794-2 records of a new synthetic person each.
/// </summary>
public static class LoadApplicants
{
    /// <summary>Distinct portrait variants cycled through (each one decoded, altered and re-encoded once).</summary>
    const int PortraitVariants = 16;

    public static async Task<IReadOnlyList<ApplicationUpload>> PrepareAsync(
        int count, double registryShare, int seed, PopulationRegistry registry, IPortraitQuality quality, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(quality);
        var samples = new SampleApplicants(seed);

        // Only variants that pass the system's own portrait checks: a load run measures the path to Delivered.
        int variants = Math.Clamp(count, 1, PortraitVariants);
        byte[][] portraits = [.. Enumerable.Range(0, variants * 2).Select(v => PortraitVariant(v, seed))
            .Where(p => quality.Evaluate(p).All(c => c.Passed)).Take(variants)];
        if (portraits.Length == 0)
        {
            portraits = [SampleApplicants.SamplePortrait];
        }

        int citizensWanted = (int)Math.Round(count * Math.Clamp(registryShare, 0, 1));

        // Adults only (a first card is issued from 14); the seed makes each run's citizens its own.
        List<CitizenRecord> citizens = [.. SyntheticCitizens.Generate(seed, citizensWanted * 3)
            .Where(c => c.DateOfBirth.AddYears(14) <= SyntheticCitizens.ReferenceDate)
            .Take(citizensWanted)];
        if (citizens.Count > 0)
        {
            await registry.EnsureTableAsync(cancellationToken);
            await registry.UpsertBatchAsync(citizens, cancellationToken);
        }

        DateTimeOffset now = DateTimeOffset.UtcNow;
        string at = now.ToString("O", CultureInfo.InvariantCulture);
        var uploads = new List<ApplicationUpload>(count);
        int used = 0;
        for (int i = 0; i < count; i++)
        {
            // Renewals spread evenly through the run (Bresenham), so every stretch of it has the same mix.
            bool renewal = used < citizens.Count && (long)(i + 1) * citizens.Count / count > used;
            ApplicationSubmission form = renewal ? FromCitizen(citizens[used++], now) : FirstTime(samples.NextForm(now));
            uploads.Add(new ApplicationUpload
            {
                Application = form with { Capture = form.Capture! with { FingerprintsCapturedAt = at } },
                Portrait = portraits[i % portraits.Length],
                Fingerprints = samples.NextFingerprints(),
            });
        }

        return uploads;
    }

    /// <summary>A first-time applicant: no number yet (the registry does not know them; one is allocated).</summary>
    static ApplicationSubmission FirstTime(ApplicationSubmission form) =>
        form with { Type = "new", CurrentCardNumber = null, Applicant = form.Applicant! with { PersonalNumber = null } };

    /// <summary>A renewal by <paramref name="citizen"/>, declaring what the registry holds.</summary>
    public static ApplicationSubmission FromCitizen(CitizenRecord citizen, DateTimeOffset capturedAt)
    {
        ArgumentNullException.ThrowIfNull(citizen);
        string province = citizen.BirthProvinceCode;
        return new ApplicationSubmission
        {
            Type = "renewal",
            CurrentCardNumber = citizen.PersonalNumber,
            Applicant = new ApplicantFields
            {
                FullName = citizen.FullName,
                DateOfBirth = citizen.DateOfBirth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                Sex = citizen.Sex == Sex.Male ? "male" : "female",
                PersonalNumber = citizen.PersonalNumber,
                BirthProvinceCode = province,
                Ethnicity = citizen.Ethnicity,
                Nationality = citizen.Nationality,
                PermanentResidence = new AddressFields { ProvinceCode = province, Address = citizen.PermanentResidence },
                CurrentResidence = new AddressFields { ProvinceCode = province, Address = citizen.CurrentResidence },
                FatherName = citizen.FatherName,
                MotherName = citizen.MotherName,
            },
            Capture = new CaptureFields
            {
                Location = "Load test intake office",
                PortraitCapturedAt = capturedAt.ToString("O", CultureInfo.InvariantCulture),
            },
        };
    }

    /// <summary>The sample photograph cropped a few pixels off centre and its exposure nudged, as a new JPEG.</summary>
    static byte[] PortraitVariant(int variant, int seed)
    {
        var random = new Random(HashCode.Combine(seed, variant));
        using SKBitmap source = SKBitmap.Decode(SampleApplicants.SamplePortrait);
        int dx = random.Next(0, 8), dy = random.Next(0, 8);
        var crop = new SKRectI(dx, dy, source.Width - (8 - dx), source.Height - (8 - dy));
        using SKImage whole = SKImage.FromBitmap(source);
        using var target = new SKBitmap(crop.Width, crop.Height);
        float gain = 0.96f + (float)random.NextDouble() * 0.08f;
        using (var canvas = new SKCanvas(target))
        using (var paint = new SKPaint { ColorFilter = SKColorFilter.CreateColorMatrix([gain, 0, 0, 0, 0, 0, gain, 0, 0, 0, 0, 0, gain, 0, 0, 0, 0, 0, 1, 0]) })
        {
            canvas.DrawImage(whole, crop, new SKRect(0, 0, crop.Width, crop.Height), new SKSamplingOptions(SKFilterMode.Linear), paint);
        }

        using SKImage image = SKImage.FromBitmap(target);
        using SKData jpeg = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        return jpeg.ToArray();
    }
}
