using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace CitizenWorkflows.Workflow.Storage;

/// <summary>
/// A sweep's small JSON state in one blob (a cursor, a recount's tallies), read with its ETag and written only if no one
/// wrote it since: two runs resuming the same state cannot both move it on, the second one's write fails instead.
/// </summary>
public sealed class BlobState<T>(BlobClient blob)
    where T : class, new()
{
    /// <summary>The stored state and its ETag; a new <typeparamref name="T"/> and null when there is none yet.</summary>
    public async Task<(T State, ETag? ETag)> LoadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var content = await blob.DownloadContentAsync(cancellationToken);
            return (content.Value.Content.ToObjectFromJson<T>(JsonSerializerOptions.Web) ?? new T(), content.Value.Details.ETag);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return (new T(), null);
        }
    }

    /// <summary>Writes <paramref name="state"/> if the blob still has <paramref name="etag"/> (null: if it does not exist).</summary>
    public async Task SaveAsync(T state, ETag? etag, CancellationToken cancellationToken)
    {
        var conditions = etag is { } e ? new BlobRequestConditions { IfMatch = e } : new BlobRequestConditions { IfNoneMatch = ETag.All };
        await blob.UploadAsync(BinaryData.FromObjectAsJson(state, JsonSerializerOptions.Web), new BlobUploadOptions { Conditions = conditions }, cancellationToken);
    }

    public async Task DeleteAsync(CancellationToken cancellationToken) =>
        await blob.DeleteIfExistsAsync(cancellationToken: cancellationToken);
}
