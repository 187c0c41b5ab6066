namespace CitizenWorkflows.Workflow.Storage;

/// <summary>Where a stored document lives and how to check it is intact; the workflow carries this, never the bytes.</summary>
public sealed record DocumentReference(string Container, string BlobName, string ContentType, long Length, string Sha256);
