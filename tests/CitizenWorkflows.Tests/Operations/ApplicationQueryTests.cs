using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Data.Tables;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Operations;
using CitizenWorkflows.Workflow.Operations.Audit;
using CitizenWorkflows.Workflow.Operations.History;
using CitizenWorkflows.Workflow.Operations.Query;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Security;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Tests.Operations;

/// <summary>Five applications, two kiosks, two provinces: the query API on Azurite over HTTP.</summary>
public sealed class ApplicationQueryFixture() : OperationsFixture("QueryHub");

/// <summary>
/// The operators' read side end to end: every filter, paging across pages with continuation tokens, counts, the detail
/// with the stored history and documents (a download checked byte for byte and found in the audit), and the refusals.
/// </summary>
public sealed class ApplicationQueryTests(ApplicationQueryFixture fixture) : IClassFixture<ApplicationQueryFixture>
{
    LocalHostProcess Host => fixture.Host;

    IReadOnlyList<Submitted> Apps => fixture.Applications;

    [Fact]
    public async Task Each_filter_narrows_the_list_to_the_applications_it_describes()
    {
        Assert.Equal(Ids(Apps), await ListIdsAsync(""));
        Assert.Equal(Ids(Apps.Where(a => a.Waiting == ApplicationStage.AwaitingApproval)), await ListIdsAsync("stage=AwaitingApproval"));
        Assert.Equal(Ids(Apps.Where(a => a.Waiting == ApplicationStage.Printing)), await ListIdsAsync("stage=printing"));
        Assert.Empty(await ListIdsAsync("stage=ManualReview"));
        Assert.Equal(Ids(Apps.Where(a => a.Province == "001")), await ListIdsAsync("province=001"));
        Assert.Equal(Ids(Apps.Where(a => a.Province == "079")), await ListIdsAsync("province=079"));
        Assert.Empty(await ListIdsAsync("province=048"));
        Assert.Equal(Ids(Apps.Where(a => a.KioskId == OperationsFixture.MobileKioskId)), await ListIdsAsync("kiosk=" + OperationsFixture.MobileKioskId));
        Assert.Equal(Ids(Apps.Where(a => a.Type == ApplicationType.Renewal)), await ListIdsAsync("type=renewal"));
        Assert.Equal(Ids(Apps.Where(a => a.Type == ApplicationType.New)), await ListIdsAsync("type=new"));
        Assert.Empty(await ListIdsAsync("type=reissue"));
        Assert.Equal(
            Ids(Apps.Where(a => a.Waiting == ApplicationStage.AwaitingApproval && a.Province == "001")),
            await ListIdsAsync("stage=AwaitingApproval&province=001"));

        // Created range: from is inclusive, to exclusive, so one instant splits the list in two.
        ApplicationPage all = await ListAsync("");
        DateTimeOffset third = all.Items[2].CreatedAt;
        string at = Uri.EscapeDataString(third.ToString("O"));
        Assert.Equal(Ids(Apps.Skip(2)), await ListIdsAsync($"createdFrom={at}"));
        Assert.Equal(Ids(Apps.Take(2)), await ListIdsAsync($"createdTo={at}"));
        // One millisecond later: Azurite compares date-times at millisecond precision (Azure keeps ticks).
        Assert.Equal(Ids(Apps.Skip(2).Take(1)), await ListIdsAsync($"createdFrom={at}&createdTo={Uri.EscapeDataString(third.AddMilliseconds(1).ToString("O"))}"));
        string today = third.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Ids(Apps), await ListIdsAsync($"createdFrom={today}"));
        Assert.Empty(await ListIdsAsync($"createdTo={today}"));

