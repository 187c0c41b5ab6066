using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Local;
using CitizenWorkflows.Simulators;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Kiosks;
using CitizenWorkflows.Workflow.Operations;
using CitizenWorkflows.Workflow.Security;
using CitizenWorkflows.Workflow.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Trace;
using E = CitizenWorkflows.Workflow.Orchestration.ApplicationEvents;

namespace CitizenWorkflows.Tests.Telemetry;

/// <summary>
/// One trace per application: the kiosk's POST, intake's acceptance, every orchestration episode and activity of the
/// workflow and an officer's decision, exported through OpenTelemetry's in-memory exporter from a Local host running
/// in this process on Azurite.
/// </summary>
public sealed class TraceTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task A_kiosk_submission_and_its_workflow_are_one_trace()
    {
        var exported = new ExportedSpans();
        using TracerProvider tracing = Recording(exported);
        int port = FreePorts.Take(1)[0];
        Kiosk kiosk = await LocalHostProcess.RegisterKioskAsync(azurite, LocalHostProcess.KioskId, "079");
        string[] args = [.. LocalHostProcess.Configuration(azurite, "TraceHub", port).Select(kv => $"--{kv.Key}={kv.Value}")];
        await using LocalHost host = await LocalHost.StartAsync(args);

        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        using var signed = new HttpClient(new KioskSigningHandler(kiosk.Id, kiosk.Secret) { InnerHandler = new HttpClientHandler() }) { BaseAddress = baseAddress };
        using var officer = new HttpClient { BaseAddress = baseAddress };
        // The kiosk reads its own application's status with its API key (people have none any more).
        officer.DefaultRequestHeaders.Add(SecurityOptions.ApiKeyHeader, LocalHostProcess.Keys[Roles.Kiosk].Key);

        string id = (await Api.SubmitAsync(signed, Samples.NewApplicant(Samples.NextApplicant().FullName, "1990-03-04", null))).ApplicationId;
        await WaitUntilAsync(officer, id, s => s.WaitingFor.Contains(E.ApprovalDecision));
        tracing.ForceFlush();
        // The host goes on exporting (pollers, sweeps) while the test reads: read a copy.
        Activity[] spans = exported.Snapshot();

        Activity post = Assert.Single(spans, a => a.Kind == ActivityKind.Server && a.DisplayName == $"POST /{ApiRoutes.Prefix}/{ApiRoutes.Applications}");
        Activity[] trace = [.. spans.Where(a => a.TraceId == post.TraceId)];
        Activity accept = Assert.Single(trace, a => a.Source.Name == WorkflowTelemetry.Name && a.DisplayName == "intake accept");
        Assert.Equal(id, accept.GetTagItem("application.id"));
        // DurableTask.Core ran the workflow's activities under the POST: one trace from the kiosk to the approval wait.
        // (The orchestration's own span is exported when the workflow ends; this one waits for an officer.)
        Activity[] durable = [.. spans.Where(a => a.Source.Name == WorkflowTelemetry.DurableTaskSource
            && a.GetTagItem("durabletask.task.instance_id") as string == id)];
        Assert.Contains(durable, a => a.DisplayName == "activity:CheckApplication");
        Assert.All(durable, a => Assert.Equal(post.TraceId, a.TraceId));
        // No personal data in any span: the applicant's name never appears in a tag.
        Assert.DoesNotContain(spans.SelectMany(a => a.TagObjects), t => t.Value is string v && v.Contains("Nguyễn", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_application_driven_to_delivery_is_one_trace_through_its_work_orders_and_partner_callbacks()
    {
        var exported = new ExportedSpans();
        using TracerProvider tracing = Recording(exported);
        int port = FreePorts.Take(1)[0];
        Kiosk kiosk = await LocalHostProcess.RegisterKioskAsync(azurite, LocalHostProcess.KioskId, "079");
        // The approval rule approves at once; the print centre and courier simulators take the batches and call back.
        string[] args = FastPartners.Arguments(LocalHostProcess.Configuration(
            azurite, "TraceDeliveryHub", port, FastPartners.Settings(new Dictionary<string, string> { ["Workflow:AutoApprove"] = "true" })));
        await using LocalHost host = await LocalHost.StartAsync(args);
        await using PartnerSimulators partners = await PartnerSimulators.StartAsync(host.App.Configuration, host.BaseAddress);

        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        using var signed = new HttpClient(new KioskSigningHandler(kiosk.Id, kiosk.Secret) { InnerHandler = new HttpClientHandler() }) { BaseAddress = baseAddress };
        using var reader = new HttpClient { BaseAddress = baseAddress };
        reader.DefaultRequestHeaders.Add(SecurityOptions.ApiKeyHeader, LocalHostProcess.Keys[Roles.Kiosk].Key);

        string id = (await Api.SubmitAsync(signed, Samples.NewApplicant(Samples.NextApplicant().FullName, "1990-03-04", null, delivery: "address"))).ApplicationId;
        ApplicationStatusResponse done = await WaitUntilAsync(reader, id, s => s.RuntimeStatus == "Completed", TimeSpan.FromMinutes(3));
        Assert.Equal(Workflow.Domain.ApplicationStage.Delivered, done.Stage);
        tracing.ForceFlush();
        // The host goes on exporting (pollers, sweeps) while the test reads: read a copy.
        Activity[] spans = exported.Snapshot();

        Activity post = Assert.Single(spans, a => a.Kind == ActivityKind.Server && a.DisplayName == $"POST /{ApiRoutes.Prefix}/{ApiRoutes.Applications}");
        Assert.Single(spans, a => a.TraceId == post.TraceId && a.DisplayName == "intake accept" && a.GetTagItem("application.id") as string == id);
        // Episodes and activities of this application's workflow, every one in the kiosk's trace.
        Activity[] durable = [.. spans.Where(a => a.Source.Name == WorkflowTelemetry.DurableTaskSource
            && a.GetTagItem("durabletask.task.instance_id") as string == id)];
        Assert.True(durable.Length >= 5, $"{durable.Length} DurableTask spans: {string.Join(", ", durable.Select(a => a.DisplayName))}");
        Assert.Contains(durable, a => a.DisplayName == "activity:DispatchWorkOrder");
        Assert.All(durable, a => Assert.Equal(post.TraceId, a.TraceId));
        // The partners' callbacks came back with the work orders' traceparent: their requests and the product's callback
        // spans are in the same trace, under the dispatch that sent the order.
        Activity[] callbacks = [.. spans.Where(a => a.Source.Name == WorkflowTelemetry.Name
            && a.DisplayName.StartsWith("callback ", StringComparison.Ordinal) && a.GetTagItem("application.id") as string == id)];
        foreach (string partnerEvent in new[] { E.CardPrinted, E.CardPickedUp, E.CardDelivered })
        {
            Activity callback = Assert.Single(callbacks, a => a.DisplayName == $"callback {partnerEvent}" && a.GetTagItem("callback.outcome") as string == "raised");
            Assert.Equal(post.TraceId, callback.TraceId);
            Activity request = Assert.Single(spans, a => a.SpanId == callback.ParentSpanId);
            Assert.Equal(ActivityKind.Server, request.Kind);
            Assert.Contains(durable, a => a.DisplayName == "activity:DispatchWorkOrder" && a.SpanId == request.ParentSpanId);
        }

        Assert.DoesNotContain(spans.SelectMany(a => a.TagObjects), t => t.Value is string v && v.Contains("Nguyễn", StringComparison.Ordinal));
    }

    /// <summary>The product's and DurableTask.Core's spans and ASP.NET Core's requests, into <paramref name="exported"/>.</summary>
    static TracerProvider Recording(ExportedSpans exported) => Sdk.CreateTracerProviderBuilder()
        .AddSource([.. WorkflowTelemetry.TraceSources])
        .AddAspNetCoreInstrumentation()
        .AddInMemoryExporter(exported)
        .Build();

    static async Task<ApplicationStatusResponse> WaitUntilAsync(HttpClient officer, string id, Func<ApplicationStatusResponse, bool> done, TimeSpan timeout)
    {
        for (DateTime until = DateTime.UtcNow + timeout; ; await Task.Delay(200))
        {
            ApplicationStatusResponse status = (await officer.GetFromJsonAsync<ApplicationStatusResponse>(new Uri($"/api/v1/applications/{id}", UriKind.Relative), JsonSerializerOptions.Web))!;
            if (done(status))
            {
                return status;
            }

            Assert.True(DateTime.UtcNow < until, $"Application {id} stayed at {status.Stage}");
        }
    }

    static async Task WaitUntilAsync(HttpClient officer, string id, Func<ApplicationStatusResponse, bool> done)
    {
        for (DateTime until = DateTime.UtcNow.AddSeconds(90); ; await Task.Delay(200))
        {
            ApplicationStatusResponse status = (await officer.GetFromJsonAsync<ApplicationStatusResponse>(new Uri($"/api/v1/applications/{id}", UriKind.Relative), JsonSerializerOptions.Web))!;
            if (done(status))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < until, $"Application {id} stayed at {status.Stage}");
        }
    }
}

/// <summary>
/// The spans the in-memory exporter adds from its own thread while a test reads them: added and copied under one lock
/// (a bare list copied mid-add can yield a torn copy).
/// </summary>
sealed class ExportedSpans : Collection<Activity>
{
    readonly Lock gate = new();

    public Activity[] Snapshot()
    {
        lock (gate)
        {
            return [.. Items];
        }
    }

    protected override void InsertItem(int index, Activity item)
    {
        lock (gate)
        {
            base.InsertItem(index, item);
        }
    }
}
