namespace CitizenWorkflows.Workflow.Storage;

/// <summary>Names of the containers, tables and queues the workflow owns (the task hub keeps its own).</summary>
public static class StorageNames
{
    public const string DocumentsContainer = "documents";
    public const string ApplicationsTable = "applications";
    public const string TimelineTable = "applicationtimeline";
    public const string PersonalNumbersTable = "personalnumbers";
    public const string IdempotencyTable = "idempotency";
    public const string PrintOrdersQueue = "print-orders";
    public const string CourierOrdersQueue = "courier-orders";
    public const string BiometricSearchesQueue = "biometric-searches";

    /// <summary>Append-only audit of operators' actions and document reads (<c>Operations/Audit/OperationsAudit</c>).</summary>
    public const string OperationsAuditTable = "operationsaudit";
}