        // Nothing is overdue yet (due in 7 working days); move one due date into the past through the projection's
        // write path (a later sequence), so the row, its index rows and the counters all move; then put it back.
        Assert.Empty(await ListIdsAsync("overdue=true"));
        Assert.Equal(Ids(Apps), await ListIdsAsync("overdue=false"));
        var projection = new ApplicationProjection(fixture.Azurite.Tables);
        TableClient applications = fixture.Azurite.Tables.GetTableClient(StorageNames.ApplicationsTable);
        TableEntity row = (await applications.GetEntityAsync<TableEntity>(Apps[1].Id, ApplicationRowKey.Of(Apps[1].Id))).Value;
        var header = new Workflow.Orchestration.ApplicationHeader(
            Apps[1].Id, Enum.Parse<ApplicationType>(row.GetString("Type")), row.GetString("Province"), row.GetString("KioskId"),
            row.GetDateTimeOffset("CreatedAt")!.Value, row.GetDateTimeOffset("DueAt")!.Value, row.GetString("Commune"), row.GetString("District"));
        int sequence = row.GetInt32("Sequence")!.Value;
        Workflow.Orchestration.ApplicationTransition As(int next, DateTimeOffset due) => new(
            header with { DueAt = due }, next, Enum.Parse<ApplicationStage>(row.GetString("Stage")), row.GetDateTimeOffset("UpdatedAt")!.Value,
            "test", null, row.GetString("WaitingFor")!.Split(','), row.GetDateTimeOffset("WaitDeadline"));
        try
        {
            await projection.ApplyAsync(As(sequence + 100, DateTimeOffset.UtcNow.AddDays(-1)), CancellationToken.None);
            Assert.Equal([Apps[1].Id], await ListIdsAsync("overdue=true"));
            Assert.Equal([Apps[1].Id], await ListIdsAsync("overdue=true&province=001"));
            Assert.Empty(await ListIdsAsync("overdue=true&province=079"));
            Assert.Equal(Ids(Apps.Where(a => a != Apps[1])), await ListIdsAsync("overdue=false"));
            Assert.True((await ListAsync("overdue=true")).Items.Single().Overdue);
        }
        finally
        {
            await projection.ApplyAsync(As(sequence + 101, header.DueAt), CancellationToken.None);
        }

