using System.Globalization;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Security;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.DurableTask.Client;

namespace CitizenWorkflows.Tests.Intake;

/// <summary>
/// What accepting a submission costs in storage requests (counted in the SDK pipeline on Azurite, the workflow's start
/// on the in-memory backend, which is the runtime's cost): the idempotency claim, the citizen's claim and one write per
/// document, nothing else; a copy of a submission already taken in costs no write at all.
/// </summary>
public sealed class IntakeRoundTripsTests(InMemoryWorkflowFixture workflow) : IClassFixture<InMemoryWorkflowFixture>
{
    static readonly Caller Kiosk = new("kiosk-round-trips", Roles.Kiosk, "079");

    static IntakeRequest Request(string key, int fingerprints)
    {
        ApplicationSubmission form = Samples.RenewalFormBy();
        form = form with { Capture = form.Capture! with { FingerprintsCapturedAt = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture) } };
        List<SubmittedPart> parts = Samples.Parts(form, [.. Samples.Fingerprints(identity: Random.Shared.Next(1_000_000), impressionSeed: 1)
            .Take(fingerprints)
            .Select(f => new SubmittedPart($"fingerprint-{f.Key:00}", null, null, f.Value))]);
        (ValidSubmission? valid, IReadOnlyList<FieldError> errors) = SubmissionRules.Validate(form, parts, DateTimeOffset.UtcNow);
        Assert.True(valid is not null, string.Join("; ", errors.Select(e => $"{e.Field} {e.Rule}")));
        return new IntakeRequest(Kiosk, key, IntakeService.DigestOf(parts), valid!);
    }

    /// <summary>
    /// Accepts the request and returns the storage operations of the moment. The workflow it starts runs in this process
    /// on other tables at once, so intake's requests are told apart by the tables and container intake writes.
    /// </summary>
    async Task<(IntakeResult Result, IntakeRequests Requests)> AcceptCountedAsync(IntakeRequest request)
    {
        StorageRequestCounter counter = workflow.Service<StorageRequestCounter>();
        IReadOnlyList<StorageOperationCount> before = counter.Operations();
        IntakeResult result = await workflow.Service<IntakeService>().AcceptAsync(request, workflow.Client, CancellationToken.None);
        IReadOnlyList<StorageOperationCount> operations = StorageOperationCount.Since(counter.Operations(), before);
        long Count(Func<string, bool> which) => operations.Where(o => which(o.Operation)).Sum(o => o.Requests);
        return (result, new IntakeRequests(
            Ledger: Count(o => o.EndsWith($" table {StorageNames.IdempotencyTable}", StringComparison.Ordinal) || o.Contains($" table {StorageNames.IdempotencyTable}(", StringComparison.Ordinal)),
            Claims: Count(o => o.EndsWith($" table {CitizenClaims.TableName}", StringComparison.Ordinal) || o.Contains($" table {CitizenClaims.TableName}(", StringComparison.Ordinal)),
            DocumentWrites: Count(o => o == $"PUT blob {StorageNames.DocumentsContainer}")));
    }

    sealed record IntakeRequests(long Ledger, long Claims, long DocumentWrites);

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public async Task A_submission_costs_a_ledger_write_a_claim_write_and_one_blob_per_document_and_starts_its_workflow(int fingerprints)
    {
        IntakeRequest request = Request(Guid.NewGuid().ToString(), fingerprints);
        // Warm-up of the tables' and container's existence checks, which a running host has done long before.
        await AcceptCountedAsync(Request(Guid.NewGuid().ToString(), 0));

        (IntakeResult result, IntakeRequests requests) = await AcceptCountedAsync(request);

        Assert.NotNull(result.Accepted);
        Assert.False(result.Replayed);
        Assert.NotNull(await workflow.Client.GetInstanceAsync(result.Accepted!.ApplicationId));
        int documents = request.Submission.Documents.Count;
        Assert.Equal(2 + fingerprints, documents);
        // The key's claim (its completion is the workflow's existence: no second write), the citizen's claim, a blob per part.
        Assert.Equal(new IntakeRequests(1, 1, documents), requests);
    }

    [Fact]
    public async Task A_copy_of_a_submission_taken_in_answers_with_its_application_and_writes_nothing()
    {
        IntakeRequest request = Request(Guid.NewGuid().ToString(), 0);
        (IntakeResult first, _) = await AcceptCountedAsync(request);

        (IntakeResult copy, IntakeRequests requests) = await AcceptCountedAsync(request);

        Assert.True(copy.Replayed);
        Assert.Equal(first.Accepted, copy.Accepted);
        // The insert that finds the key taken and the read of its row; the workflow's existence is the runtime's read.
        Assert.Equal(new IntakeRequests(2, 0, 0), requests);
    }
}
