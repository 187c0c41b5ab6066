using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Http;
using Microsoft.AspNetCore.Http;

namespace CitizenWorkflows.Workflow.Kiosks;

/// <summary>Where a kiosk may take applications: a fixed kiosk in its registered province only, a mobile one anywhere.</summary>
public static class KioskArea
{
    /// <summary>True when <paramref name="kiosk"/> may submit for <paramref name="provinceCode"/> (never for an unknown
    /// province).</summary>
    public static bool Allows(Kiosk kiosk, string provinceCode)
    {
        ArgumentNullException.ThrowIfNull(kiosk);
        return Province.IsKnown(provinceCode)
            && (kiosk.Mobile || string.Equals(kiosk.ProvinceCode, provinceCode, StringComparison.Ordinal));
    }

    /// <summary>The 403 <c>kiosk-area</c> problem for a submission <see cref="Allows"/> refused.</summary>
    public static IResult Refused(Kiosk kiosk, string provinceCode)
    {
        ArgumentNullException.ThrowIfNull(kiosk);
        string detail = Province.TryGet(provinceCode, out Province province)
            ? $"Kiosk '{kiosk.Id}' is registered for province {kiosk.ProvinceCode} and is not mobile, so it may not submit for province " +
              $"{province.Code} ({province.Name}). Submit at a kiosk of that province or through a mobile team."
            : $"Kiosk '{kiosk.Id}' may only submit for a known province (three-digit code); the application names none.";
        return Problems.Status(StatusCodes.Status403Forbidden, "kiosk-area", "Outside the kiosk's area", detail);
    }
}