        Assert.Empty(await ListIdsAsync("overdue=true"));
    }

    [Fact]
    public async Task A_row_that_does_not_read_is_listed_as_unreadable_with_its_id_and_the_page_still_answers()
    {
        string bad = Guid.CreateVersion7().ToString("N");
        TableClient applications = fixture.Azurite.Tables.GetTableClient(StorageNames.ApplicationsTable);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        await applications.AddEntityAsync(new TableEntity(bad, ApplicationRowKey.Of(bad))
        {
            ["Stage"] = "Shipping", ["Type"] = "New", ["Province"] = "079", ["KioskId"] = LocalHostProcess.KioskId,
            ["CreatedAt"] = now, ["UpdatedAt"] = now, ["DueAt"] = now.AddDays(9), ["Sequence"] = 3,
        });
        try
        {
            ApplicationPage page = await ListAsync("pageSize=200");
            Assert.Equal(Ids(Apps), page.Items.Select(i => i.ApplicationId).Order(StringComparer.Ordinal));
            UnreadableApplication unreadable = Assert.Single(page.Unreadable);
            Assert.Equal((bad, "unknown stage 'Shipping'"), (unreadable.ApplicationId, unreadable.Problem));
        }
        finally
        {
            await applications.DeleteEntityAsync(bad, ApplicationRowKey.Of(bad));
        }
    }

    [Theory]
    [InlineData("/api/v1/applications?kioskId=KIOSK-1", "kioskId")]
    [InlineData("/api/v1/applications?stage=Printing&provnce=079", "provnce")]
    [InlineData("/api/v1/application-counts?kioskId=KIOSK-1", "kioskId")]
    [InlineData("/api/v1/application-counts?pageSize=20", "pageSize")]
    public async Task An_unknown_query_parameter_is_refused_with_400_naming_it(string path, string parameter)
    {
        using HttpClient officer = Host.Client(Roles.Operator);
        using HttpResponseMessage response = await officer.GetAsync(new Uri(path, UriKind.Relative));
        JsonElement problem = await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, "unknown-parameter");
        Assert.Equal(["parameter.known"], Api.RulesFor(problem, parameter));
        Assert.Contains($"'{parameter}'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("type=new", "type")]
    [InlineData("overdue=true", "overdue")]
    [InlineData("createdFrom=2026-11-01", "createdFrom")]
    public async Task Counts_refuse_by_name_a_filter_the_counters_are_not_kept_by(string query, string field)
    {
        using HttpClient officer = Host.Client(Roles.Operator);
        using HttpResponseMessage response = await officer.GetAsync(new Uri("/api/v1/application-counts?" + query, UriKind.Relative));
        Assert.Equal(["filter.not-counted"], Api.RulesFor(await Api.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "validation"), field));
    }

    [Fact]
    public async Task A_list_item_carries_the_projection_s_fields()
    {
        ApplicationSummary item = (await ListAsync("type=renewal")).Items.Single();
        Submitted renewal = Apps.Single(a => a.Type == ApplicationType.Renewal);
        Assert.Equal((renewal.Id, ApplicationStage.Printing, ApplicationType.Renewal, "001", OperationsFixture.MobileKioskId),
            (item.ApplicationId, item.Stage, item.Type, item.Province, item.KioskId));
        Assert.False(item.Overdue);
        Assert.Contains("card-printed", item.WaitingFor);
        Assert.NotNull(item.WaitDeadline);
        Assert.True(item.DueAt > item.CreatedAt && item.UpdatedAt >= item.CreatedAt);
    }

    [Fact]
    public async Task Pages_of_two_walk_all_five_applications_with_continuation_tokens()
    {
        var seen = new List<string>();
        var sizes = new List<int>();
        string? continuation = null;
        do
        {
            ApplicationPage page = await ListAsync("pageSize=2" + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation)));
            sizes.Add(page.Items.Count);
            seen.AddRange(page.Items.Select(i => i.ApplicationId));
            continuation = page.Continuation;
        }
        while (continuation is not null && sizes.Count < 10);

        Assert.Equal([2, 2, 1], sizes);
        Assert.Equal(Ids(Apps), seen);

        // Filtered paging: the two new applications of Hồ Chí Minh's kiosk after the first.
        ApplicationPage first = await ListAsync("type=new&province=079&pageSize=1");
        Assert.NotNull(first.Continuation);
        ApplicationPage rest = await ListAsync($"type=new&province=079&pageSize=5&continuation={Uri.EscapeDataString(first.Continuation)}");
        string[] walked = [first.Items[0].ApplicationId, .. rest.Items.Select(i => i.ApplicationId)];
        Assert.Equal(Ids(Apps.Where(a => a.Type == ApplicationType.New && a.Province == "079")), walked.Order(StringComparer.Ordinal));
        Assert.Null(rest.Continuation);

        // A token is bound to its filters.
        using HttpClient officer = Host.Client(Roles.Operator);
        using HttpResponseMessage other = await officer.GetAsync(new Uri($"/api/v1/applications?type=renewal&continuation={Uri.EscapeDataString(first.Continuation)}", UriKind.Relative));
        JsonElement problem = await Api.AssertProblemAsync(other, HttpStatusCode.UnprocessableEntity, "validation");
        Assert.Equal(["continuation.same-filter"], Api.RulesFor(problem, "continuation"));
    }

    [Fact]
    public async Task Counts_are_given_per_stage_and_per_province_for_the_same_filters()
    {
        JsonElement counts = await GetJsonAsync("/api/v1/application-counts");
        Assert.Equal(5, counts.GetProperty("total").GetInt32());
        Dictionary<string, int> byStage = counts.GetProperty("byStage").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.Equal(Enum.GetNames<ApplicationStage>(), byStage.Keys); // every stage, in lifecycle order
        Assert.Equal(4, byStage["AwaitingApproval"]);
        Assert.Equal(1, byStage["Printing"]);
        Assert.Equal(5, byStage.Values.Sum());
        Assert.Equal(
            new Dictionary<string, int> { ["001"] = 2, ["079"] = 3 },
            counts.GetProperty("byProvince").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32()));

        JsonElement mobile = await GetJsonAsync("/api/v1/application-counts?kiosk=" + OperationsFixture.MobileKioskId + "&stage=AwaitingApproval");
        Assert.Equal(1, mobile.GetProperty("total").GetInt32());
        Assert.Equal(1, mobile.GetProperty("byProvince").GetProperty("001").GetInt32());
    }

    [Fact]
    public async Task The_detail_shows_timeline_runtime_stored_history_and_documents_and_a_download_is_audited()
    {
        Submitted app = Apps[0];
        JsonElement detail = await GetJsonAsync($"/api/v1/applications/{app.Id}/detail");

        JsonElement application = detail.GetProperty("application");
        Assert.Equal(app.Id, application.GetProperty("applicationId").GetString());
        Assert.Equal("AwaitingApproval", application.GetProperty("stage").GetString());
        string[] stages = [.. detail.GetProperty("timeline").EnumerateArray().Select(t => t.GetProperty("stage").GetString()!)];
        Assert.Equal("Received", stages[0]);
        Assert.Equal("AwaitingApproval", stages[^1]);
        Assert.Equal("Running", detail.GetProperty("runtime").GetProperty("status").GetString());

        // The history read from the orchestration service: the execution started, activities were scheduled and completed.
        Assert.Equal(JsonValueKind.Null, detail.GetProperty("historyUnavailable").ValueKind);
        HistoryItem[] history = detail.GetProperty("history").Deserialize<HistoryItem[]>(JsonSerializerOptions.Web)!;
        Assert.Contains(history, e => e.EventType == "ExecutionStarted" && e.Name == "CardApplication");
        Assert.Contains(history, e => e.EventType == "TaskScheduled" && e.Name == "RecordTransitions");
        Assert.Contains(history, e => e.EventType == "TaskCompleted");
        Assert.DoesNotContain(history, e => e.EventType == "TimerCreated"); // the approval deadline is in the deadline index, not a timer

        // Documents: the portrait with its hash; its download is the stored bytes, and the read is in the audit.
        JsonElement portrait = detail.GetProperty("documents").EnumerateArray().Single(d => d.GetProperty("name").GetString() == "portrait");
        string sha256 = portrait.GetProperty("sha256").GetString()!;
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Samples.PortraitPng)), sha256);
        Assert.Equal(Samples.PortraitPng.Length, portrait.GetProperty("length").GetInt64());
        Assert.Equal($"/api/v1/applications/{app.Id}/documents/portrait", portrait.GetProperty("href").GetString());

        using HttpClient officer = Host.Client(Roles.Operator);
        using HttpResponseMessage download = await officer.GetAsync(new Uri(portrait.GetProperty("href").GetString()!, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        byte[] bytes = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", download.Headers.CacheControl?.ToString());
        string auditId = download.Headers.GetValues("X-Audit-Id").Single();

        var audit = new OperationsAudit(fixture.Azurite.Tables, TimeProvider.System);
        AuditRecord entry = (await audit.ListAsync(app.Id, CancellationToken.None)).Single(e => e.AuditId == auditId).Record;
        Assert.Equal(
            (LocalHostProcess.Keys[Roles.Operator].Principal, LocalHostProcess.NameOf(LocalHostProcess.Keys[Roles.Operator].Principal), Roles.Operator,
                "document-download", $"portrait sha256:{sha256}", OperationsAudit.Accepted),
            (entry.Actor, entry.ActorName, entry.Role, entry.Action, entry.Detail, entry.Outcome));

        using HttpResponseMessage missing = await officer.GetAsync(new Uri($"/api/v1/applications/{app.Id}/documents/document-9", UriKind.Relative));
        await Api.AssertProblemAsync(missing, HttpStatusCode.NotFound, "not-found");
        using HttpResponseMessage escape = await officer.GetAsync(new Uri($"/api/v1/applications/{app.Id}/documents/..%2F{Apps[1].Id}%2Fportrait", UriKind.Relative));
        await Api.AssertProblemAsync(escape, HttpStatusCode.NotFound, "not-found");
        using HttpResponseMessage unknown = await officer.GetAsync(new Uri($"/api/v1/applications/{new string('a', 32)}/detail", UriKind.Relative));
        await Api.AssertProblemAsync(unknown, HttpStatusCode.NotFound, "not-found");
    }

    [Theory]
    [InlineData("/api/v1/applications")]
    [InlineData("/api/v1/application-counts")]
    [InlineData("/api/v1/applications/{id}/detail")]
    [InlineData("/api/v1/applications/{id}/documents/portrait")]
    public async Task Without_a_key_the_answer_is_401_and_with_another_role_403(string path)
    {
        var uri = new Uri(path.Replace("{id}", Apps[0].Id, StringComparison.Ordinal), UriKind.Relative);
        using HttpClient anonymous = Host.Client(null);
        using HttpResponseMessage noKey = await anonymous.GetAsync(uri);
        await Api.AssertProblemAsync(noKey, HttpStatusCode.Unauthorized, "unauthenticated");

        foreach (string role in new[] { Roles.Kiosk, Roles.PrintCentre, Roles.Courier, Roles.BiometricMatcher })
        {
            using HttpClient other = Host.Client(role);
            using HttpResponseMessage refused = await other.GetAsync(uri);
            await Api.AssertProblemAsync(refused, HttpStatusCode.Forbidden, "forbidden");
        }
    }

    [Theory]
    [InlineData("stage=Shipping", "stage", "stage.known")]
    [InlineData("stage=4", "stage", "stage.known")]
    [InlineData("province=999", "province", "province.known")]
    [InlineData("province=", "province", "parameter.not-empty")]
    [InlineData("kiosk=a%2Fb", "kiosk", "kiosk.format")]
    [InlineData("type=replacement", "type", "type.known")]
    [InlineData("createdFrom=yesterday", "createdFrom", "date-time.format")]
    [InlineData("createdFrom=2026-11-26T08:00:00", "createdFrom", "date-time.format")]
    [InlineData("createdTo=2026-13-01", "createdTo", "date-time.format")]
    [InlineData("createdFrom=2026-11-26&createdTo=2026-11-25", "createdTo", "created-to.after-created-from")]
    [InlineData("overdue=yes", "overdue", "overdue.boolean")]
    [InlineData("pageSize=0", "pageSize", "page-size.range")]
    [InlineData("pageSize=201", "pageSize", "page-size.range")]
    [InlineData("pageSize=ten", "pageSize", "page-size.range")]
    [InlineData("stage=Printing&stage=Printed", "stage", "parameter.single")]
    [InlineData("continuation=not-a-token", "continuation", "continuation.valid")]
    public async Task A_bad_filter_is_refused_naming_the_parameter_and_rule(string query, string field, string rule)
    {
        using HttpClient officer = Host.Client(Roles.Operator);
        using HttpResponseMessage response = await officer.GetAsync(new Uri("/api/v1/applications?" + query, UriKind.Relative));
        JsonElement problem = await Api.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "validation");
        Assert.Equal([rule], Api.RulesFor(problem, field));

        if (field is not ("pageSize" or "continuation"))
        {
            using HttpResponseMessage counts = await officer.GetAsync(new Uri("/api/v1/application-counts?" + query, UriKind.Relative));
            Assert.Equal([rule], Api.RulesFor(await Api.AssertProblemAsync(counts, HttpStatusCode.UnprocessableEntity, "validation"), field));
        }
    }

    [Fact]
    public async Task The_dashboard_shell_and_its_sign_in_settings_are_served_without_a_token_under_a_strict_content_policy()
    {
        using HttpClient anonymous = Host.Client(null);
        using HttpResponseMessage page = await anonymous.GetAsync(new Uri("/api/dashboard", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        string csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        string html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<button type=\"button\" id=\"sign-in\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain(Apps[0].Id, html, StringComparison.Ordinal); // the shell carries no data

        // Where to sign in: the host's own provider and the dashboard's public client; nothing secret.
        using HttpResponseMessage signIn = await anonymous.GetAsync(new Uri("/api/dashboard/sign-in.json", UriKind.Relative));
        JsonElement settings = await signIn.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((Host.BaseAddress.AbsoluteUri, "dashboard", "openid"),
            (settings.GetProperty("authority").GetString(), settings.GetProperty("clientId").GetString(), settings.GetProperty("scope").GetString()));

        using HttpResponseMessage script = await anonymous.GetAsync(new Uri("/api/dashboard/dashboard.js", UriKind.Relative));
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        using var conditional = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/dashboard/dashboard.js", UriKind.Relative));
        conditional.Headers.TryAddWithoutValidation("If-None-Match", script.Headers.ETag!.ToString());
        using HttpResponseMessage unchanged = await anonymous.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
        // The chart library is served from the host itself, byte for byte the vendored copy (the CSP allows no CDN).
        using HttpResponseMessage charts = await anonymous.GetAsync(new Uri("/api/dashboard/chart.umd.js", UriKind.Relative));
        Assert.Equal("text/javascript", charts.Content.Headers.ContentType?.MediaType);
        string vendored = Path.Combine(RepoPaths.Root, "functions", "CitizenWorkflows.Workflow", "Operations", "Dashboard", "vendor");
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(vendored, "chart.umd.js")), await charts.Content.ReadAsByteArrayAsync());
        string recorded = Convert.ToHexStringLower(SHA256.HashData(await charts.Content.ReadAsByteArrayAsync()));
        Assert.Contains(recorded, await File.ReadAllTextAsync(Path.Combine(vendored, "README.md")), StringComparison.Ordinal);
        using HttpResponseMessage other = await anonymous.GetAsync(new Uri("/api/dashboard/secrets.json", UriKind.Relative));
        await Api.AssertProblemAsync(other, HttpStatusCode.NotFound, "not-found");
    }

    /// <summary>Ids in id order (version-7: submission order); lists from the index come by due time within a
    /// partition, so compared in id order.</summary>
    static string[] Ids(IEnumerable<Submitted> apps) => [.. apps.Select(a => a.Id).Order(StringComparer.Ordinal)];

    async Task<ApplicationPage> ListAsync(string query)
    {
        using HttpClient officer = Host.Client(Roles.Operator);
        using HttpResponseMessage response = await officer.GetAsync(new Uri("/api/v1/applications?" + query, UriKind.Relative));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{query}: {(int)response.StatusCode} {body}");
        return JsonSerializer.Deserialize<ApplicationPage>(body, JsonSerializerOptions.Web)!;
    }

    /// <summary>Every matching id, across all pages, in id order.</summary>
    async Task<string[]> ListIdsAsync(string query)
    {
        var ids = new List<string>();
        string? continuation = null;
        do
        {
            ApplicationPage page = await ListAsync(query + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation)));
            ids.AddRange(page.Items.Select(i => i.ApplicationId));
            continuation = page.Continuation;
        }
        while (continuation is not null);

        return [.. ids.Order(StringComparer.Ordinal)];
    }

    async Task<JsonElement> GetJsonAsync(string path)
    {
        using HttpClient officer = Host.Client(Roles.Operator);
        using HttpResponseMessage response = await officer.GetAsync(new Uri(path, UriKind.Relative));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        return JsonSerializer.Deserialize<JsonElement>(body);
    }
}
