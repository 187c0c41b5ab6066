using CitizenWorkflows.Workflow.Operations.Reconciliation;
using Microsoft.DurableTask.Client;

namespace CitizenWorkflows.Local.Operations;

/// <summary>
/// Takes the reconciliation runs operators ask for (<c>POST /api/v1/reconciliation/runs</c> answers 202 at once) and
/// runs them in the background, one after another, as soon as they are asked for; it also looks every 30 seconds for
/// requests another host recorded. The Functions app takes them at its reconciliation timer's next tick instead.
/// </summary>
public sealed partial class ReconciliationRequestRunner(Reconciler reconciler, DurableTaskClient client, ILogger<ReconciliationRequestRunner> log)
    : BackgroundService, IReconciliationRunSignal
{
    readonly SemaphoreSlim requested = new(0, 1);

    public void Requested()
    {
        try
        {
            requested.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: the next pass takes every queued request.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await requested.WaitAsync(TimeSpan.FromSeconds(30), stoppingToken);
            try
            {
                await reconciler.RunRequestedAsync(client, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(log, e);
            }
        }
    }

    public override void Dispose()
    {
        requested.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Taking requested reconciliation runs failed; the next pass retries")]
    static partial void LogFailed(ILogger logger, Exception exception);
}
