using System.Text;
using System.Text.Json.Serialization;
using CitizenWorkflows.Workflow.Domain;

namespace CitizenWorkflows.Workflow.Registry;

/// <summary>What intake does next: continue (match), send to manual review (mismatch), allocate a number at
/// personalisation (unknown).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RegistryOutcome>))]
public enum RegistryOutcome
{
    /// <summary>The registry holds the person and agrees on every compared field.</summary>
    Match,

    /// <summary>The registry holds the number but disagrees on the fields named.</summary>
    Mismatch,

    /// <summary>The registry does not know the person (or the applicant gave no number).</summary>
    Unknown,
}

/// <summary>The outcome of comparing an applicant with the registry, and for a mismatch the <see cref="CitizenRecord"/>
/// fields that differ.</summary>
public sealed record RegistryMatch(RegistryOutcome Outcome, IReadOnlyList<string> MismatchedFields)
{
    public static RegistryMatch Unknown { get; } = new(RegistryOutcome.Unknown, []);
}

/// <summary>
/// Compares what an applicant declares with the registry's record. Names are equal when they are after Unicode NFC
/// normalisation, trimming, collapsing runs of whitespace and ignoring case (culture-invariant); diacritics count, so
/// "Lê" is not "Le" — in Vietnamese they are different names. Dates, sex and province codes must be equal.
/// </summary>
public static class RegistryComparison
{
    public static RegistryMatch Compare(CitizenRecord? record, string fullName, DateOnly dateOfBirth, Sex sex, string birthProvinceCode)
    {
        if (record is null)
        {
            return RegistryMatch.Unknown;
        }

        var mismatched = new List<string>();
        if (!NamesEqual(record.FullName, fullName))
        {
            mismatched.Add(nameof(CitizenRecord.FullName));
        }

        if (record.DateOfBirth != dateOfBirth)
        {
            mismatched.Add(nameof(CitizenRecord.DateOfBirth));
        }

        if (record.Sex != sex)
        {
            mismatched.Add(nameof(CitizenRecord.Sex));
        }

        if (!string.Equals(record.BirthProvinceCode.Trim(), birthProvinceCode?.Trim(), StringComparison.Ordinal))
        {
            mismatched.Add(nameof(CitizenRecord.BirthProvinceCode));
        }

        return mismatched.Count == 0
            ? new RegistryMatch(RegistryOutcome.Match, [])
            : new RegistryMatch(RegistryOutcome.Mismatch, mismatched);
    }

    /// <summary>True when the two names are the same name (see the class summary for what is ignored).</summary>
    public static bool NamesEqual(string? a, string? b) =>
        string.Equals(NormalizeName(a), NormalizeName(b), StringComparison.OrdinalIgnoreCase);

    /// <summary>NFC, trimmed, whitespace runs as one space; case is left as it is (compare ignoring case).</summary>
    public static string NormalizeName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return string.Empty;
        }

        string composed = name.Normalize(NormalizationForm.FormC);
        var builder = new StringBuilder(composed.Length);
        bool pendingSpace = false;
        foreach (char c in composed)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
