using System.Globalization;
using System.Text;
using CitizenWorkflows.Workflow.Delivery;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Registry;

namespace CitizenWorkflows.Workflow.Intake;

/// <summary>
/// The <c>application</c> part of <c>POST /api/v1/applications</c> (JSON). Fields are strings so that every bad
/// value gets a named rule instead of a parser error.
/// </summary>
public sealed record ApplicationSubmission
{
    /// <summary>new, renewal or reissue.</summary>
    public string? Type { get; init; }

    /// <summary>Renewal: the number of the card being replaced (12-digit card or 9-digit old ID).</summary>
    public string? CurrentCardNumber { get; init; }

    /// <summary>Reissue: lost, damaged, data-changed or other.</summary>
    public string? ReissueReason { get; init; }

    public ApplicantFields? Applicant { get; init; }

    public CaptureFields? Capture { get; init; }

    /// <summary>"station" (collect at the police station where the application is made; the default) or "address"
    /// (posted to the current residence).</summary>
    public string? Delivery { get; init; }

    /// <summary>The campaign appointment the applicant came to (optional): checked in once the application is accepted.</summary>
    public string? AppointmentId { get; init; }
}

/// <summary>The DC01 population-information fields as submitted.</summary>
public sealed record ApplicantFields
{
    public string? FullName { get; init; }

    /// <summary>ISO date, yyyy-MM-dd.</summary>
    public string? DateOfBirth { get; init; }

    /// <summary>"male" or "female".</summary>
    public string? Sex { get; init; }

    public string? PersonalNumber { get; init; }

    public string? OldIdNumber { get; init; }

    public string? BirthProvinceCode { get; init; }

    public string? NativePlace { get; init; }

    public string? Ethnicity { get; init; }

    public string? Religion { get; init; }

    public string? Nationality { get; init; }

    public AddressFields? PermanentResidence { get; init; }

    public AddressFields? CurrentResidence { get; init; }

    public string? FatherName { get; init; }

    public string? MotherName { get; init; }

    public string? SpouseName { get; init; }

    public string? HeadOfHousehold { get; init; }

    /// <summary>A, B, AB or O (the DC01 form's groups).</summary>
    public string? BloodType { get; init; }
}

public sealed record AddressFields
{
    public string? ProvinceCode { get; init; }

    public string? Address { get; init; }
}

/// <summary>Where and when the capture happened.</summary>
public sealed record CaptureFields
{
    /// <summary>Where the capture took place (office, bus, home visit).</summary>
    public string? Location { get; init; }

    public double? Latitude { get; init; }

    public double? Longitude { get; init; }

    /// <summary>ISO 8601 with offset.</summary>
    public string? PortraitCapturedAt { get; init; }

    public string? FingerprintsCapturedAt { get; init; }
}

/// <summary>A submission that passed every rule, ready to store and start.</summary>
/// <param name="ResidenceProvinceCode">Province of current residence: where the applicant may apply.</param>
/// <param name="Delivery">How the citizen receives the card.</param>
public sealed record ValidSubmission(
    ApplicationType Type,
    Applicant Applicant,
    string ResidenceProvinceCode,
    IReadOnlyList<IntakeDocument> Documents,
    DeliveryMethod Delivery = DeliveryMethod.Station);

/// <summary>The intake rules. All are checked so the kiosk sees every problem at once.</summary>
public static class SubmissionRules
{
    public const int MinNameLength = 2;
    public const int MaxNameLength = 100;
    public const int MinAddressLength = 5;
    public const int MaxAddressLength = 250;
    public const int MaxTextLength = 100;
    public const int BiometricsFromAge = 6;

    /// <summary>Offline teams upload within days; older captures are refused.</summary>
    public static readonly TimeSpan MaxCaptureAge = TimeSpan.FromDays(30);

    /// <summary>Kiosk clocks drift a little.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    static readonly string[] ReissueReasons = ["lost", "damaged", "data-changed", "other"];

