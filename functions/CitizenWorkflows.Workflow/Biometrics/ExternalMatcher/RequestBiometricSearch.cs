using System.Text.Json;
using Azure.Storage.Queues;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.DurableTask;

namespace CitizenWorkflows.Workflow.Biometrics.ExternalMatcher;

/// <summary>
/// A search request for the external matcher (ABIS): which application, which attempt, and where its fingerprint
/// records are stored (references with their SHA-256, no personal data). The ABIS answers with the
/// <c>biometric-result</c> event.
/// </summary>
public sealed record BiometricSearchOrder(string ApplicationId, int Attempt, IReadOnlyList<DocumentReference> Fingerprints);

/// <summary>Puts a search request on the <c>biometric-searches</c> queue the external matcher reads.</summary>
public sealed class RequestBiometricSearch(QueueServiceClient queues) : TaskActivity<BiometricSearchOrder, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, BiometricSearchOrder input)
    {
        ArgumentNullException.ThrowIfNull(input);
        QueueClient queue = queues.GetQueueClient(StorageNames.BiometricSearchesQueue);
        await queue.SendMessageAsync(JsonSerializer.Serialize(input, JsonSerializerOptions.Web), CancellationToken.None);
        return queue.Name;
    }
}

/// <summary>The external matcher's answer (the body of the biometric-result event).</summary>
/// <param name="Candidates">Earlier applicants the matcher found, strongest first; empty when none.</param>
/// <param name="ReportedBy">The authenticated matcher, filled in by the API.</param>
public sealed record BiometricResult(IReadOnlyList<MatcherCandidate> Candidates, string? Reference, string? ReportedBy);

/// <summary>One earlier application the external matcher found, with its score on the matcher's own scale.</summary>
public sealed record MatcherCandidate(string ApplicationId, double Score);
