using System.Globalization;
using System.Text;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Http;

namespace CitizenWorkflows.Workflow.Intake;

/// <summary>The JSON body of <c>POST /api/v1/applications</c>. Fields are strings so that every bad value gets a named rule.</summary>
public sealed record ApplicationSubmission
{
    public string? Type { get; init; }

    public ApplicantFields? Applicant { get; init; }

    /// <summary>The portrait, JPEG or PNG, base64-encoded.</summary>
    public string? Portrait { get; init; }
}

/// <summary>DC01 core fields as submitted.</summary>
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

    public string? Residence { get; init; }
}

/// <summary>A submission that passed every rule, ready to store and start.</summary>
public sealed record ValidSubmission(ApplicationType Type, Applicant Applicant, byte[] Portrait, string PortraitContentType);

/// <summary>The intake rules. All are checked so the kiosk sees every problem at once.</summary>
public static class SubmissionRules
{
    public const int MaxPortraitBytes = 4 * 1024 * 1024;
    public const int MinNameLength = 2;
    public const int MaxNameLength = 100;
    public const int MinResidenceLength = 5;
    public const int MaxResidenceLength = 250;

    public static (ValidSubmission? Valid, IReadOnlyList<FieldError> Errors) Validate(ApplicationSubmission submission, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var errors = new List<FieldError>();

        ApplicationType? type = submission.Type?.ToUpperInvariant() switch
        {
            null => Add<ApplicationType>(errors, "type", "required", "is required: new, renewal or reissue"),
            "NEW" => ApplicationType.New,
            "RENEWAL" => ApplicationType.Renewal,
            "REISSUE" => ApplicationType.Reissue,
            _ => Add<ApplicationType>(errors, "type", "type.allowed", "must be one of new, renewal, reissue"),
        };

        Applicant? applicant = null;
        if (submission.Applicant is not { } a)
        {
            errors.Add(new("applicant", "required", "is required"));
        }
        else
        {
            applicant = ValidateApplicant(a, type, today, errors);
        }

        (byte[]? portrait, string? contentType) = ValidatePortrait(submission.Portrait, errors);

        return errors.Count == 0
            ? (new ValidSubmission(type!.Value, applicant!, portrait!, contentType!), errors)
            : (null, errors);
    }

    static Applicant? ValidateApplicant(ApplicantFields a, ApplicationType? type, DateOnly today, List<FieldError> errors)
    {
        string? name = a.FullName?.Trim().Normalize(NormalizationForm.FormC);
        if (string.IsNullOrEmpty(name))
        {
            errors.Add(new("applicant.fullName", "required", "is required"));
        }
        else if (name.Length is < MinNameLength or > MaxNameLength)
        {
            errors.Add(new("applicant.fullName", "full-name.length", $"must be {MinNameLength}-{MaxNameLength} characters"));
        }
        else if (!name.All(c => char.IsLetter(c) || c == ' ' || c == '-' || c == '\'' || char.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark))
        {
            errors.Add(new("applicant.fullName", "full-name.characters", "may contain only letters, spaces, hyphens and apostrophes"));
        }

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

        string? province = a.BirthProvinceCode?.Trim();
        if (string.IsNullOrEmpty(province))
        {
            errors.Add(new("applicant.birthProvinceCode", "required", "is required"));
        }
        else if (!Province.IsKnown(province))
        {
            errors.Add(new("applicant.birthProvinceCode", "province.known", $"'{province}' is not one of the 63 province codes"));
        }

        string? number = string.IsNullOrWhiteSpace(a.PersonalNumber) ? null : a.PersonalNumber.Trim();
        if (number is not null)
        {
            foreach (RuleViolation v in PersonalNumber.Validate(number, dob, sex))
            {
                errors.Add(new("applicant.personalNumber", v.Rule, v.Message));
            }

            if (number.Length >= 3 && province is not null && Province.IsKnown(province) && !number.StartsWith(province, StringComparison.Ordinal))
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

        string? residence = a.Residence?.Trim().Normalize(NormalizationForm.FormC);
        if (string.IsNullOrEmpty(residence))
        {
            errors.Add(new("applicant.residence", "required", "is required"));
        }
        else if (residence.Length is < MinResidenceLength or > MaxResidenceLength)
        {
            errors.Add(new("applicant.residence", "residence.length", $"must be {MinResidenceLength}-{MaxResidenceLength} characters"));
        }
        else if (residence.Any(c => c == '|' || char.IsControl(c)))
        {
            errors.Add(new("applicant.residence", "residence.characters", "may not contain '|' or control characters"));
        }

        return name is null || dob is null || sex is null || province is null || residence is null
            ? null
            : new Applicant(name, dob.Value, sex.Value, number, oldId, province, residence);
    }

    static (byte[]?, string?) ValidatePortrait(string? base64, List<FieldError> errors)
    {
        if (string.IsNullOrEmpty(base64))
        {
            errors.Add(new("portrait", "required", "is required: a JPEG or PNG image, base64-encoded"));
            return (null, null);
        }

        if (base64.Length > (MaxPortraitBytes + 2) / 3 * 4)
        {
            errors.Add(new("portrait", "portrait.size", $"may be at most {MaxPortraitBytes} bytes"));
            return (null, null);
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            errors.Add(new("portrait", "portrait.base64", "is not valid base64"));
            return (null, null);
        }

        string? contentType = ImageFormat.Detect(bytes);
        if (contentType is null)
        {
            errors.Add(new("portrait", "portrait.content-type", "must be a JPEG or PNG image (checked by its content)"));
        }

        return (bytes, contentType);
    }

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
