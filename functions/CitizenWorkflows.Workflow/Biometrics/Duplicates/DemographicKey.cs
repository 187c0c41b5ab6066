using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CitizenWorkflows.Workflow.Domain;

namespace CitizenWorkflows.Workflow.Biometrics.Duplicates;

/// <summary>
/// The demographic identity of an applicant for duplicate detection: the full name without diacritics, case or
/// punctuation, the date of birth and the birth-registration province. "Trần Thị Hạnh" and "TRAN THI  HANH" are the
/// same key; the index stores only its SHA-256 digest, never the name.
/// </summary>
public static class DemographicKey
{
    /// <summary>"Nguyễn Văn Đức" → "NGUYEN VAN DUC".</summary>
    public static string NormaliseName(string fullName)
    {
        ArgumentNullException.ThrowIfNull(fullName);
        var text = new StringBuilder(fullName.Length);
        bool space = false;
        foreach (char c in fullName.Normalize(NormalizationForm.FormD))
        {
            UnicodeCategory category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            // Đ/đ is a letter of its own, not D with a mark, so decomposition leaves it.
            char letter = c is 'Đ' or 'đ' ? 'D' : char.ToUpperInvariant(c);
            if (char.IsLetterOrDigit(letter))
            {
                if (space && text.Length > 0)
                {
                    text.Append(' ');
                }

                text.Append(letter);
                space = false;
            }
            else
            {
                space = true;
            }
        }

        return text.ToString();
    }

    public static string Of(Applicant applicant)
    {
        ArgumentNullException.ThrowIfNull(applicant);
        return string.Create(CultureInfo.InvariantCulture, $"{NormaliseName(applicant.FullName)}|{applicant.DateOfBirth:yyyy-MM-dd}|{applicant.BirthProvinceCode}");
    }

    /// <summary>The lower-case hex SHA-256 of <see cref="Of"/>: what the index stores.</summary>
    public static string Digest(Applicant applicant) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Of(applicant))));
}