    /// <summary>
    /// Checks the submission as it will be stored (<see cref="CanonicalApplication"/>); the valid result's documents start
    /// with that canonical <c>application.json</c>.
    /// </summary>
    public static (ValidSubmission? Valid, IReadOnlyList<FieldError> Errors) Validate(
        ApplicationSubmission submission, IReadOnlyList<SubmittedPart> parts, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(submission);
        submission = CanonicalApplication.Normalise(submission);
        var errors = new List<FieldError>();
        DateOnly today = DateOnly.FromDateTime(now.ToOffset(WorkingDayCalendar.VietnamOffset).DateTime);

        ApplicationType? type = submission.Type?.ToUpperInvariant() switch
        {
            null => Add<ApplicationType>(errors, "type", "required", "is required: new, renewal or reissue"),
            "NEW" => ApplicationType.New,
            "RENEWAL" => ApplicationType.Renewal,
            "REISSUE" => ApplicationType.Reissue,
            _ => Add<ApplicationType>(errors, "type", "type.allowed", "must be one of new, renewal, reissue"),
        };
        CheckTypeRules(submission, type, errors);

        Applicant? applicant = null;
        string? residenceProvince = null;
        DateOnly? dob = null;
        if (submission.Applicant is not { } a)
        {
            errors.Add(new("applicant", "required", "is required"));
        }
        else
        {
            (applicant, residenceProvince, dob) = ValidateApplicant(a, type, today, errors);
        }

        IReadOnlyList<IntakeDocument> documents =
        [
            new IntakeDocument(SubmissionParts.ApplicationDocument, "application/json", CanonicalApplication.Bytes(submission)),
            .. SubmissionParts.CheckFiles(parts, errors),
        ];
        bool hasFingerprints = parts.Any(p => p.Name.StartsWith(SubmissionParts.FingerprintPrefix, StringComparison.Ordinal));
        if (hasFingerprints && dob is { } born && AgeOn(born, today) < BiometricsFromAge)
        {
            errors.Add(new("fingerprints", "fingerprints.age", $"are collected from age {BiometricsFromAge}; the applicant is younger"));
        }

        CheckCapture(submission.Capture, hasFingerprints, now, errors);
        DeliveryMethod? delivery = submission.Delivery?.Trim().ToUpperInvariant() switch
        {
            null or "STATION" => DeliveryMethod.Station,
            "ADDRESS" => DeliveryMethod.Address,
            _ => Add<DeliveryMethod>(errors, "delivery", "delivery.allowed", "must be station (collect at the police station) or address (posted to the current residence)"),
        };

        return errors.Count == 0
            ? (new ValidSubmission(type!.Value, applicant!, residenceProvince!, documents, delivery!.Value), errors)
            : (null, errors);
    }

    static void CheckTypeRules(ApplicationSubmission s, ApplicationType? type, List<FieldError> errors)
    {
        string? card = s.CurrentCardNumber?.Trim();
        if (type == ApplicationType.Renewal && string.IsNullOrEmpty(card))
        {
            errors.Add(new("currentCardNumber", "current-card.required", "is required for a renewal: the card being replaced"));
        }
        else if (!string.IsNullOrEmpty(card) && (card.Length is not (9 or 12) || !card.All(char.IsAsciiDigit)))
        {
            errors.Add(new("currentCardNumber", "current-card.format", "must be the 12 digits of the card or the 9 digits of the old ID"));
        }

        string? reason = s.ReissueReason?.Trim().ToLowerInvariant();
        if (type == ApplicationType.Reissue && string.IsNullOrEmpty(reason))
        {
            errors.Add(new("reissueReason", "reissue-reason.required", $"is required for a reissue: {string.Join(", ", ReissueReasons)}"));
        }
        else if (!string.IsNullOrEmpty(reason) && !ReissueReasons.Contains(reason))
        {
            errors.Add(new("reissueReason", "reissue-reason.allowed", $"must be one of {string.Join(", ", ReissueReasons)}"));
        }
    }

