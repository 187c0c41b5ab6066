using System.Diagnostics;

namespace CitizenWorkflows.Workflow.Telemetry;

/// <summary>
/// The names the product's traces and metrics go out under. One trace per application: the kiosk's POST (ASP.NET
/// Core's server span) is the parent of the workflow's start, and DurableTask.Core opens every orchestration episode
/// and activity under the trace context stored with the start (see the Local runtime's client adapter; the Durable
/// extension does the same in Azure).
/// </summary>
public static class WorkflowTelemetry
{
    /// <summary>The product's own activity source and meter name.</summary>
    public const string Name = "CitizenWorkflows";

    /// <summary>DurableTask.Core's activity source: orchestration episodes, activities, timers, events.</summary>
    public const string DurableTaskSource = "DurableTask.Core";

    /// <summary>Every activity source a host exports.</summary>
    public static readonly IReadOnlyList<string> TraceSources = [Name, DurableTaskSource];

    /// <summary>The product's spans (intake acceptance, callbacks): application ids and kiosk ids as tags, never personal data.</summary>
    public static readonly ActivitySource Source = new(Name);

    /// <summary>The W3C <c>traceparent</c> of the span in progress, or null when none is recorded (no listener: nothing
    /// to carry).</summary>
    public static string? CurrentTraceParent() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;
}
