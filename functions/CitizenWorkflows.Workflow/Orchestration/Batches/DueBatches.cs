namespace CitizenWorkflows.Workflow.Orchestration.Batches;

/// <summary>One pass of every batch closer (print batches, then shipments): what the Functions timer and the Local
/// poller both run.</summary>
public sealed class DueBatches(IEnumerable<BatchCloser> closers)
{
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        foreach (BatchCloser closer in closers)
        {
            await closer.CloseDueBatchesAsync(cancellationToken);
        }
    }
}
