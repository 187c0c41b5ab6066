using System.Globalization;

namespace CitizenWorkflows.Workflow.Domain;

/// <summary>
/// The 12-digit personal identification number (Decree 137/2015, Circular 07/2016/TT-BCA):
/// digits 1–3 province of birth registration, digit 4 century and sex, digits 5–6 birth year within the
/// century, digits 7–12 random.
/// </summary>
public readonly record struct PersonalNumber
{
    public const int Length = 12;

    PersonalNumber(string value) => Value = value;

    public string Value { get; }

    public string ProvinceCode => Value[..3];

    /// <summary>The first six digits, fixed by province, century, sex and birth year.</summary>
    public string Prefix => Value[..6];

    public Sex Sex => (Value[3] - '0') % 2 == 0 ? Sex.Male : Sex.Female;

    /// <summary>The birth year as far as the number tells it (century from digit 4, year from digits 5–6).</summary>
    public int BirthYear => 1900 + ((Value[3] - '0') / 2 * 100) + int.Parse(Value.AsSpan(4, 2), CultureInfo.InvariantCulture);

    public override string ToString() => Value;

    /// <summary>Checks the structure and, when given, the consistency with birth date and sex. Returns the broken rules.</summary>
    public static IReadOnlyList<RuleViolation> Validate(string? value, DateOnly? dateOfBirth = null, Sex? sex = null)
    {
        var violations = new List<RuleViolation>();
        if (value is null || value.Length != Length || !value.All(char.IsAsciiDigit))
        {
            violations.Add(new("personal-number.format", "must be exactly 12 digits"));
            return violations;
        }

        if (!Province.IsKnown(value[..3]))
        {
            violations.Add(new("personal-number.province", $"digits 1-3 '{value[..3]}' are not a province code of birth registration"));
        }

        var number = new PersonalNumber(value);
        if (dateOfBirth is { } dob)
        {
            if (CenturyDigitBase(dob.Year) is not { } baseDigit)
            {
                violations.Add(new("personal-number.century", $"birth year {dob.Year} is outside the centuries the number can encode (1900-2399)"));
            }
            else if ((value[3] - '0') / 2 != baseDigit / 2)
            {
                violations.Add(new("personal-number.century", $"digit 4 '{value[3]}' does not encode the century of birth year {dob.Year}"));
            }

            if (value.AsSpan(4, 2).ToString() != (dob.Year % 100).ToString("00", CultureInfo.InvariantCulture))
            {
                violations.Add(new("personal-number.birth-year", $"digits 5-6 '{value.Substring(4, 2)}' do not match birth year {dob.Year}"));
            }
        }

        if (sex is { } s && number.Sex != s)
        {
            violations.Add(new("personal-number.sex", $"digit 4 '{value[3]}' encodes {number.Sex}, not {s}"));
        }

        return violations;
    }

    public static bool TryParse(string? value, out PersonalNumber number)
    {
        bool ok = Validate(value).Count == 0;
        number = ok ? new PersonalNumber(value!) : default;
        return ok;
    }

    public static PersonalNumber Parse(string value) =>
        TryParse(value, out PersonalNumber number) ? number : throw new FormatException("Not a valid personal number.");

    /// <summary>The six fixed digits for a person: province, century/sex digit, two year digits.</summary>
    public static string PrefixFor(string provinceCode, DateOnly dateOfBirth, Sex sex)
    {
        if (!Province.IsKnown(provinceCode))
        {
            throw new ArgumentException($"Unknown province code '{provinceCode}'.", nameof(provinceCode));
        }

        int century = CenturyDigitBase(dateOfBirth.Year)
            ?? throw new ArgumentOutOfRangeException(nameof(dateOfBirth), "Birth year must be between 1900 and 2399.");
        int digit = century + (sex == Sex.Female ? 1 : 0);
        return string.Create(CultureInfo.InvariantCulture, $"{provinceCode}{digit}{dateOfBirth.Year % 100:00}");
    }

    /// <summary>A number with the person's prefix and the given six random digits (0–999999).</summary>
    public static PersonalNumber Compose(string prefix, int randomPart)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(randomPart);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(randomPart, 999_999);
        return Parse(string.Create(CultureInfo.InvariantCulture, $"{prefix}{randomPart:000000}"));
    }

    static int? CenturyDigitBase(int year) => year is >= 1900 and < 2400 ? (year - 1900) / 100 * 2 : null;
}
