using Microsoft.Extensions.Logging;

namespace CitizenWorkflows.Workflow.Telemetry;

/// <summary>
/// Logging scopes that tie log lines to an application (and through the logging's activity tracking, to its trace):
/// ids only, never personal data (names, personal numbers, dates of birth stay out of logs).
/// </summary>
public static class LogScopes
{
    static readonly Func<ILogger, string, IDisposable?> ApplicationScope = LoggerMessage.DefineScope<string>("Application {ApplicationId}");
    static readonly Func<ILogger, string, IDisposable?> KioskScope = LoggerMessage.DefineScope<string>("Kiosk {KioskId}");

    /// <summary>A scope naming the application (<c>ApplicationId</c>) for every line logged inside it; none without an id.</summary>
    public static IDisposable? Application(ILogger logger, string? applicationId) =>
        applicationId is null ? null : ApplicationScope(logger, applicationId);

    /// <summary>A scope naming the kiosk (<c>KioskId</c>) a submission came from, before its application has an id.</summary>
    public static IDisposable? Kiosk(ILogger logger, string kioskId) => KioskScope(logger, kioskId);
}
