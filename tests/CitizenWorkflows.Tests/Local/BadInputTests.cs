using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Security;
using CitizenWorkflows.Workflow.Storage;
using E = CitizenWorkflows.Workflow.Lifecycle.ApplicationEvents;

namespace CitizenWorkflows.Tests.Local;

/// <summary>
/// Every endpoint answers bad input with problem details, and nothing is left behind: no blob, no table row, no
/// orchestration. Nothing in this class ever submits a valid application, so storage must stay empty.
/// </summary>
public sealed class BadInputTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    const string TaskHub = "BadInputHub";
    const string UnknownId = "0123456789abcdef0123456789abcdef";
    LocalHostProcess host = null!;

    public async Task InitializeAsync() => host = await LocalHostProcess.StartAsync(azurite, TaskHub);

    public async Task DisposeAsync() => await host.DisposeAsync();

    static Uri Applications => new("/api/v1/applications", UriKind.Relative);

    static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Submitting_without_a_key_or_with_another_role_s_key_is_refused()
    {
        using HttpClient anonymous = host.Client(null);
        using HttpResponseMessage noKey = await anonymous.PostAsJsonAsync(Applications, Samples.Submission());
        await Api.AssertProblemAsync(noKey, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Contains("ApiKey", noKey.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);

        using HttpClient wrongKey = host.Client(null);
        wrongKey.DefaultRequestHeaders.Add(SecurityOptions.ApiKeyHeader, "not-a-key-anyone-holds");
        using HttpResponseMessage unknown = await wrongKey.PostAsJsonAsync(Applications, Samples.Submission());
        await Api.AssertProblemAsync(unknown, HttpStatusCode.Unauthorized, "unauthenticated");

        using HttpClient courier = host.Client(Roles.Courier);
        using HttpResponseMessage wrongRole = await courier.PostAsJsonAsync(Applications, Samples.Submission());
        await Api.AssertProblemAsync(wrongRole, HttpStatusCode.Forbidden, "forbidden");
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_or_not_declared_as_JSON_is_refused()
    {
        using HttpClient kiosk = host.Client(Roles.Kiosk);
        string valid = JsonSerializer.Serialize(Samples.Submission(), JsonSerializerOptions.Web);

        using HttpResponseMessage plain = await kiosk.PostAsync(Applications, new StringContent(valid, Encoding.UTF8, "text/plain"));
        await Api.AssertProblemAsync(plain, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");

        using HttpResponseMessage truncated = await kiosk.PostAsync(Applications, Json(valid[..(valid.Length / 2)]));
        JsonElement problem = await Api.AssertProblemAsync(truncated, HttpStatusCode.BadRequest, "malformed-json");
        Assert.DoesNotContain("Hạnh", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using HttpResponseMessage unknownField = await kiosk.PostAsync(Applications, Json(valid.Replace("\"type\":", "\"colour\":\"red\",\"type\":", StringComparison.Ordinal)));
        problem = await Api.AssertProblemAsync(unknownField, HttpStatusCode.BadRequest, "malformed-json");
        Assert.Contains("colour", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using HttpResponseMessage nullBody = await kiosk.PostAsync(Applications, Json("null"));
        await Api.AssertProblemAsync(nullBody, HttpStatusCode.BadRequest, "malformed-json");
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Missing_and_invalid_fields_are_all_named_with_their_rules()
    {
        using HttpClient kiosk = host.Client(Roles.Kiosk);
        using HttpResponseMessage empty = await kiosk.PostAsync(Applications, Json("{}"));
        JsonElement errors = (await Api.AssertProblemAsync(empty, HttpStatusCode.UnprocessableEntity, "validation")).GetProperty("errors");
        Assert.Equal(["applicant", "portrait", "type"], errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        ApplicationSubmission bad = Samples.Submission(a => a with { PersonalNumber = "079094001234", DateOfBirth = "2031-01-01", FullName = null });
        using HttpResponseMessage invalid = await kiosk.PostAsJsonAsync(Applications, bad);
        errors = (await Api.AssertProblemAsync(invalid, HttpStatusCode.UnprocessableEntity, "validation")).GetProperty("errors");
        Assert.Equal("required", errors.GetProperty("applicant.fullName")[0].GetProperty("rule").GetString());
        Assert.Equal("date.not-in-future", errors.GetProperty("applicant.dateOfBirth")[0].GetProperty("rule").GetString());
        Assert.Contains("personal-number.sex", errors.GetProperty("applicant.personalNumber").EnumerateArray().Select(e => e.GetProperty("rule").GetString()));

        using HttpResponseMessage notImage = await kiosk.PostAsJsonAsync(Applications, Samples.Submission() with { Portrait = Convert.ToBase64String("%PDF-1.7 not a photo"u8.ToArray()) });
        errors = (await Api.AssertProblemAsync(notImage, HttpStatusCode.UnprocessableEntity, "validation")).GetProperty("errors");
        Assert.Equal("portrait.content-type", errors.GetProperty("portrait")[0].GetProperty("rule").GetString());
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task An_oversized_body_is_refused_before_it_is_read_whole()
    {
        using HttpClient kiosk = host.Client(Roles.Kiosk);
        string portrait = Convert.ToBase64String(new byte[(int)SubmitApplicationEndpoint.MaxBodyBytes]);
        using HttpResponseMessage response = await kiosk.PostAsJsonAsync(Applications, Samples.Submission() with { Portrait = portrait });
        await Api.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Status_of_an_unknown_or_malformed_id_is_404()
    {
        using HttpClient officer = host.Client(Roles.Operator);
        foreach (string id in new[] { UnknownId, "not-an-id", "../../etc" })
        {
            using HttpResponseMessage response = await officer.GetAsync(new Uri($"/api/v1/applications/{Uri.EscapeDataString(id)}", UriKind.Relative));
            await Api.AssertProblemAsync(response, HttpStatusCode.NotFound, "not-found");
        }

        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Events_that_are_unknown_unauthorised_malformed_or_for_no_application_are_refused()
    {
        using HttpClient officer = host.Client(Roles.Operator);
        using HttpClient kiosk = host.Client(Roles.Kiosk);

        using (HttpResponseMessage r = await Api.RaiseAsync(officer, UnknownId, "card-teleported", null))
        {
            JsonElement problem = await Api.AssertProblemAsync(r, HttpStatusCode.Conflict, "unknown-event");
            Assert.Contains(E.CardPrinted, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using (HttpResponseMessage r = await Api.RaiseAsync(officer, UnknownId, E.ApprovalDecision, new { decision = "approve" }))
        {
            await Api.AssertProblemAsync(r, HttpStatusCode.NotFound, "not-found");
        }

        using (HttpResponseMessage r = await Api.RaiseAsync(kiosk, UnknownId, E.ApprovalDecision, new { decision = "approve" }))
        {
            await Api.AssertProblemAsync(r, HttpStatusCode.Forbidden, "forbidden");
        }

        using (HttpResponseMessage r = await Api.RaiseAsync(officer, UnknownId, E.ApprovalDecision, new { decision = "maybe" }))
        {
            JsonElement errors = (await Api.AssertProblemAsync(r, HttpStatusCode.UnprocessableEntity, "validation")).GetProperty("errors");
            Assert.Equal("decision.allowed", errors.GetProperty("decision")[0].GetProperty("rule").GetString());
        }

        using (HttpResponseMessage r = await Api.RaiseAsync(officer, UnknownId, E.ApprovalDecision, new { decision = "reject" }))
        {
            JsonElement errors = (await Api.AssertProblemAsync(r, HttpStatusCode.UnprocessableEntity, "validation")).GetProperty("errors");
            Assert.Equal("reason.required-to-reject", errors.GetProperty("reason")[0].GetProperty("rule").GetString());
        }

        using (HttpResponseMessage r = await officer.PostAsync(
            new Uri($"/api/v1/applications/{UnknownId}/events/{E.ApprovalDecision}", UriKind.Relative),
            new StringContent("decision=approve", Encoding.UTF8, "application/x-www-form-urlencoded")))
        {
            await Api.AssertProblemAsync(r, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        }

        using (HttpResponseMessage r = await Api.RaiseAsync(officer, UnknownId, E.ApprovalDecision, new { decision = "approve", reason = new string('x', 20_000) }))
        {
            await Api.AssertProblemAsync(r, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        }

        using (HttpResponseMessage r = await Api.RaiseAsync(officer, UnknownId, E.ApprovalDecision, new { decision = "approve", signature = "x" }))
        {
            await Api.AssertProblemAsync(r, HttpStatusCode.BadRequest, "malformed-json");
        }

        await AssertNothingStoredAsync();
    }

    /// <summary>No document, no projection row, no personal number, no workflow instance.</summary>
    async Task AssertNothingStoredAsync()
    {
        var documents = azurite.Blobs.GetBlobContainerClient(StorageNames.DocumentsContainer);
        Assert.Empty(await AsyncItems.AllAsync(documents.GetBlobsAsync()));
        foreach (string table in new[] { StorageNames.ApplicationsTable, StorageNames.TimelineTable, StorageNames.PersonalNumbersTable, TaskHub + "Instances" })
        {
            List<TableEntity> rows = await AsyncItems.AllAsync(azurite.Tables.GetTableClient(table).QueryAsync<TableEntity>());
            Assert.True(rows.Count == 0, $"{table} has {rows.Count} rows");
        }
    }
}
