using System.Text.Json;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Operations.Audit;
using CitizenWorkflows.Workflow.Operations.History;
using CitizenWorkflows.Workflow.Security;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace CitizenWorkflows.Workflow.Operations.Query;

/// <summary>
/// The operators' read side: <c>GET /api/v1/applications</c> (filtered, paged list), <c>GET /api/v1/application-counts</c>,
/// <c>GET /api/v1/applications/{id}/detail</c> (projection, timeline, runtime status, stored history, documents) and
/// <c>GET /api/v1/applications/{id}/documents/{name}</c> (the bytes, each read written to the audit table).
/// </summary>
public sealed partial class ApplicationQueryEndpoints(
    ApplicationSearch search,
    ApplicationProjection projection,
    DocumentStore documents,
    OperationsAudit audit,
    ILogger<ApplicationQueryEndpoints> log)
{
    /// <summary>The audit action of a document download.</summary>
    public const string DocumentDownloadAction = "document-download";

    public async Task<IResult> ListAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ApplicationFilter.Unknown(request.Query, ApplicationFilter.ListParameters) is { Count: > 0 } unknown)
        {
            return Problems.UnknownParameters(unknown, ApplicationFilter.ListParameters);
        }

        var errors = new List<FieldError>();
        // Reads are area-scoped: an area-bound officer's search covers their area only (docs/design.md, Security and data).
        ApplicationFilter filter = ApplicationFilter.Parse(request.Query, errors) with { Scope = OfficerScope.Of(CallerClaims.Of(request)) };
        int pageSize = ApplicationFilter.ParsePageSize(request.Query, errors);
        ContinuationToken? continuation = null;
        if (request.Query.TryGetValue("continuation", out var tokens))
        {
            continuation = tokens.Count == 1 ? ContinuationToken.Decode(tokens[0] ?? "") : null;
            if (continuation is null)
            {
                errors.Add(new FieldError("continuation", "continuation.valid", "continuation is not a token this API issued; pass back the value of a previous page's 'continuation'."));
            }
            else if (errors.Count == 0 && continuation.FilterFingerprint != filter.Fingerprint())
            {
                errors.Add(new FieldError("continuation", "continuation.same-filter", "This continuation belongs to a search with other filters; repeat that search's filters or start again without it."));
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        ApplicationPage page = await search.ListAsync(filter, pageSize, continuation, cancellationToken);
        return Results.Json(page, JsonSerializerOptions.Web);
    }

    public async Task<IResult> CountAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ApplicationFilter.Unknown(request.Query, ApplicationFilter.CountParameters) is { Count: > 0 } unknown)
        {
            return Problems.UnknownParameters(unknown, ApplicationFilter.CountParameters);
        }

        var errors = new List<FieldError>();
        // Reads are area-scoped: an area-bound officer's search covers their area only (docs/design.md, Security and data).
        ApplicationFilter filter = ApplicationFilter.Parse(request.Query, errors) with { Scope = OfficerScope.Of(CallerClaims.Of(request)) };
        if (errors.Count == 0)
        {
            errors.AddRange(filter.NotCounted());
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        return Results.Json(await search.CountAsync(filter, cancellationToken), JsonSerializerOptions.Web);
    }

    public async Task<IResult> DetailAsync(HttpRequest request, DurableTaskClient client, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (!ApplicationIds.IsWellFormed(id))
        {
            return GetApplicationEndpoint.NotFound(id);
        }

        // Independent reads, in parallel: the projection, the runtime's status, the stored history, the documents.
        Task<ApplicationView?> viewTask = projection.GetAsync(id, cancellationToken);
        Task<OrchestrationMetadata?> instanceTask = client.GetInstanceAsync(id, getInputsAndOutputs: false, cancellationToken);
        Task<HistoryReading> historyTask = ReadHistoryAsync(client, id, cancellationToken);
        Task<IReadOnlyList<StoredDocument>> documentsTask = documents.ListAsync(id, cancellationToken);
        ApplicationView? view = await viewTask;
        OrchestrationMetadata? instance = await instanceTask;
        if (view is null)
        {
            // Not yet projected (it lags by one activity) or unknown: the status endpoint covers the first case.
            await Task.WhenAll(historyTask, documentsTask);
            return GetApplicationEndpoint.NotFound(id);
        }

        if (instance?.RuntimeStatus == OrchestrationRuntimeStatus.Failed)
        {
            // Failure details travel with the outputs only.
            instance = await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken);
        }

        HistoryReading reading = await historyTask;
        if (instance is null && view.Stage.IsFinal() && reading.Events is { Count: 0 })
        {
            reading = HistoryReading.NotAvailable(
                "The workflow completed and its runtime state was purged after the retention period (Reconciliation:Housekeeping:CompletedWorkflowRetention); the timeline is the record.");
        }

        return Results.Json(
            new ApplicationDetail(
                view,
                view.Timeline,
                instance is null ? null : new RuntimeStatus(
                    instance.RuntimeStatus.ToString(), instance.CreatedAt, instance.LastUpdatedAt, instance.FailureDetails?.ErrorMessage),
                reading.Events,
                reading.Unavailable,
                [.. (await documentsTask).Select(d => new DocumentLink(
                    d.Name, d.ContentType, d.Length, d.Sha256, $"/{ApiRoutes.Prefix}/v1/applications/{id}/documents/{Uri.EscapeDataString(d.Name)}"))]),
            JsonSerializerOptions.Web);
    }

    public async Task<IResult> DocumentAsync(HttpRequest request, string id, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Caller caller = CallerClaims.Of(request);

        // Names are the store's own (portrait, document-1, card.json, ...): nothing that could leave the application's folder.
        DocumentReference? reference = ApplicationIds.IsWellFormed(id) && IsDocumentName(name)
            ? await documents.FindAsync(id, name, cancellationToken)
            : null;
        if (reference is null)
        {
            return Problems.Status(StatusCodes.Status404NotFound, "not-found", "No such document",
                $"Application '{id}' has no document '{name}'.");
        }

        byte[] bytes;
        try
        {
            bytes = await documents.ReadVerifiedAsync(reference, cancellationToken);
        }
        catch (DocumentIntegrityException)
        {
            QueryLog.DocumentCorrupt(log, id, name);
            return Problems.Status(StatusCodes.Status500InternalServerError, "document-integrity", "Document failed its integrity check",
                $"Document '{name}' of application '{id}' does not match the SHA-256 recorded when it was stored; it is not served.");
        }

        // Audited before a byte leaves: if the audit cannot be written, the document is not served.
        string auditId = (await audit.AppendAsync(
            id,
            new AuditRecord(caller.Principal, caller.Role, DocumentDownloadAction, Reason: null, StageBefore: null, StageAfter: null, Detail: $"{name} sha256:{reference.Sha256}", ActorName: caller.Name),
            cancellationToken)).AuditId;
        QueryLog.DocumentRead(log, id, name, caller.Role, auditId);
        request.HttpContext.Response.Headers.CacheControl = "no-store";
        request.HttpContext.Response.Headers.XContentTypeOptions = "nosniff";
        request.HttpContext.Response.Headers["X-Audit-Id"] = auditId;
        return Results.File(bytes, reference.ContentType, fileDownloadName: name);
    }

    async Task<HistoryReading> ReadHistoryAsync(DurableTaskClient client, string id, CancellationToken cancellationToken)
    {
        try
        {
            return await OrchestrationHistory.ReadAsync(client, id, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The detail is still worth showing without the history; say why it is missing.
            QueryLog.HistoryFailed(log, id, e.GetType().Name);
            return HistoryReading.NotAvailable($"The orchestration service's history could not be read ({e.GetType().Name}).");
        }
    }

    static bool IsDocumentName(string name) =>
        name.Length is > 0 and <= 64 && name[0] != '.' && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.' or '_');

    static partial class QueryLog
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Document {Document} of application {ApplicationId} read by a {Role} (audit {AuditId})")]
        public static partial void DocumentRead(ILogger logger, string applicationId, string document, string role, string auditId);

        [LoggerMessage(Level = LogLevel.Error, Message = "Document {Document} of application {ApplicationId} does not match its recorded SHA-256")]
        public static partial void DocumentCorrupt(ILogger logger, string applicationId, string document);

        [LoggerMessage(Level = LogLevel.Warning, Message = "History of application {ApplicationId} could not be read: {Error}")]
        public static partial void HistoryFailed(ILogger logger, string applicationId, string error);
    }
}

/// <summary>The body of the detail answer.</summary>
/// <param name="History">The orchestration's stored history (latest execution), or null with <paramref
/// name="HistoryUnavailable"/> saying why.</param>
public sealed record ApplicationDetail(
    ApplicationSummary Application,
    IReadOnlyList<TimelineEntry> Timeline,
    RuntimeStatus? Runtime,
    IReadOnlyList<HistoryItem>? History,
    string? HistoryUnavailable,
    IReadOnlyList<DocumentLink> Documents);

/// <summary>The orchestration's own status (null in the detail when the orchestration service has no such instance).</summary>
public sealed record RuntimeStatus(string Status, DateTimeOffset CreatedAt, DateTimeOffset LastUpdatedAt, string? Failure);

/// <summary>A stored document and where to download it through the API.</summary>
public sealed record DocumentLink(string Name, string ContentType, long Length, string? Sha256, string Href);
