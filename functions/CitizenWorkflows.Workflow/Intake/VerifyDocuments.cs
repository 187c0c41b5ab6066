using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Workflow.Intake;

/// <summary>
/// Confirms that the documents intake stored are present and intact before anything else reads them (the first of the
/// checks the orchestration's <c>CheckApplication</c> activity runs).
/// </summary>
public sealed class VerifyDocuments(DocumentStore documents)
{
    public async Task<DocumentCheck> VerifyAsync(IReadOnlyList<DocumentReference> stored, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stored);
        long bytes = 0;
        foreach (DocumentReference document in stored)
        {
            try
            {
                bytes += (await documents.ReadVerifiedAsync(document, cancellationToken)).Length;
            }
            catch (DocumentIntegrityException e)
            {
                return new DocumentCheck(false, e.Message);
            }
            catch (Azure.RequestFailedException e) when (e.Status == 404)
            {
                return new DocumentCheck(false, $"{document.BlobName} is missing");
            }
        }

        return new DocumentCheck(true, $"{stored.Count} documents, {bytes} bytes, SHA-256 verified");
    }
}

public sealed record DocumentCheck(bool Intact, string Detail);