    static (Applicant?, string?, DateOnly?) ValidateApplicant(ApplicantFields a, ApplicationType? type, DateOnly today, List<FieldError> errors)
    {
        string? name = Name(a.FullName, "applicant.fullName", required: true, errors);

        DateOnly? dob = null;
        if (string.IsNullOrEmpty(a.DateOfBirth))
        {
            errors.Add(new("applicant.dateOfBirth", "required", "is required (yyyy-MM-dd)"));
        }
        else if (!DateOnly.TryParseExact(a.DateOfBirth, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly parsed))
        {
            errors.Add(new("applicant.dateOfBirth", "date.format", "must be a date in the form yyyy-MM-dd"));
        }
        else if (parsed > today)
        {
            errors.Add(new("applicant.dateOfBirth", "date.not-in-future", "may not be in the future"));
        }
        else if (parsed.Year < 1900)
        {
            errors.Add(new("applicant.dateOfBirth", "date.plausible", "must be in 1900 or later"));
        }
        else
        {
            dob = parsed;
        }

        Sex? sex = a.Sex?.ToUpperInvariant() switch
        {
            null => Add<Sex>(errors, "applicant.sex", "required", "is required: male or female"),
            "MALE" => Sex.Male,
            "FEMALE" => Sex.Female,
            _ => Add<Sex>(errors, "applicant.sex", "sex.allowed", "must be male or female"),
        };

        string? province = ProvinceCode(a.BirthProvinceCode, "applicant.birthProvinceCode", errors);

        string? number = string.IsNullOrWhiteSpace(a.PersonalNumber) ? null : a.PersonalNumber.Trim();
        if (number is not null)
        {
            foreach (RuleViolation v in PersonalNumber.Validate(number, dob, sex))
            {
                errors.Add(new("applicant.personalNumber", v.Rule, v.Message));
            }

            if (number.Length >= 3 && province is not null && !number.StartsWith(province, StringComparison.Ordinal))
            {
                errors.Add(new("applicant.personalNumber", "personal-number.birth-province",
                    $"digits 1-3 must be the birth registration province {province}"));
            }
        }
        else if (type is ApplicationType.Renewal or ApplicationType.Reissue)
        {
            errors.Add(new("applicant.personalNumber", "personal-number.required",
                "is required for a renewal or reissue: the applicant already holds a card"));
        }

        string? oldId = string.IsNullOrWhiteSpace(a.OldIdNumber) ? null : a.OldIdNumber.Trim();
        if (oldId is not null && (oldId.Length != 9 || !oldId.All(char.IsAsciiDigit)))
        {
            errors.Add(new("applicant.oldIdNumber", "old-id-number.format", "must be the 9 digits of the old ID card"));
        }

        foreach ((string field, string? value) in new[]
        {
            ("nativePlace", a.NativePlace), ("ethnicity", a.Ethnicity), ("religion", a.Religion), ("nationality", a.Nationality),
            ("headOfHousehold", a.HeadOfHousehold),
        })
        {
            Text(value, "applicant." + field, errors);
        }

        foreach ((string field, string? value) in new[] { ("fatherName", a.FatherName), ("motherName", a.MotherName), ("spouseName", a.SpouseName) })
        {
            Name(value, "applicant." + field, required: false, errors);
        }

        if (a.BloodType is { } blood && !CitizenRecord.BloodTypes.Contains(blood.Trim().ToUpperInvariant()))
        {
            errors.Add(new("applicant.bloodType", "blood-type.allowed", $"must be one of {string.Join(", ", CitizenRecord.BloodTypes)}"));
        }

        (string? permanentProvince, string? permanent) = Address(a.PermanentResidence, "applicant.permanentResidence", errors);
        (string? currentProvince, _) = a.CurrentResidence is null
            ? (permanentProvince, permanent)
            : Address(a.CurrentResidence, "applicant.currentResidence", errors);

        Applicant? applicant = name is null || dob is null || sex is null || province is null || permanent is null
            ? null
            : new Applicant(name, dob.Value, sex.Value, number, oldId, province, permanent);
        return (applicant, currentProvince, dob);
    }

    static void CheckCapture(CaptureFields? capture, bool hasFingerprints, DateTimeOffset now, List<FieldError> errors)
    {
        if (capture is null)
        {
            errors.Add(new("capture", "required", "is required: where and when the capture took place"));
            return;
        }

        Text(capture.Location, "capture.location", errors, required: true);
        if (capture.Latitude is < -90 or > 90 || capture.Longitude is < -180 or > 180)
        {
            errors.Add(new("capture", "capture.coordinates", "latitude must be within ±90 and longitude within ±180"));
        }

        Timestamp(capture.PortraitCapturedAt, "capture.portraitCapturedAt", required: true, now, errors);
        Timestamp(capture.FingerprintsCapturedAt, "capture.fingerprintsCapturedAt", required: hasFingerprints, now, errors);
    }

