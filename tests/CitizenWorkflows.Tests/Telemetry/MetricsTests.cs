using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Local;
using CitizenWorkflows.Simulators;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Kiosks;
using CitizenWorkflows.Workflow.Operations;
using CitizenWorkflows.Workflow.Operations.Query;
using CitizenWorkflows.Workflow.Security;
using CitizenWorkflows.Workflow.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using E = CitizenWorkflows.Workflow.Orchestration.ApplicationEvents;

namespace CitizenWorkflows.Tests.Telemetry;

/// <summary>
/// The workflow's metrics after a short run of a Local host in this process on Azurite, read with a
/// <see cref="MeterListener"/> bound to that host's meter (other hosts in the test run are not heard): the stage gauge
/// holds the counts the projection holds, stage durations and the service level are recorded once per transition.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class MetricsTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task After_a_short_run_the_metrics_hold_the_projections_stage_counts_durations_and_service_level()
    {
        int port = FreePorts.Take(1)[0];
        Kiosk kiosk = await LocalHostProcess.RegisterKioskAsync(azurite, LocalHostProcess.KioskId, "079");
        string[] args = FastPartners.Arguments(LocalHostProcess.Configuration(azurite, "MetricsHub", port, FastPartners.Settings()));
        await using LocalHost host = await LocalHost.StartAsync(args);
        await using PartnerSimulators partners = await PartnerSimulators.StartAsync(host.App.Configuration, host.BaseAddress);
        Meter meter = host.App.Services.GetRequiredService<IMeterFactory>().Create(WorkflowTelemetry.Name);
        using var heard = new HeardMeasurements(meter);

        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        using var signed = new HttpClient(new KioskSigningHandler(kiosk.Id, kiosk.Secret) { InnerHandler = new HttpClientHandler() }) { BaseAddress = baseAddress };
        using var reader = new HttpClient { BaseAddress = baseAddress };
        reader.DefaultRequestHeaders.Add(SecurityOptions.ApiKeyHeader, LocalHostProcess.Keys[Roles.Kiosk].Key);
        using var officer = new HttpClient { BaseAddress = baseAddress };
        officer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            await LocalHostProcess.TokenAsync(baseAddress, LocalHostProcess.Keys[Roles.Operator].Principal, partner: false));

        // Three applications wait for an officer; one is approved and runs to delivery through the simulators.
        string[] ids = new string[3];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = (await Api.SubmitAsync(signed, Samples.NewApplicant(Samples.NextApplicant().FullName, "1990-03-04", null, delivery: "address"))).ApplicationId;
        }

        foreach (string id in ids)
        {
            await WaitUntilAsync(reader, id, s => s.WaitingFor.Contains(E.ApprovalDecision));
        }

        using (HttpResponseMessage approved = await officer.PostAsJsonAsync(
            new Uri($"/api/v1/applications/{ids[0]}/events/{E.ApprovalDecision}", UriKind.Relative), new { decision = "approve", reason = "documents in order" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, approved.StatusCode);
        }

        await WaitUntilAsync(reader, ids[0], s => s.RuntimeStatus == "Completed");

        // What the projection holds, per application (the status endpoint reads it).
        var expected = new Dictionary<(string Stage, string Province), long>();
        foreach (string id in ids)
        {
            ApplicationStatusResponse status = await StatusAsync(reader, id);
            expected[(status.Stage.ToString(), "079")] = expected.GetValueOrDefault((status.Stage.ToString(), "079")) + 1;
        }

        Assert.Equal(2, expected[(nameof(ApplicationStage.AwaitingApproval), "079")]);
        Assert.Equal(1, expected[(nameof(ApplicationStage.Delivered), "079")]);

        // The counters follow the row writes by a moment: wait until they agree, then take the gauge's reading.
        ApplicationCounters counters = host.App.Services.GetRequiredService<ApplicationCounters>();
        for (DateTime until = DateTime.UtcNow.AddSeconds(30); ; await Task.Delay(200))
        {
            ApplicationCounts counts = await counters.ReadAsync(new CountScope(null, null, null, null), null, CancellationToken.None);
            if (counts.ByStage[nameof(ApplicationStage.Delivered)] == 1 && counts.ByStage[nameof(ApplicationStage.AwaitingApproval)] == 2)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < until, "the counters did not reach the projection's counts");
        }

        await host.App.Services.GetRequiredService<StageBacklog>().ReadAsync(CancellationToken.None);
        heard.Observe();

        // citizenworkflows.applications: exactly the projection's stages and provinces, nothing else.
        Dictionary<(string, string), long> gauge = heard.Of("citizenworkflows.applications")
            .ToDictionary(m => ((string)m.Tags["stage"]!, (string)m.Tags["province"]!), m => (long)m.Value);
        Assert.Equal(expected.OrderBy(e => e.Key).ToList(), gauge.Where(g => g.Value != 0).OrderBy(g => g.Key).ToList());

        // Stage durations: every application left Received once; only the approved one left AwaitingApproval, Printing, Shipped.
        Heard[] durations = heard.Of("citizenworkflows.stage.duration");
        Assert.Equal(3, durations.Count(d => (string)d.Tags["stage"]! == nameof(ApplicationStage.Received)));
        foreach (ApplicationStage stage in new[] { ApplicationStage.AwaitingApproval, ApplicationStage.Printing, ApplicationStage.Shipped })
        {
            Heard left = Assert.Single(durations, d => (string)d.Tags["stage"]! == stage.ToString());
            Assert.Equal("079", left.Tags["province"]);
            Assert.InRange((double)left.Value, 0, 600);
        }

        Assert.DoesNotContain(durations, d => (string)d.Tags["stage"]! == nameof(ApplicationStage.Delivered));

        // The delivered card was ready within 7 working days of intake: the service level was met, once.
        Heard ended = Assert.Single(heard.Of("citizenworkflows.service_level"));
        Assert.Equal(("met", nameof(ApplicationStage.Delivered), "079"), (ended.Tags["outcome"], ended.Tags["stage"], ended.Tags["province"]));
        Assert.Empty(heard.Of("citizenworkflows.deadlines.passed"));

        // The Local runtime reports its work items: several orchestration episodes and activities per lifecycle.
        Heard[] workItems = heard.Of("citizenworkflows.work_items");
        Assert.True((long)Assert.Single(workItems, w => (string)w.Tags["kind"]! == "orchestration").Value >= 5);
        Assert.True((long)Assert.Single(workItems, w => (string)w.Tags["kind"]! == "activity").Value >= 5);
    }

    static async Task<ApplicationStatusResponse> StatusAsync(HttpClient reader, string id) =>
        (await reader.GetFromJsonAsync<ApplicationStatusResponse>(new Uri($"/api/v1/applications/{id}", UriKind.Relative), JsonSerializerOptions.Web))!;

    static async Task WaitUntilAsync(HttpClient reader, string id, Func<ApplicationStatusResponse, bool> done)
    {
        for (DateTime until = DateTime.UtcNow.AddMinutes(3); ; await Task.Delay(200))
        {
            ApplicationStatusResponse status = await StatusAsync(reader, id);
            if (done(status))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < until, $"Application {id} stayed at {status.Stage}");
        }
    }

    /// <summary>One measurement: its instrument, value and tags.</summary>
    sealed record Heard(string Instrument, object Value, IReadOnlyDictionary<string, object?> Tags);

    /// <summary>Every measurement of one meter's instruments; observable ones when <see cref="Observe"/> asks for them.</summary>
    sealed class HeardMeasurements : IDisposable
    {
        readonly MeterListener listener = new();
        readonly List<Heard> heard = [];
        readonly List<Heard> observed = [];

        public HeardMeasurements(Meter meter)
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, meter))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
            listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
            listener.Start();
        }

        void Add(Instrument instrument, object value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var heardTags = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                heardTags[tag.Key] = tag.Value;
            }

            lock (heard)
            {
                (instrument.IsObservable ? observed : heard).Add(new Heard(instrument.Name, value, heardTags));
            }
        }

        /// <summary>Takes one reading of the observable instruments (gauges, observable counters).</summary>
        public void Observe()
        {
            lock (heard)
            {
                observed.Clear();
            }

            listener.RecordObservableInstruments();
        }

        public Heard[] Of(string instrument)
        {
            lock (heard)
            {
                return [.. heard.Concat(observed).Where(h => h.Instrument == instrument)];
            }
        }

        public void Dispose() => listener.Dispose();
    }
}
