using CitizenWorkflows.Workflow.Storage;
using Microsoft.DurableTask;

namespace CitizenWorkflows.Workflow.Intake;

/// <summary>Confirms that the documents intake stored are present and intact before anything else reads them.</summary>
public sealed class VerifyDocuments(DocumentStore documents) : TaskActivity<IReadOnlyList<DocumentReference>, DocumentCheck>
{
    public override async Task<DocumentCheck> RunAsync(TaskActivityContext context, IReadOnlyList<DocumentReference> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        long bytes = 0;
        foreach (DocumentReference document in input)
        {
            try
            {
                bytes += (await documents.ReadVerifiedAsync(document, CancellationToken.None)).Length;
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

        return new DocumentCheck(true, $"{input.Count} documents, {bytes} bytes, SHA-256 verified");
    }
}

public sealed record DocumentCheck(bool Intact, string Detail);
