using System.Globalization;
using System.Text;
using CitizenWorkflows.Workflow.Domain;

namespace CitizenWorkflows.Workflow.Registry;

/// <summary>
/// One citizen in the population registry: the fields of the DC01 population-information form, keyed by the
/// 12-digit personal number. Text is stored as given (NFC); <see cref="Validate"/> holds the rules every record in
/// the registry obeys, whether it came from a CSV load or from code.
/// </summary>
/// <param name="PersonalNumber">The 12-digit personal identification number (consistent with birth date, sex and birth province).</param>
/// <param name="BirthProvinceCode">Province code of the place of birth registration (digits 1–3 of the number).</param>
/// <param name="NativePlace">Quê quán: the family's place of origin.</param>
/// <param name="PermanentResidence">Nơi thường trú.</param>
/// <param name="CurrentResidence">Nơi ở hiện tại.</param>
/// <param name="SpouseName">Only for married people.</param>
/// <param name="HeadOfHousehold">Full name of the head of the household the person is registered in (may be the person).</param>
/// <param name="OldIdNumber">The old 9-digit ID card (CMND) number, if the person had one.</param>
/// <param name="BloodType">A, B, AB or O, when known.</param>
public sealed record CitizenRecord(
    string PersonalNumber,
    string FullName,
    DateOnly DateOfBirth,
    Sex Sex,
    string BirthProvinceCode,
    string NativePlace,
    string Ethnicity,
    string Religion,
    string Nationality,
    string PermanentResidence,
    string CurrentResidence,
    string FatherName,
    string MotherName,
    string? SpouseName,
    string HeadOfHousehold,
    string? OldIdNumber,
    string? BloodType)
{
    /// <summary>The longest text a field may hold (addresses included).</summary>
    public const int MaxTextLength = 250;

    /// <summary>The blood types the registry records.</summary>
    public static IReadOnlyList<string> BloodTypes { get; } = ["A", "B", "AB", "O"];

    /// <summary>Every broken rule, by field (the property name) and rule name; empty when the record is valid.</summary>
    public IReadOnlyList<RecordViolation> Validate() => Validate(DateOfBirth, Sex);

    /// <summary>
    /// The rules, with the number's consistency checked only against the birth date and sex given (a CSV line whose
    /// date or sex did not parse is still checked for everything else).
    /// </summary>
    internal IReadOnlyList<RecordViolation> Validate(DateOnly? dateOfBirth, Sex? sex)
    {
        var violations = new List<RecordViolation>();
        foreach (RuleViolation v in Domain.PersonalNumber.Validate(PersonalNumber, dateOfBirth, sex))
        {
            violations.Add(new(nameof(PersonalNumber), v.Rule, v.Message));
        }

        if (!Province.IsKnown(BirthProvinceCode))
        {
            violations.Add(new(nameof(BirthProvinceCode), "province.known", $"'{BirthProvinceCode}' is not one of the 63 province codes"));
        }
        else if (PersonalNumber is { Length: >= 3 } && !PersonalNumber.StartsWith(BirthProvinceCode, StringComparison.Ordinal))
        {
            violations.Add(new(nameof(PersonalNumber), "personal-number.birth-province", $"digits 1-3 must be the birth registration province {BirthProvinceCode}"));
        }

        Name(violations, nameof(FullName), FullName, required: true);
        Text(violations, nameof(NativePlace), NativePlace, required: true);
        Text(violations, nameof(Ethnicity), Ethnicity, required: true);
        Text(violations, nameof(Religion), Religion, required: true);
        Text(violations, nameof(Nationality), Nationality, required: true);
        Text(violations, nameof(PermanentResidence), PermanentResidence, required: true);
        Text(violations, nameof(CurrentResidence), CurrentResidence, required: true);
        Name(violations, nameof(FatherName), FatherName, required: true);
        Name(violations, nameof(MotherName), MotherName, required: true);
        Name(violations, nameof(SpouseName), SpouseName, required: false);
        Name(violations, nameof(HeadOfHousehold), HeadOfHousehold, required: true);

        if (OldIdNumber is not null && (OldIdNumber.Length != 9 || !OldIdNumber.All(char.IsAsciiDigit)))
        {
            violations.Add(new(nameof(OldIdNumber), "old-id-number.format", "must be the 9 digits of the old ID card"));
        }

        if (BloodType is not null && !BloodTypes.Contains(BloodType, StringComparer.Ordinal))
        {
            violations.Add(new(nameof(BloodType), "blood-type.allowed", "must be A, B, AB or O (or empty when unknown)"));
        }

        return violations;
    }

    /// <summary>Sex as the CSV and the API write it: <c>male</c> or <c>female</c>.</summary>
    public static string SexText(Sex sex) => sex == Sex.Female ? "female" : "male";

    public static bool TryParseSex(string? text, out Sex sex)
    {
        switch (text?.Trim().ToUpperInvariant())
        {
            case "MALE":
                sex = Sex.Male;
                return true;
            case "FEMALE":
                sex = Sex.Female;
                return true;
            default:
                sex = default;
                return false;
        }
    }

    /// <summary>Dates as the CSV and the table store them: <c>yyyy-MM-dd</c>.</summary>
    public static string DateText(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static bool TryParseDate(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    static void Text(List<RecordViolation> violations, string field, string? value, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                violations.Add(new(field, "required", "is required"));
            }
        }
        else if (value.Length > MaxTextLength)
        {
            violations.Add(new(field, "text.length", $"may be at most {MaxTextLength} characters"));
        }
        else if (!value.IsNormalized(NormalizationForm.FormC))
        {
            violations.Add(new(field, "text.normalization", "must be Unicode NFC"));
        }
    }

    static void Name(List<RecordViolation> violations, string field, string? value, bool required)
    {
        int before = violations.Count;
        Text(violations, field, value, required);
        if (violations.Count == before && value is not null && value.Any(char.IsControl))
        {
            violations.Add(new(field, "name.characters", "may not contain line breaks or control characters"));
        }
    }
}

/// <summary>A rule a registry record broke: the field (a <see cref="CitizenRecord"/> property name), the rule's name
/// and a message.</summary>
public sealed record RecordViolation(string Field, string Rule, string Message);
