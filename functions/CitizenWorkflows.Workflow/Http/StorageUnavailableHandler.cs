using System.Net.Sockets;
using Azure;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace CitizenWorkflows.Workflow.Http;

/// <summary>
/// An API call that failed because storage could not be reached (an outage or a restart of the emulator, after the
/// Azure SDK's own retries) answers 503 <c>storage-unavailable</c> with <c>Retry-After</c>, so a kiosk or partner
/// retries with the same idempotency key; any other unhandled error stays the framework's 500 problem.
/// </summary>
public sealed partial class StorageUnavailableHandler(ILogger<StorageUnavailableHandler> log) : IExceptionHandler
{
    /// <summary>Seconds a caller is asked to wait: the emulator restarts in a few seconds, a storage account recovers in more.</summary>
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (!IsStorageUnreachable(exception))
        {
            return false;
        }

        LogUnavailable(log, httpContext.Request.Path, exception.GetType().Name);
        await AnswerAsync(httpContext);
        return true;
    }

    /// <summary>
    /// Writes the 503 answer (the Functions app's middleware calls this too); the framework's problem result goes through
    /// the host's problem-details service when it has one.
    /// </summary>
    public static async Task AnswerAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Type = Problems.TypePrefix + "storage-unavailable",
            Title = "Storage is unavailable",
            Detail = $"The request could not reach storage; retry after {RetryAfterSeconds} s (a submission with the same idempotency key).",
        };
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Results.Problem(problem).ExecuteAsync(httpContext);
    }

    /// <summary>No answer from storage: refused or reset connections and timeouts, possibly wrapped by the SDK's retries.</summary>
    public static bool IsStorageUnreachable(Exception exception) => exception switch
    {
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsStorageUnreachable),
        RequestFailedException { Status: 0 } failed => failed.InnerException is null || IsStorageUnreachable(failed.InnerException),
        HttpRequestException or SocketException or TimeoutException => true,
        IOException { InnerException: SocketException } => true,
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path} answered 503: storage could not be reached ({Exception})")]
    static partial void LogUnavailable(ILogger logger, PathString path, string exception);
}