    static void Timestamp(string? value, string field, bool required, DateTimeOffset now, List<FieldError> errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (required)
            {
                errors.Add(new(field, "required", "is required (ISO 8601 with offset)"));
            }

            return;
        }

        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTimeOffset at))
        {
            errors.Add(new(field, "timestamp.format", "must be an ISO 8601 timestamp with offset"));
        }
        else if (at > now + ClockSkew)
        {
            errors.Add(new(field, "timestamp.not-in-future", "may not be in the future"));
        }
        else if (now - at > MaxCaptureAge)
        {
            errors.Add(new(field, "timestamp.too-old", $"is more than {MaxCaptureAge.TotalDays:0} days ago"));
        }
    }

    static string? Name(string? value, string field, bool required, List<FieldError> errors)
    {
        string? name = Normalise(value);
        if (string.IsNullOrEmpty(name))
        {
            if (required)
            {
                errors.Add(new(field, "required", "is required"));
            }

            return null;
        }

        if (name.Length is < MinNameLength or > MaxNameLength)
        {
            errors.Add(new(field, "name.length", $"must be {MinNameLength}-{MaxNameLength} characters"));
            return null;
        }

        if (!name.All(c => char.IsLetter(c) || c is ' ' or '-' or '\'' || char.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark))
        {
            errors.Add(new(field, "name.characters", "may contain only letters, spaces, hyphens and apostrophes"));
            return null;
        }

        return name;
    }

    static string? Text(string? value, string field, List<FieldError> errors, bool required = false)
    {
        string? text = Normalise(value);
        if (string.IsNullOrEmpty(text))
        {
            if (required)
            {
                errors.Add(new(field, "required", "is required"));
            }

            return null;
        }

        if (text.Length > MaxTextLength || text.Any(c => c == '|' || char.IsControl(c)))
        {
            errors.Add(new(field, "text.allowed", $"must be at most {MaxTextLength} characters without '|' or control characters"));
            return null;
        }

        return text;
    }

    static (string? Province, string? Address) Address(AddressFields? fields, string field, List<FieldError> errors)
    {
        if (fields is null)
        {
            errors.Add(new(field, "required", "is required: provinceCode and address"));
            return (null, null);
        }

        string? province = ProvinceCode(fields.ProvinceCode, field + ".provinceCode", errors);
        string? address = Normalise(fields.Address);
        if (string.IsNullOrEmpty(address))
        {
            errors.Add(new(field + ".address", "required", "is required"));
            address = null;
        }
        else if (address.Length is < MinAddressLength or > MaxAddressLength)
        {
            errors.Add(new(field + ".address", "address.length", $"must be {MinAddressLength}-{MaxAddressLength} characters"));
            address = null;
        }
        else if (address.Any(c => c == '|' || char.IsControl(c)))
        {
            errors.Add(new(field + ".address", "address.characters", "may not contain '|' or control characters"));
            address = null;
        }

        return (province, address);
    }

    static string? ProvinceCode(string? value, string field, List<FieldError> errors)
    {
        string? code = value?.Trim();
        if (string.IsNullOrEmpty(code))
        {
            errors.Add(new(field, "required", "is required"));
            return null;
        }

        if (!Province.IsKnown(code))
        {
            errors.Add(new(field, "province.known", $"'{code}' is not one of the 63 province codes"));
            return null;
        }

        return code;
    }

    /// <summary>NFC, trimmed, runs of spaces collapsed to one.</summary>
    internal static string? Normalise(string? value) =>
        value is null ? null : string.Join(' ', value.Normalize(NormalizationForm.FormC).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    static int AgeOn(DateOnly born, DateOnly day) =>
        day.Year - born.Year - (day < born.AddYears(day.Year - born.Year) ? 1 : 0);

    static T? Add<T>(List<FieldError> errors, string field, string rule, string message)
        where T : struct
    {
        errors.Add(new(field, rule, message));
        return null;
    }
}

/// <summary>Recognises image formats by their magic bytes, never by a name or a declared type.</summary>
public static class ImageFormat
{
    static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF];

    public static string? Detect(ReadOnlySpan<byte> content) =>
        content.StartsWith(Png) ? "image/png"
        : content.StartsWith(Jpeg) ? "image/jpeg"
        : null;
}
