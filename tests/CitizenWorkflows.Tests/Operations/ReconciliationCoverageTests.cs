using System.Net;
using System.Text.Json;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Operations.Reconciliation;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Security;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Tests.Operations;

/// <summary>
/// Reconciliation reaches every application in flight: with a per-run cap of 7, runs asked for over HTTP (each
/// answered 202 at once) walk the persisted cursor so that all 30 applications in flight are checked within
/// ⌈30 / 7⌉ = 5 runs (+1), and the report says so ("checked 7 of 30; a full pass every 5 runs"); finished
/// applications are never read.
/// </summary>
public sealed class ReconciliationCoverageTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    const int Cap = 7;
    const int InFlight = 30;

    static readonly string[] Provinces = ["001", "079", "048"];

    LocalHostProcess host = null!;

    public async Task InitializeAsync() =>
        host = await LocalHostProcess.StartAsync(azurite, "CoverageHub", new Dictionary<string, string>
        {
            ["Reconciliation:Poller:Enabled"] = "false",
            ["Reconciliation:MaxInFlightPerRun"] = Cap.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Packets:Enabled"] = "false",
        });

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task A_small_per_run_cap_checks_every_application_in_flight_within_the_runs_of_one_pass()
    {
        // Rows written through the projection's write path for workflows that are not there (so each check finds an
        // orphan and reports it): 30 in flight in three provinces, 10 delivered.
        var projection = new ApplicationProjection(azurite.Tables);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var inFlight = new HashSet<string>();
        var finished = new HashSet<string>();
        for (int i = 0; i < InFlight + 10; i++)
        {
            string id = Guid.CreateVersion7(now.AddSeconds(i)).ToString("N");
            var header = new ApplicationHeader(id, ApplicationType.New, Provinces[i % 3], LocalHostProcess.KioskId, now, now.AddDays(7 + (i % 5)));
            bool done = i >= InFlight;
            await projection.ApplyAsync(
                new ApplicationTransition(header, 5, done ? ApplicationStage.Delivered : ApplicationStage.Printing, now, "test", null, [], null), CancellationToken.None);
            (done ? finished : inFlight).Add(id);
        }

        using HttpClient officer = host.Client(Roles.Operator);
        var checkedIds = new HashSet<string>();
        int runs = 0;
        var coverages = new List<ReconciliationCoverage>();
        while (!inFlight.IsSubsetOf(checkedIds) && runs < (InFlight + Cap - 1) / Cap + 1)
        {
            using HttpResponseMessage accepted = await officer.PostAsync(Api.ReconciliationRuns, null);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            ReconciliationReport report = (await Api.WaitForRunAsync(officer, accepted.Headers.Location!)).Deserialize<ReconciliationReport>(JsonSerializerOptions.Web)!;
            runs++;
            coverages.Add(report.Coverage!);
            Assert.All(report.Items, i => Assert.Equal(FindingKinds.OrphanedRow, i.Finding));
            checkedIds.UnionWith(report.Items.Select(i => i.ApplicationId));
        }

        Assert.True(inFlight.IsSubsetOf(checkedIds), $"{inFlight.Except(checkedIds).Count()} never checked in {runs} runs");
        Assert.Empty(checkedIds.Intersect(finished));
        Assert.True(runs <= (InFlight + Cap - 1) / Cap + 1, $"{runs} runs");
        Assert.Equal("checked 7 of 30 in flight; a full pass every 5 runs", coverages[0].Text);
        Assert.Equal([7, 7, 7, 7, 2], coverages.Select(c => c.CheckedFromCursor));
        Assert.Equal([false, false, false, false, true], coverages.Select(c => c.PassCompleted));
    }
}
