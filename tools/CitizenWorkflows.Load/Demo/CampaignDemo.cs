using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Local.Identity;
using CitizenWorkflows.Workflow.Campaign.Sessions;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Security;

namespace CitizenWorkflows.Load.Demo;

/// <summary>
/// The demo's campaign, over the API as an officer would: a target and an intake session today in the demo kiosk's
/// province (<paramref name="province"/>: a mobile team's applications count where it is registered), every sample
/// applicant booked into it, each submission carrying its appointment id (so the kiosk's submission checks it in);
/// after the run, the weekly review (CSV) for that province.
/// </summary>
public sealed class CampaignDemo(Uri baseAddress, LocalIdentities identities, string province, TextWriter output) : IDisposable
{
    /// <summary>The sample applicants carry no commune code; a first-card booking names this one (Phúc Xá, Hà Nội).</summary>
    const string DemoCommune = "00001";

    readonly HttpClient officer = new(new LocalAccessTokenHandler(baseAddress,
        identities.WidestOf(Roles.Operator) ?? throw new InvalidOperationException($"The demo books as an officer: no account with role '{Roles.Operator}' in {identities.Path}.")))
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    };

    readonly HashSet<string> provinces = new(StringComparer.Ordinal);

    /// <summary>Books every upload's applicant; returns the uploads, each with its appointment id.</summary>
    public async Task<IReadOnlyList<ApplicationUpload>> BookAsync(IReadOnlyList<ApplicationUpload> uploads, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uploads);
        DateOnly today = Workflow.Operations.Query.ApplicationCounters.Day(DateTimeOffset.UtcNow);
        var booked = new ApplicationUpload[uploads.Count];
        foreach (IGrouping<string, (ApplicationUpload Upload, int Index)> group in uploads.Select((u, i) => (Upload: u, Index: i))
            .GroupBy(_ => province, StringComparer.Ordinal))
        {
            provinces.Add(group.Key);
            int count = group.Count();
            await SendAsync(officer.PutAsJsonAsync($"/{ApiRoutes.Prefix}/{ApiRoutes.CampaignTargets}", new
            {
                targets = new[] { new { province = group.Key, target = count * 4, periodStart = Day(today.AddDays(-6)), periodEnd = Day(today.AddDays(27)) } },
            }, cancellationToken));
            int slots = Math.Min(24, (count + SessionSlot.MaxCapacity - 1) / SessionSlot.MaxCapacity);
            JsonElement session = await SendAsync(officer.PostAsJsonAsync($"/{ApiRoutes.Prefix}/{ApiRoutes.CampaignSessions}", new
            {
                kind = "MobileUnit",
                province = group.Key,
                date = Day(today),
                venue = "Demo mobile unit",
                // Today's whole day split evenly, so the session is open whenever the demo runs (a booking needs it not ended).
                slots = Enumerable.Range(0, slots).Select(i => new
                {
                    start = Minute(i * DayMinutes / slots),
                    end = Minute(((i + 1) * DayMinutes / slots) - (i + 1 == slots ? 1 : 0)),
                    capacity = SessionSlot.MaxCapacity,
                }).ToArray(),
            }, cancellationToken));
            string sessionId = session.GetProperty("sessionId").GetString()!;
            int seat = 0;
            foreach ((ApplicationUpload upload, int index) in group)
            {
                ApplicationSubmission form = Form(upload);
                ApplicantFields applicant = form.Applicant!;
                JsonElement appointment = await SendAsync(officer.PostAsJsonAsync($"/{ApiRoutes.Prefix}/{ApiRoutes.CampaignAppointments}", new
                {
                    sessionId,
                    slot = 1 + (seat++ / SessionSlot.MaxCapacity),
                    citizen = applicant.PersonalNumber is { } number
                        ? (object)new { personalNumber = number }
                        : new { fullName = applicant.FullName, dateOfBirth = applicant.DateOfBirth, commune = DemoCommune },
                }, cancellationToken));
                booked[index] = new ApplicationUpload
                {
                    Application = form with { AppointmentId = appointment.GetProperty("appointmentId").GetString() },
                    Portrait = upload.Portrait,
                    Fingerprints = upload.Fingerprints,
                    Documents = upload.Documents,
                };
            }

            output.WriteLine($"campaign: province {group.Key}: session {sessionId}, {count} applicants booked");
        }

        return booked;
    }

    /// <summary>Prints the weekly review (CSV) of the demo's provinces.</summary>
    public async Task PrintReportAsync(CancellationToken cancellationToken)
    {
        output.WriteLine("campaign: weekly review (GET /api/v1/campaign/report)");
        foreach (string code in provinces.Order(StringComparer.Ordinal))
        {
            string csv = await officer.GetStringAsync(new Uri($"/{ApiRoutes.Prefix}/{ApiRoutes.CampaignReport}?province={code}", UriKind.Relative), cancellationToken);
            foreach (string line in csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(provinces.Count > 1 && code != provinces.Min(StringComparer.Ordinal) ? 1 : 0))
            {
                output.WriteLine("  " + line);
            }
        }
    }

    public void Dispose() => officer.Dispose();

    static ApplicationSubmission Form(ApplicationUpload upload) =>
        upload.Application as ApplicationSubmission ?? throw new InvalidOperationException("The demo's uploads carry an ApplicationSubmission.");

    const int DayMinutes = 24 * 60;

    static string Minute(int minutes) => TimeOnly.MinValue.AddMinutes(minutes).ToString("HH:mm", CultureInfo.InvariantCulture);

    static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    static async Task<JsonElement> SendAsync(Task<HttpResponseMessage> sending)
    {
        using HttpResponseMessage response = await sending;
        string body = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode
            ? JsonSerializer.Deserialize<JsonElement>(body)
            : throw new InvalidOperationException($"campaign demo: {(int)response.StatusCode} from {response.RequestMessage?.RequestUri}: {body}");
    }
}
