using System.Net;
using System.Net.Http.Headers;
using Azure.Data.Tables;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Kiosks;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Tests.Intake;

/// <summary>
/// A retry never creates a second application: the same Idempotency-Key gets the first answer, a reused key with
/// other content is refused, and fifty simultaneous copies of one submission make one application.
/// </summary>
public sealed class IdempotencyTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    const string TaskHub = "IdempotencyHub";
    LocalHostProcess host = null!;
    Kiosk kiosk = null!;

    public async Task InitializeAsync()
    {
        host = await LocalHostProcess.StartAsync(azurite, TaskHub);
        kiosk = await LocalHostProcess.RegisterKioskAsync(azurite, LocalHostProcess.KioskId, "079");
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task A_retry_with_the_same_key_gets_the_first_answer()
    {
        using HttpClient signed = host.SignedClient(kiosk);
        ApplicationUpload upload = Samples.RenewalBy();
        SubmissionAccepted first = await Api.SubmitAsync(signed, upload, "retry-key-1");
        SubmissionAccepted second = await Api.SubmitAsync(signed, upload, "retry-key-1");
        Assert.Equal(first, second);
        Assert.Equal(1, await InstancesOfAsync(first.ApplicationId));
    }

    [Fact]
    public async Task The_same_key_with_different_content_is_refused()
    {
        using HttpClient signed = host.SignedClient(kiosk);
        Applicant person = Samples.NextApplicant();
        SubmissionAccepted first = await Api.SubmitAsync(signed, Samples.RenewalBy(person), "reused-key");
        // A family name Samples.NextApplicant never gives, so the content surely differs.
        ApplicationUpload other = Samples.RenewalBy(person, a => a with { FullName = "Tôn Nữ Thị Hoa" });
        using HttpResponseMessage response = await signed.SubmitApplicationAsync(other, "reused-key");
        var problem = await Api.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        Assert.Contains(first.ApplicationId, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, await BlobsOfAsync(first.ApplicationId));
    }

    [Fact]
    public async Task Fifty_simultaneous_copies_make_one_application_and_one_set_of_documents()
    {
        ApplicationUpload upload = Samples.RenewalBy();
        var clients = Enumerable.Range(0, 50).Select(_ => host.SignedClient(kiosk)).ToList();
        try
        {
            using var start = new SemaphoreSlim(0);
            Task<SubmissionAccepted>[] submissions = [.. clients.Select(async c =>
            {
                await start.WaitAsync();
                return await Api.SubmitAsync(c, upload, "concurrent-key");
            })];
            start.Release(submissions.Length);
            SubmissionAccepted[] answers = await Task.WhenAll(submissions);

            string id = Assert.Single(answers.Select(a => a.ApplicationId).Distinct());
            Assert.Equal(1, await InstancesOfAsync(id));
            Assert.Equal(2, await BlobsOfAsync(id));
            await host.WaitForAsync(id, s => s.Stage >= Workflow.Domain.ApplicationStage.BiometricCheck);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task A_replayed_signed_request_is_refused()
    {
        using MultipartFormDataContent content = Samples.RenewalBy().ToContent();
        byte[] body = await content.ReadAsByteArrayAsync();
        string contentType = content.Headers.ContentType!.ToString();
        long timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string nonce = KioskSignature.NewNonce();
        string signature = KioskSignature.Compute(kiosk.Secret, "POST", "/api/v1/applications", timestamp, nonce, body);

        HttpRequestMessage Request()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/applications", UriKind.Relative)) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            request.Headers.Add(KioskSignature.KioskIdHeader, kiosk.Id);
            request.Headers.Add(KioskSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add(KioskSignature.NonceHeader, nonce);
            request.Headers.Add(KioskSignature.SignatureHeader, signature);
            request.Headers.Add(ApplicationUpload.IdempotencyKeyHeader, "replay-key");
            return request;
        }

        using HttpClient plain = host.Client(null);
        using (HttpRequestMessage original = Request())
        using (HttpResponseMessage accepted = await plain.SendAsync(original))
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        using HttpRequestMessage replay = Request();
        using HttpResponseMessage refused = await plain.SendAsync(replay);
        await Api.AssertProblemAsync(refused, HttpStatusCode.Unauthorized, "kiosk-signature-replayed");
    }

    async Task<int> InstancesOfAsync(string id) =>
        (await AsyncItems.AllAsync(azurite.Tables.GetTableClient(TaskHub + "Instances").QueryAsync<TableEntity>(e => e.PartitionKey == id))).Count;

    async Task<int> BlobsOfAsync(string id) =>
        (await AsyncItems.AllAsync(azurite.Blobs.GetBlobContainerClient(StorageNames.DocumentsContainer).GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"applications/{id}/", CancellationToken.None))).Count;
}
