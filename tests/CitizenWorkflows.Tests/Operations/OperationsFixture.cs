using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Kiosks;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Security;

namespace CitizenWorkflows.Tests.Operations;

/// <summary>
/// Azurite and the Local host (simulators off), with five applications from two kiosks in two provinces: four new
/// applicants waiting in <c>AwaitingApproval</c> (three from the Hồ Chí Minh kiosk, one from the Hà Nội mobile team) and
/// one renewal from the mobile team, approved here, waiting in <c>Printing</c> for the print centre.
/// </summary>
public abstract class OperationsFixture(string taskHub) : IAsyncLifetime
{
    public const string MobileKioskId = "MOBILE-HN-01";
    public const string MobileProvince = "001";

    public AzuriteFixture Azurite { get; } = new();

    public LocalHostProcess Host { get; private set; } = null!;

    /// <summary>The applications in submission order (ids are version-7 GUIDs, so also in id order).</summary>
    public IReadOnlyList<Submitted> Applications { get; private set; } = [];

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        Host = await LocalHostProcess.StartAsync(Azurite, taskHub);
        Kiosk fixedKiosk = await LocalHostProcess.RegisterKioskAsync(Azurite, LocalHostProcess.KioskId, "079");
        Kiosk mobile = await LocalHostProcess.RegisterKioskAsync(Azurite, MobileKioskId, MobileProvince, mobile: true);
        using HttpClient hcm = Host.SignedClient(fixedKiosk);
        using HttpClient hn = Host.SignedClient(mobile);

        var submitted = new List<Submitted>();
        foreach ((HttpClient kiosk, string kioskId, string province, bool renewal) in new[]
        {
            (hcm, LocalHostProcess.KioskId, "079", false),
            (hn, MobileKioskId, MobileProvince, false),
            (hcm, LocalHostProcess.KioskId, "079", false),
            (hn, MobileKioskId, MobileProvince, true),
            (hcm, LocalHostProcess.KioskId, "079", false),
        })
        {
            ApplicationUpload upload = renewal
                ? Samples.RenewalBy()
                : Samples.NewApplicant(Samples.NextApplicant().FullName, "1990-05-17", null);
            SubmissionAccepted accepted = await Api.SubmitAsync(kiosk, upload);
            submitted.Add(new Submitted(
                accepted.ApplicationId, kioskId, province, renewal ? ApplicationType.Renewal : ApplicationType.New,
                renewal ? ApplicationStage.Printing : ApplicationStage.AwaitingApproval));
        }

        foreach (Submitted application in submitted)
        {
            await Host.WaitForAsync(application.Id, s => s.WaitingFor.Contains(ApplicationEvents.ApprovalDecision), TimeSpan.FromMinutes(3));
        }

        using HttpClient officer = Host.Client(Roles.Operator);
        foreach (Submitted application in submitted.Where(a => a.Waiting == ApplicationStage.Printing))
        {
            using HttpResponseMessage approved = await Api.RaiseAsync(officer, application.Id, ApplicationEvents.ApprovalDecision, new { decision = "approve", reason = "registry record checked by hand" });
            Assert.Equal(System.Net.HttpStatusCode.Accepted, approved.StatusCode);
            await Host.WaitForAsync(application.Id, s => s.Stage == ApplicationStage.Printing, TimeSpan.FromMinutes(3));
        }

        Applications = submitted;
    }

    public async Task DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        await Azurite.DisposeAsync();
    }
}

/// <summary>One application the fixture submitted and the stage it waits in.</summary>
public sealed record Submitted(string Id, string KioskId, string Province, ApplicationType Type, ApplicationStage Waiting);
