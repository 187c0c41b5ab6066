using CitizenWorkflows.Workflow.Callbacks;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Security;
using Microsoft.Extensions.DependencyInjection;

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

    /// <summary>The print centre's answers, as the callback API accepts them.</summary>
    public static IServiceCollection AddCardPrintingCallbacks(this IServiceCollection services) => services.AddCallbackEvents(
        PartnerCallbacks.Event(ApplicationEvents.CardPrinted, failure: false, Roles.PrintCentre),
        PartnerCallbacks.Event(ApplicationEvents.CardPrintFailed, failure: true, Roles.PrintCentre));
}
