using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Orchestration;

namespace CitizenWorkflows.Workflow.Production;

/// <summary>Printing: the print centre prints the personalised card and calls back card-printed or card-print-failed.</summary>
public static class CardPrinting
{
    public static readonly PartnerHandoff Handoff = new(
        WorkOrderKind.Print,
        "print centre",
        ApplicationStage.Printing,
        ApplicationStage.Printed,
        ApplicationEvents.CardPrinted,
        ApplicationEvents.CardPrintFailed);
}
