using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace CitizenWorkflows.Workflow.Storage;

/// <summary>
/// Application documents in Blob storage: per-application paths that hold no personal data, written once
/// (create-only) with their SHA-256, verified again whenever they are read.
/// </summary>
public sealed class DocumentStore(BlobServiceClient blobs)
{
    const string Sha256Metadata = "sha256";

    BlobContainerClient Container => blobs.GetBlobContainerClient(StorageNames.DocumentsContainer);

    public static string BlobNameFor(string applicationId, string document) => $"applications/{applicationId}/{document}";

    /// <summary>Stores a document; fails with <see cref="RequestFailedException"/> (409) if it already exists.</summary>
    public async Task<DocumentReference> StoreAsync(
        string applicationId, string document, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken)
    {
        string sha256 = Convert.ToHexStringLower(SHA256.HashData(content.Span));
        string name = BlobNameFor(applicationId, document);
        await Container.GetBlobClient(name).UploadAsync(
            BinaryData.FromBytes(content),
            new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
                Metadata = new Dictionary<string, string> { [Sha256Metadata] = sha256 },
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            },
            cancellationToken);
        return new DocumentReference(StorageNames.DocumentsContainer, name, contentType, content.Length, sha256);
    }

    /// <summary>
    /// Stores a document that a retried activity may write again with the same content: an existing blob with the
    /// same SHA-256 is the earlier write and is kept; one with different content is an integrity failure.
    /// </summary>
    public async Task<DocumentReference> StoreOnceAsync(
        string applicationId, string document, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken)
    {
        DocumentReference stored = await StoreFirstAsync(applicationId, document, content, contentType, cancellationToken);
        return stored.Sha256 == Convert.ToHexStringLower(SHA256.HashData(content.Span))
            ? stored with { ContentType = contentType }
            : throw new DocumentIntegrityException($"Document {stored.BlobName} already exists with different content.");
    }

    /// <summary>
    /// Stores a document unless one is already stored under the name, and returns whichever is stored: for content that
    /// legitimately differs between attempts (an ECDSA signature is randomised), the first write wins and a retry reuses it.
    /// </summary>
    public async Task<DocumentReference> StoreFirstAsync(
        string applicationId, string document, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken)
    {
        try
        {
            return await StoreAsync(applicationId, document, content, contentType, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            string name = BlobNameFor(applicationId, document);
            BlobProperties existing = await Container.GetBlobClient(name).GetPropertiesAsync(cancellationToken: cancellationToken);
            // A blob without its hash (not written by this store) matches no content.
            string sha256 = existing.Metadata.TryGetValue(Sha256Metadata, out string? recorded) ? recorded : "";
            return new DocumentReference(StorageNames.DocumentsContainer, name, existing.ContentType, existing.ContentLength, sha256);
        }
    }

    /// <summary>Reads a document and checks it against the hash recorded when it was stored.</summary>
    public async Task<byte[]> ReadVerifiedAsync(DocumentReference reference, CancellationToken cancellationToken)
    {
        BlobDownloadResult result = await blobs.GetBlobContainerClient(reference.Container)
            .GetBlobClient(reference.BlobName)
            .DownloadContentAsync(cancellationToken);
        byte[] bytes = result.Content.ToArray();
        string actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(actual, reference.Sha256, StringComparison.Ordinal))
        {
            throw new DocumentIntegrityException($"Document {reference.BlobName} does not match its recorded SHA-256.");
        }

        return bytes;
    }

    /// <summary>An application's stored documents (name without the application's prefix), in name order.</summary>
    public async Task<IReadOnlyList<StoredDocument>> ListAsync(string applicationId, CancellationToken cancellationToken)
    {
        string prefix = BlobNameFor(applicationId, "");
        var documents = new List<StoredDocument>();
        await foreach (BlobItem blob in Container.GetBlobsAsync(
            new GetBlobsOptions { Prefix = prefix, Traits = BlobTraits.Metadata }, cancellationToken))
        {
            documents.Add(new StoredDocument(
                blob.Name[prefix.Length..],
                blob.Properties.ContentType ?? "application/octet-stream",
                blob.Properties.ContentLength ?? 0,
                blob.Metadata.TryGetValue(Sha256Metadata, out string? sha256) ? sha256 : null));
        }

        return documents;
    }

    /// <summary>The reference of one stored document, or null when there is none by that name.</summary>
    public async Task<DocumentReference?> FindAsync(string applicationId, string document, CancellationToken cancellationToken)
    {
        string name = BlobNameFor(applicationId, document);
        try
        {
            BlobProperties properties = await Container.GetBlobClient(name).GetPropertiesAsync(cancellationToken: cancellationToken);
            string sha256 = properties.Metadata.TryGetValue(Sha256Metadata, out string? recorded) ? recorded : "";
            return new DocumentReference(StorageNames.DocumentsContainer, name, properties.ContentType, properties.ContentLength, sha256);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Removes a document written by a request that then failed, so nothing half-written stays behind.</summary>
    public Task DeleteAsync(DocumentReference reference, CancellationToken cancellationToken) =>
        blobs.GetBlobContainerClient(reference.Container).GetBlobClient(reference.BlobName)
            .DeleteIfExistsAsync(cancellationToken: cancellationToken);
}

/// <summary>A document as listed: its name within the application, type, size and the SHA-256 recorded when it was stored.</summary>
public sealed record StoredDocument(string Name, string ContentType, long Length, string? Sha256);

/// <summary>A stored document's bytes no longer match the hash recorded when it was written.</summary>
public sealed class DocumentIntegrityException(string message) : Exception(message);
