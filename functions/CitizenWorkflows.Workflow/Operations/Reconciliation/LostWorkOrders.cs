using System.Globalization;
using System.Text.RegularExpressions;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Production.PrintBatches;
using CitizenWorkflows.Workflow.Telemetry;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Workflow.Operations.Reconciliation;

/// <summary>How a re-drive went: not applicable (escalate instead), done, or refused with the reason.</summary>
public sealed record RedriveResult(bool Redriven, string? Outcome)
{
    public static readonly RedriveResult NotApplicable = new(false, null);
}

/// <summary>
/// Reconciliation's safe re-drive: an application waiting in <see cref="ApplicationStage.Printing"/> whose print order
/// is not in the print backlog lost it (a dispatch that never landed, a row deleted behind the system's back), so the
/// same order (same attempt) is sent again through <see cref="DispatchWorkOrder"/>. Partners answer by attempt, so a
/// duplicate order is harmless. At most <see cref="ReconciliationOptions.MaxRedriveAttempts"/> per application and
/// stage (<see cref="RedriveAttempts"/>); an order that is there but unanswered is escalated, not re-sent.
/// </summary>
public sealed partial class LostWorkOrders(
    RedriveAttempts attempts, PrintBacklog backlog, DispatchWorkOrder dispatch, IOptionsMonitor<PrintBatchOptions> batches,
    IOptionsMonitor<ReconciliationOptions> options)
{
    public async Task<RedriveResult> TryRedriveAsync(ApplicationTransition truth, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(truth);
        if (truth.Stage != ApplicationStage.Printing || !truth.WaitingFor.Contains(ApplicationEvents.CardPrinted)
            || OrderAttempt(truth.Detail) is not int attempt)
        {
            return RedriveResult.NotApplicable;
        }

        string id = truth.Header.ApplicationId;
        string centre = batches.CurrentValue.CentreFor(truth.Header.Province);
        if (await backlog.ContainsAsync(centre, id, attempt, cancellationToken))
        {
            return RedriveResult.NotApplicable; // The order is there: the print centre never answered.
        }

        int max = options.CurrentValue.MaxRedriveAttempts;
        if (!await attempts.TryCountAsync(id, truth.Stage.ToString(), max, cancellationToken))
        {
            return new RedriveResult(false, $"print order {attempt} lost again after {max} re-drives");
        }

        // The re-sent order carries the reconciliation run's trace context (the application's own is in its workflow's
        // history, not read here): the print centre's answer then joins the run that re-sent it.
        var order = new WorkOrder(id, WorkOrderKind.Print, attempt, truth.Header.Province, TraceParent: WorkflowTelemetry.CurrentTraceParent());
        string sentTo = await dispatch.SendAsync(order, cancellationToken);
        return new RedriveResult(true, $"print order {attempt} was not in the backlog; sent again to {sentTo}");
    }

    /// <summary>The attempt of the order the workflow waits on, from the detail <see cref="PartnerHandoff"/> records.</summary>
    public static int? OrderAttempt(string? detail)
    {
        Match m = detail is null ? Match.Empty : OrderDetail().Match(detail);
        return m.Success ? int.Parse(m.Groups["attempt"].ValueSpan, CultureInfo.InvariantCulture) : null;
    }

    [GeneratedRegex(@"^Print order (?<attempt>\d+) of \d+ sent|waiting for order (?<attempt>\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex OrderDetail();
}
