using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.DurableTask;

namespace CitizenWorkflows.Workflow.Intake;

/// <summary>
/// Confirms that the documents intake stored are present and intact before anything else reads them; first writes the
/// journal's opening entry (the application is listed for operators at once), which needs no activity of its own.
/// </summary>
public sealed class VerifyDocuments(DocumentStore documents, JournalWriter journal) : TaskActivity<DocumentsToVerify, DocumentCheck>
{
    public override async Task<DocumentCheck> RunAsync(TaskActivityContext context, DocumentsToVerify input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await journal.WriteAsync(input.Journal, CancellationToken.None);
        long bytes = 0;
        foreach (DocumentReference document in input.Documents)
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

        return new DocumentCheck(true, $"{input.Documents.Count} documents, {bytes} bytes, SHA-256 verified");
    }
}

public sealed record DocumentCheck(bool Intact, string Detail);

/// <summary>The documents to verify and the journal entries to write first.</summary>
public sealed record DocumentsToVerify(IReadOnlyList<DocumentReference> Documents, JournalEntries? Journal);
