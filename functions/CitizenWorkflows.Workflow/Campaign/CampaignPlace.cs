using System.Globalization;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Security;

namespace CitizenWorkflows.Workflow.Campaign;

/// <summary>
/// Where intake happens: a province (a code of <c>province-codes.csv</c>), optionally a district (3 digits) and a
/// commune (5 digits), the national administrative codes.
/// </summary>
public sealed record CampaignPlace(string Province, string? District, string? Commune)
{
    /// <summary>Checks the codes, naming each field (under <paramref name="prefix"/>) and the rule it broke.</summary>
    public static IEnumerable<FieldError> Validate(string? province, string? district, string? commune, string prefix = "")
    {
        if (string.IsNullOrEmpty(province))
        {
            yield return new FieldError(prefix + "province", "province.required", "The province code is required (three digits, e.g. 079).");
        }
        else if (!Domain.Province.IsKnown(province))
        {
            yield return new FieldError(prefix + "province", "province.known", $"'{province}' is not a province code (three digits, e.g. 001 or 079).");
        }

        if (district is not null && !IsDigits(district, 3))
        {
            yield return new FieldError(prefix + "district", "district.format", "A district code is three digits (e.g. 760).");
        }

        if (commune is not null && !IsDigits(commune, 5))
        {
            yield return new FieldError(prefix + "commune", "commune.format", "A commune code is five digits (e.g. 26740).");
        }
    }

    /// <summary>The officer's area holds this place (an officer without an area holds every place).</summary>
    public bool IsWithin(Caller officer)
    {
        ArgumentNullException.ThrowIfNull(officer);
        return !OfficerArea.IsBound(officer) || OfficerArea.Covers(officer, Province, District, Commune);
    }

    /// <summary>403 <c>area-not-allowed</c>, as for applications: both areas named.</summary>
    public Microsoft.AspNetCore.Http.IResult OutsideArea(Caller officer, string what)
    {
        ArgumentNullException.ThrowIfNull(officer);
        return Problems.Status(Microsoft.AspNetCore.Http.StatusCodes.Status403Forbidden, "area-not-allowed", "Outside the officer's area",
            $"Officer '{officer.Principal}' acts in {OfficerArea.Describe(officer)}; {what} is in {this}.");
    }

    public override string ToString() =>
        $"province {Province}" + (District is null ? "" : $", district {District}") + (Commune is null ? "" : $", commune {Commune}");

    static bool IsDigits(string value, int length) =>
        value.Length == length && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _);
}
