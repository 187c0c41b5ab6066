using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Workflow.Security;

/// <summary>
/// Where an officer may act and read: an officer's credential carries a province, optionally a district or commune
/// (none: the whole country); the application carries where it was taken. A province officer reaches anywhere in the
/// province, a commune officer only their commune; an application whose commune is unknown is outside every commune
/// officer's area.
/// </summary>
public static class OfficerArea
{
    /// <summary>The caller's role is area-bound and their credential names an area.</summary>
    public static bool IsBound(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return Roles.IsAreaBound(caller.Role) && (caller.Province ?? caller.District ?? caller.Commune) is not null;
    }

    public static bool Covers(Caller officer, ApplicationArea application)
    {
        ArgumentNullException.ThrowIfNull(application);
        return Covers(officer, application.Province, application.District, application.Commune);
    }

    /// <summary>The officer's area holds the place given by its codes (district or commune null: not known).</summary>
    public static bool Covers(Caller officer, string province, string? district, string? commune)
    {
        ArgumentNullException.ThrowIfNull(officer);
        return (officer.Province is null || officer.Province == province)
            && (officer.District is null || officer.District == district)
            && (officer.Commune is null || officer.Commune == commune);
    }

    /// <summary>The officer's area in words, e.g. "province 079, commune 26740".</summary>
    public static string Describe(Caller officer)
    {
        ArgumentNullException.ThrowIfNull(officer);
        return string.Join(", ", new[]
        {
            officer.Province is null ? null : $"province {officer.Province}",
            officer.District is null ? null : $"district {officer.District}",
            officer.Commune is null ? null : $"commune {officer.Commune}",
        }.Where(s => s is not null));
    }

    /// <summary>The detail of the 403 <c>area-not-allowed</c> problem.</summary>
    public static string RefusalDetail(Caller officer, ApplicationArea application)
    {
        ArgumentNullException.ThrowIfNull(application);
        string where = $"province {application.Province}"
            + (application.District is null ? "" : $", district {application.District}")
            + $", commune {application.Commune ?? "unknown"}";
        return $"Officer '{officer?.Principal}' acts in {Describe(officer!)}; application '{application.ApplicationId}' was taken in {where}.";
    }
}
