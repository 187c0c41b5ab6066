using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Operations;
using CitizenWorkflows.Workflow.Security;
using E = CitizenWorkflows.Workflow.Orchestration.ApplicationEvents;

namespace CitizenWorkflows.Tests.Security;

/// <summary>
/// The route × role × area table over HTTP against the Local host on Azurite: an application of province 079 waits
/// for approval; every caller the table refuses gets its 401/403 problem (an officer of province 001 on every read,
/// every operator event and every action), and afterwards the application's stage, timeline and audit show nothing
/// happened but the refused actions' audit rows. Then the calls the table allows succeed, reads are area-scoped, and
/// the province's own officer decides through the event route.
/// </summary>
public sealed class AuthorizationMatrixTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    const string Anonymous = "anonymous";
    const string OtherProvince = LocalHostProcess.OtherProvinceOfficer;
    const string Province = LocalHostProcess.ProvinceOfficer;

    static readonly string[] OfficerEvents = [E.ApprovalDecision, E.AdjudicationDecision, E.CardCollected, E.CardAtStation];
    static readonly string[] PortraitOnly = ["portrait"];
    static readonly string[] Actions = ["approve", "reject", "suspend", "resume", "terminate", "redrive", "request-info"];

    LocalHostProcess host = null!;
    HttpClient kiosk = null!;

    public async Task InitializeAsync()
    {
        host = await LocalHostProcess.StartAsync(azurite, "AuthorizationMatrixHub");
        kiosk = host.SignedClient(await LocalHostProcess.RegisterKioskAsync(azurite, LocalHostProcess.KioskId, "079"));
    }

    public async Task DisposeAsync()
    {
        kiosk.Dispose();
        await host.DisposeAsync();
    }

    [Fact]
    public async Task Every_refusal_of_the_table_is_answered_and_changes_nothing_and_every_allowed_call_passes()
    {
        string id = await host.SubmitAwaitingApprovalAsync(kiosk);
        ApplicationStatusResponse before = await host.StatusAsync(id);
        string app = $"/api/v1/applications/{id}";
        object decision = new { decision = "approve", reason = "documents in order" };

        // (caller, method, path, body, status, problem type)
        var refused = new List<(string Caller, HttpMethod Method, string Path, object? Body, HttpStatusCode Status, string Problem)>();
        void Refuse(string caller, HttpMethod method, string path, object? body, HttpStatusCode status, string problem) =>
            refused.Add((caller, method, path, body, status, problem));

        string[] reads = [app, $"{app}/detail", $"{app}/audit", $"{app}/documents/portrait"];
        string[] searches = ["/api/v1/applications", "/api/v1/application-counts"];
        foreach (string path in reads.Concat(searches).Concat(["/api/v1/openapi.json", "/api/v1/reconciliation/runs/20261201T000000Z-00000000"]))
        {
            Refuse(Anonymous, HttpMethod.Get, path, null, HttpStatusCode.Unauthorized, "unauthenticated");
        }

        string[] posts = [$"{app}/events/{E.ApprovalDecision}", $"{app}/events/{E.CardPrinted}", $"{app}/actions/approve", "/api/v1/reconciliation/runs", "/api/v1/cards/verify"];
        foreach (string path in posts)
        {
            Refuse(Anonymous, HttpMethod.Post, path, decision, HttpStatusCode.Unauthorized, "unauthenticated");
        }

        // Kiosk-signed routes answer an unsigned request with the signature scheme's 401.
        Refuse(Anonymous, HttpMethod.Post, "/api/v1/applications", null, HttpStatusCode.Unauthorized, "kiosk-signature-missing");
        Refuse(Anonymous, HttpMethod.Post, $"{app}/parts", null, HttpStatusCode.Unauthorized, "kiosk-signature-missing");

        foreach (string partner in new[] { Roles.PrintCentre, Roles.Courier, Roles.BiometricMatcher })
        {
            foreach (string path in reads.Concat(searches))
            {
                Refuse(partner, HttpMethod.Get, path, null, HttpStatusCode.Forbidden, "forbidden");
            }

            Refuse(partner, HttpMethod.Post, $"{app}/events/{E.ApprovalDecision}", decision, HttpStatusCode.Forbidden, "forbidden");
            Refuse(partner, HttpMethod.Post, $"{app}/events/{E.CardCollected}", new { recipient = "x" }, HttpStatusCode.Forbidden, "forbidden");
            Refuse(partner, HttpMethod.Post, $"{app}/actions/approve", new { }, HttpStatusCode.Forbidden, "forbidden");
            Refuse(partner, HttpMethod.Post, "/api/v1/reconciliation/runs", null, HttpStatusCode.Forbidden, "forbidden");
        }

        foreach (string path in reads.Skip(1).Concat(searches))
        {
            Refuse(Roles.Kiosk, HttpMethod.Get, path, null, HttpStatusCode.Forbidden, "forbidden");
        }

        foreach (string caller in new[] { Roles.Kiosk, Roles.Supervisor })
        {
            foreach (string eventName in OfficerEvents)
            {
                Refuse(caller, HttpMethod.Post, $"{app}/events/{eventName}", decision, HttpStatusCode.Forbidden, "forbidden");
            }

            foreach (string action in Actions)
            {
                Refuse(caller, HttpMethod.Post, $"{app}/actions/{action}", new { reason = "r" }, HttpStatusCode.Forbidden, "forbidden");
            }

            Refuse(caller, HttpMethod.Post, "/api/v1/cards/verify", new { }, HttpStatusCode.Forbidden, "forbidden");
            Refuse(caller, HttpMethod.Post, "/api/v1/reconciliation/runs", null, HttpStatusCode.Forbidden, "forbidden");
        }

        Refuse(Roles.Operator, HttpMethod.Post, $"{app}/events/{E.CardPrinted}", new { reference = "PJ-1" }, HttpStatusCode.Forbidden, "forbidden");
        Refuse(Roles.Operator, HttpMethod.Post, $"{app}/events/{E.BiometricResult}", new { candidates = Array.Empty<object>() }, HttpStatusCode.Forbidden, "forbidden");

        // An officer of another province: every read of the application, every operator event and every action.
        foreach (string path in reads)
        {
            Refuse(OtherProvince, HttpMethod.Get, path, null, HttpStatusCode.Forbidden, "area-not-allowed");
        }

        foreach (string eventName in OfficerEvents)
        {
            Refuse(OtherProvince, HttpMethod.Post, $"{app}/events/{eventName}", decision, HttpStatusCode.Forbidden, "area-not-allowed");
        }

        foreach (string action in Actions)
        {
            Refuse(OtherProvince, HttpMethod.Post, $"{app}/actions/{action}", new { reason = "r", parts = PortraitOnly }, HttpStatusCode.Forbidden, "area-not-allowed");
        }

        var failures = new List<string>();
        foreach ((string caller, HttpMethod method, string path, object? body, HttpStatusCode status, string problem) in refused)
        {
            using HttpClient client = ClientOf(caller);
            using HttpResponseMessage response = await SendAsync(client, method, path, body);
            string text = await response.Content.ReadAsStringAsync();
            string? type = response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                ? JsonSerializer.Deserialize<JsonElement>(text).GetProperty("type").GetString()
                : null;
            if (response.StatusCode != status || type != "urn:citizenworkflows:problem:" + problem)
            {
                failures.Add($"{caller} {method} {path}: expected {(int)status} {problem}, got {(int)response.StatusCode} {type}");
            }
            else if (status == HttpStatusCode.Unauthorized && response.Headers.WwwAuthenticate.Count == 0)
            {
                failures.Add($"{caller} {method} {path}: 401 without WWW-Authenticate");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));

        // Nothing changed: same stage, same timeline, still waiting for the decision; the audit holds only the refused actions.
        ApplicationStatusResponse after = await host.StatusAsync(id);
        Assert.Equal((before.Stage, before.Timeline.Count, before.RuntimeStatus), (after.Stage, after.Timeline.Count, after.RuntimeStatus));
        Assert.Equal(ApplicationStage.AwaitingApproval, after.Stage);
        Assert.Contains(E.ApprovalDecision, after.WaitingFor);
        JsonElement[] audit = await AuditAsync(Roles.Supervisor, id);
        Assert.Equal(Actions.Length, audit.Length);
        Assert.All(audit, a => Assert.Equal(
            ("refused", "403 area-not-allowed", LocalHostProcess.Officers[OtherProvince].Principal),
            (a.GetProperty("outcome").GetString(), a.GetProperty("detail").GetString(), a.GetProperty("actor").GetString())));
        Assert.Equal(Actions.Order(StringComparer.Ordinal), audit.Select(a => a.GetProperty("action").GetString()!).Order(StringComparer.Ordinal));

        // Allowed: the kiosk its own application, readers of the area or the whole country, anyone authenticated the contract.
        foreach ((string caller, string path) in new[]
        {
            (Roles.Kiosk, app), (Roles.Supervisor, app), (Roles.Supervisor, $"{app}/detail"), (Roles.Supervisor, $"{app}/audit"),
            (Roles.Supervisor, $"{app}/documents/portrait"), (Province, app), (Province, $"{app}/detail"), (Roles.Operator, $"{app}/detail"),
            (Roles.Courier, "/api/v1/openapi.json"), (Anonymous, "/api/dashboard"),
        })
        {
            using HttpClient client = ClientOf(caller);
            using HttpResponseMessage response = await client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{caller} GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        using (HttpClient supervisor = ClientOf(Roles.Supervisor))
        using (HttpResponseMessage noRun = await supervisor.GetAsync(new Uri("/api/v1/reconciliation/runs/20261201T000000Z-00000000", UriKind.Relative)))
        {
            await Api.AssertProblemAsync(noRun, HttpStatusCode.NotFound, "not-found");
        }

        // Searches are area-scoped: the other province's officer does not find the application, its own officer does.
        Assert.DoesNotContain(id, await ListAsync(OtherProvince));
        Assert.Contains(id, await ListAsync(Province));
        Assert.Contains(id, await ListAsync(Roles.Supervisor));
        Assert.Contains(id, await ListAsync(Roles.Operator));
        using (HttpClient other = ClientOf(OtherProvince))
        {
            JsonElement counts = await other.GetFromJsonAsync<JsonElement>(new Uri("/api/v1/application-counts", UriKind.Relative));
            Assert.False(counts.GetProperty("byProvince").TryGetProperty("079", out _));
        }

        // The province's own officer decides through the event route.
        using (HttpClient officer = ClientOf(Province))
        using (HttpResponseMessage approved = await Api.RaiseAsync(officer, id, E.ApprovalDecision, decision))
        {
            Assert.Equal(HttpStatusCode.Accepted, approved.StatusCode);
        }

        ApplicationStatusResponse decided = await host.WaitForAsync(id, s => s.Stage != ApplicationStage.AwaitingApproval, TimeSpan.FromSeconds(120));
        Assert.Contains(decided.Timeline, t => t.Stage == ApplicationStage.Approved && t.Cause == $"officer {LocalHostProcess.Officers[Province].Principal}");
    }

    HttpClient ClientOf(string caller) =>
        caller == Anonymous ? host.Client(null)
        : LocalHostProcess.Officers.ContainsKey(caller) ? host.OfficerClient(caller)
        : host.Client(caller);

    static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, object? body)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: JsonSerializerOptions.Web);
        }

        return client.SendAsync(request);
    }

    async Task<JsonElement[]> AuditAsync(string caller, string id)
    {
        using HttpClient client = ClientOf(caller);
        JsonElement list = await client.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/applications/{id}/audit", UriKind.Relative));
        return [.. list.GetProperty("items").EnumerateArray()];
    }

    async Task<string[]> ListAsync(string caller)
    {
        using HttpClient client = ClientOf(caller);
        JsonElement page = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/v1/applications?pageSize=200", UriKind.Relative));
        return [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("applicationId").GetString()!)];
    }
}
