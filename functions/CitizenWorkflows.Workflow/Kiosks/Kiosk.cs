using System.Text;

namespace CitizenWorkflows.Workflow.Kiosks;

/// <summary>
/// A registered intake kiosk (a fixed office or a mobile team). Requests are signed with <see cref="Secret"/>; see
/// <c>clients/CitizenWorkflows.KioskClient</c>.
/// </summary>
/// <param name="Id">1–64 characters of letters, digits, '.', '-' and '_'.</param>
/// <param name="ProvinceCode">The three-digit code of the province the kiosk is registered in (a known province).</param>
/// <param name="CommuneCode">The commune it stands in, when it has a fixed one.</param>
/// <param name="Mobile">Mobile teams may take applications in any province; fixed kiosks only in their own.</param>
/// <param name="Secret">The signing secret, base64 of at least 32 random bytes. Never logged (see <see cref="PrintMembers"/>).</param>
public sealed record Kiosk(string Id, string ProvinceCode, string? CommuneCode, KioskStatus Status, bool Mobile, string Secret)
{
    // Records print every property; this one keeps the secret out of logs and exception messages.
    bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Id = ").Append(Id)
            .Append(", ProvinceCode = ").Append(ProvinceCode)
            .Append(", CommuneCode = ").Append(CommuneCode)
            .Append(", Status = ").Append(Status)
            .Append(", Mobile = ").Append(Mobile)
            .Append(", Secret = ***");
        return true;
    }
}

public enum KioskStatus
{
    Active,
    Disabled,
}
