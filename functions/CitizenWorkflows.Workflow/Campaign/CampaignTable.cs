using System.Globalization;
using System.Text.RegularExpressions;

namespace CitizenWorkflows.Workflow.Campaign;

/// <summary>
/// Table <c>campaignsessions</c>: everything about the intake sessions of one province on one day lives in one
/// partition <c>{province}|{yyyy-MM-dd}</c>, so a day's list is one partition query and a booking is one table
/// transaction (the slot's seats, the appointment, the citizen's one-booking-a-day row). Rows:
/// <c>s|{sessionId}</c> the session, <c>t|{sessionId}|{slot}</c> a slot's seats, <c>a|{appointmentId}</c> an
/// appointment, <c>c|{citizen digest}</c> the citizen's booking that day. Partition <c>end|{yyyy-MM-dd}</c> indexes
/// the sessions of a day for the sweep (reminders the day before, no-shows after the end); a row leaves it once done.
/// </summary>
public static partial class CampaignTable
{
    public const string TableName = "campaignsessions";

    public static string Partition(string province, DateOnly date) => $"{province}|{Day(date)}";

    public static string EndPartition(DateOnly date) => $"end|{Day(date)}";

    public static string SessionRow(string sessionId) => "s|" + sessionId;

    public static string SlotRow(string sessionId, int slot) => $"t|{sessionId}|{slot.ToString("D2", CultureInfo.InvariantCulture)}";

    public static string AppointmentRow(string appointmentId) => "a|" + appointmentId;

    public static string CitizenRow(string digest) => "c|" + digest;

    /// <summary>A new session id: <c>{province}-{yyyyMMdd}-{8 hex}</c>, so the id names its partition.</summary>
    public static string NewSessionId(string province, DateOnly date) =>
        $"{province}-{date.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}";

    /// <summary>A new appointment id: the session's id and 8 hex, so the id names its partition and session.</summary>
    public static string NewAppointmentId(string sessionId) =>
        $"{sessionId}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}";

    /// <summary>The partition of a session or appointment id; false when the id is not one of ours.</summary>
    public static bool TryPartitionOf(string? id, out string partition, out string sessionId)
    {
        partition = sessionId = "";
        Match match = id is null ? Match.Empty : IdPattern().Match(id);
        if (!match.Success || !Domain.Province.IsKnown(match.Groups["province"].Value)
            || !DateOnly.TryParseExact(match.Groups["date"].Value, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date))
        {
            return false;
        }

        partition = Partition(match.Groups["province"].Value, date);
        sessionId = match.Groups["session"].Value;
        return true;
    }

    static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [GeneratedRegex("^(?<session>(?<province>[0-9]{3})-(?<date>[0-9]{8})-[0-9a-f]{8})(-[0-9a-f]{8})?$")]
    private static partial Regex IdPattern();
}
