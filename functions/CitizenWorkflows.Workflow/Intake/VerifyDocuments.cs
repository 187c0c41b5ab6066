using CitizenWorkflows.Workflow.Storage;
using Microsoft.DurableTask;

namespace CitizenWorkflows.Workflow.Intake;

/// <summary>Confirms that the documents intake stored are present and intact before anything else reads them.</summary>
public sealed class VerifyDocuments(DocumentStore documents) : TaskActivity<DocumentReference, DocumentCheck>
{
    public override async Task<DocumentCheck> RunAsync(TaskActivityContext context, DocumentReference input)
    {
        ArgumentNullException.ThrowIfNull(input);
        try
        {
            byte[] bytes = await documents.ReadVerifiedAsync(input, CancellationToken.None);
            return new DocumentCheck(true, $"{input.BlobName}: {bytes.Length} bytes, SHA-256 verified");
        }
        catch (DocumentIntegrityException e)
        {
            return new DocumentCheck(false, e.Message);
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            return new DocumentCheck(false, $"{input.BlobName} is missing");
        }
    }
}

public sealed record DocumentCheck(bool Intact, string Detail);
