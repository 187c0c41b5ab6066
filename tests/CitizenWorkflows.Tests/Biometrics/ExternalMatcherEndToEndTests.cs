using System.Net;
using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Biometrics.ExternalMatcher;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Operations;
using CitizenWorkflows.Workflow.Security;
using CitizenWorkflows.Workflow.Storage;
using E = CitizenWorkflows.Workflow.Orchestration.ApplicationEvents;

namespace CitizenWorkflows.Tests.Biometrics;

/// <summary>
/// With <c>Workflow:ExternalMatcher</c> on, the fingerprint search goes to an external ABIS: a request on the
/// biometric-searches queue, the answer as a biometric-result event. The test plays the ABIS.
/// </summary>
public sealed class ExternalMatcherEndToEndTests(AzuriteFixture azurite) : EndToEndTest(azurite, "ExternalMatcherHub", new Dictionary<string, string>
{
    ["Workflow:ExternalMatcher"] = "true",
    ["Workflow:BiometricResultDeadline"] = "00:00:08",
    ["Workflow:MaxBiometricSearchAttempts"] = "2",
})
{
    [Fact]
    public async Task The_search_request_carries_references_to_the_templates_and_an_empty_answer_lets_the_application_continue()
    {
        SubmissionAccepted accepted = await Api.SubmitAsync(Kiosk, Samples.NewApplicant("Vũ Đức Thắng", "1970-05-05", Samples.Fingerprints(601, 1)));
        string id = accepted.ApplicationId;
        await Host.WaitForAsync(id, s => s.WaitingFor.Contains(E.BiometricResult));

        BiometricSearchOrder order = await OrderAsync(id, attempt: 1);
        Assert.Equal(4, order.Fingerprints.Count);
        Assert.All(order.Fingerprints, f => Assert.Equal(IsoMinutiaeTemplate.ContentType, f.ContentType));
        Assert.All(order.Fingerprints, f => Assert.Matches("^[0-9a-f]{64}$", f.Sha256));
        Assert.Equal(
            ["fingerprint-01", "fingerprint-02", "fingerprint-06", "fingerprint-07"],
            order.Fingerprints.Select(f => f.BlobName[(f.BlobName.LastIndexOf('/') + 1)..]).Order(StringComparer.Ordinal));

        using HttpResponseMessage answered = await Api.RaiseAsync(Matcher, id, E.BiometricResult, new { candidates = Array.Empty<object>(), reference = "ABIS-77" });
        Assert.Equal(HttpStatusCode.Accepted, answered.StatusCode);

        ApplicationStatusResponse waiting = await Host.WaitForAsync(id, s => s.WaitingFor.Contains(E.ApprovalDecision));
        Assert.Contains(waiting.Timeline, t => t.Cause == "abis-national" && t.Detail == "external matcher answered with 0 candidate(s), reference ABIS-77");
        Assert.Contains(waiting.Timeline, t => t.Detail?.Contains("no duplicate identity found (external matcher", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task A_candidate_from_the_external_matcher_goes_to_adjudication()
    {
        string earlier = Guid.CreateVersion7().ToString("N");
        string id = (await Api.SubmitAsync(Kiosk, Samples.NewApplicant("Hồ Thị Xuân", "1968-02-11", Samples.Fingerprints(602, 1)))).ApplicationId;
        await Host.WaitForAsync(id, s => s.WaitingFor.Contains(E.BiometricResult));

        using HttpResponseMessage answered = await Api.RaiseAsync(Matcher, id, E.BiometricResult, new { candidates = new[] { new { applicationId = earlier, score = 91.5 } } });
        Assert.Equal(HttpStatusCode.Accepted, answered.StatusCode);

        ApplicationStatusResponse review = await Host.WaitForAsync(id, s => s.WaitingFor.Contains(E.AdjudicationDecision));
        Assert.Equal(ApplicationStage.ManualReview, review.Stage);
        Assert.Contains($"application {earlier} (fingerprints: external matcher score 91.5)", review.Timeline[^1].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_matcher_that_never_answers_is_asked_again_and_then_the_application_fails_with_the_reason()
    {
        string id = (await Api.SubmitAsync(Kiosk, Samples.NewApplicant("Ngô Văn Lực", "1975-09-09", Samples.Fingerprints(603, 1)))).ApplicationId;

        ApplicationStatusResponse done = await Host.WaitForAsync(id, s => s.RuntimeStatus == "Completed", TimeSpan.FromSeconds(90));
        Assert.Equal(ApplicationStage.Failed, done.Stage);
        Assert.Equal("the external matcher did not answer 2 search request(s) before their deadlines", done.Timeline[^1].Detail);
        Assert.Equal(2, (await OrderAsync(id, attempt: 2)).Attempt);
    }

    [Fact]
    public async Task Only_the_matcher_answers_and_its_answer_is_checked()
    {
        string id = (await Api.SubmitAsync(Kiosk, Samples.NewApplicant("Lý Thị Nga", "1981-04-18", Samples.Fingerprints(604, 1)))).ApplicationId;
        await Host.WaitForAsync(id, s => s.WaitingFor.Contains(E.BiometricResult));

        using (HttpClient officer = Host.Client(Roles.Operator))
        using (HttpResponseMessage wrongRole = await Api.RaiseAsync(Officer, id, E.BiometricResult, new { candidates = Array.Empty<object>() }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, wrongRole.StatusCode);
        }

        using (HttpResponseMessage malformed = await Api.RaiseAsync(Matcher, id, E.BiometricResult, new { candidates = new object[] { new { applicationId = "not-an-id", score = -1 } } }))
        {
            JsonElement problem = await Api.AssertProblemAsync(malformed, HttpStatusCode.UnprocessableEntity, "validation");
            Assert.Contains("application-id.format", Api.RulesFor(problem, "candidates[0].applicationId"));
            Assert.Contains("score.range", Api.RulesFor(problem, "candidates[0].score"));
        }

        using (HttpResponseMessage missing = await Api.RaiseAsync(Matcher, id, E.BiometricResult, new { reference = "x" }))
        {
            JsonElement problem = await Api.AssertProblemAsync(missing, HttpStatusCode.UnprocessableEntity, "validation");
            Assert.Contains("required", Api.RulesFor(problem, "candidates"));
        }

        Assert.Contains(E.BiometricResult, (await Host.StatusAsync(id)).WaitingFor);
    }

    /// <summary>The search request for <paramref name="id"/> and <paramref name="attempt"/> on the queue (left there
    /// for the other tests).</summary>
    async Task<BiometricSearchOrder> OrderAsync(string id, int attempt)
    {
        QueueClient queue = Azurite.Queues.GetQueueClient(StorageNames.BiometricSearchesQueue);
        DateTime until = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            // Received with a one-second visibility timeout: the messages reappear for the other tests.
            QueueMessage[] messages = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(1))).Value;
            foreach (QueueMessage message in messages)
            {
                BiometricSearchOrder order = JsonSerializer.Deserialize<BiometricSearchOrder>(message.MessageText, JsonSerializerOptions.Web)!;
                if (order.ApplicationId == id && order.Attempt == attempt)
                {
                    return order;
                }
            }

            Assert.True(DateTime.UtcNow < until, $"no search request {attempt} for {id} on the queue");
            await Task.Delay(500);
        }
    }
}
