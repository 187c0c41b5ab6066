using CitizenWorkflows.Workflow.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace CitizenWorkflows.Workflow.Intake;

public static class IntakeServices
{
    /// <summary>
    /// Intake: the submission and resubmission endpoints, the idempotency ledger (table <c>idempotency</c>), the claims
    /// of citizens in flight (<c>citizenclaims</c>) and the document check.
    /// </summary>
    public static IServiceCollection AddIntake(this IServiceCollection services)
    {
        services.AddSingleton<VerifyDocuments>();
        services.AddSingleton<IdempotencyLedger>();
        services.AddSingleton<CitizenClaims>();
        services.AddSingleton<IntakeService>();
        services.AddSingleton<SubmitApplicationEndpoint>();
        services.AddSingleton<ResubmitPartsEndpoint>();
        services.AddTables(StorageNames.IdempotencyTable, CitizenClaims.TableName);
        return services;
    }
}
