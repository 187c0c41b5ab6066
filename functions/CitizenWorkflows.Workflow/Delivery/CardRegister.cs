using System.Globalization;
using Azure;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CitizenWorkflows.Workflow.Delivery;

/// <summary>A card handed over: whose, which card, when and to whom, and who confirmed it.</summary>
/// <param name="Recipient">As the courier or officer reported it; may be absent.</param>
public sealed record CardHandover(
    string ApplicationId, string PersonalNumber, DateOnly IssueDate, DateOnly? ExpiryDate, DateTimeOffset HandedOverAt, string? Recipient, string? ConfirmedBy);

/// <summary>
/// Every card handed over, in table <c>cardregister</c> (PartitionKey = personal number, RowKey = the application that
/// issued it). A card handed over makes the holder's earlier cards <c>Cancelled</c>: after a renewal or reissue only
/// the newest card is valid.
/// </summary>
public sealed class CardRegister(TableServiceClient tables)
{
    public const string TableName = "cardregister";
    public const string Active = "Active";
    public const string Cancelled = "Cancelled";

    TableClient Cards => tables.GetTableClient(TableName);


    /// <summary>Records the handover (idempotent) and cancels the holder's other active cards; returns how many it cancelled.</summary>
    public async Task<int> RecordAsync(CardHandover handover, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handover);
        await Cards.UpsertEntityAsync(
            new TableEntity(handover.PersonalNumber, handover.ApplicationId)
            {
                ["Status"] = Active,
                ["IssueDate"] = handover.IssueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["ExpiryDate"] = handover.ExpiryDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["HandedOverAt"] = handover.HandedOverAt,
                ["Recipient"] = handover.Recipient,
                ["ConfirmedBy"] = handover.ConfirmedBy,
            },
            TableUpdateMode.Replace,
            cancellationToken);

        int cancelled = 0;
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {handover.PersonalNumber} and Status eq {Active}");
        await foreach (TableEntity earlier in Cards.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (earlier.RowKey == handover.ApplicationId || earlier.GetDateTimeOffset("HandedOverAt") > handover.HandedOverAt)
            {
                continue; // this card, or a newer one handed over meanwhile
            }

            try
            {
                await Cards.UpdateEntityAsync(
                    new TableEntity(earlier.PartitionKey, earlier.RowKey) { ["Status"] = Cancelled, ["CancelledBy"] = handover.ApplicationId },
                    earlier.ETag, TableUpdateMode.Merge, cancellationToken);
                cancelled++;
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // Changed since read (cancelled by a concurrent handover): nothing to do.
            }
        }

        return cancelled;
    }
}

/// <summary>Records a handed-over card in the card register, cancelling the holder's earlier cards.</summary>
/// <summary>
/// The delivered application's last step, in one activity: writes the journal's final entries (Delivered), records the
/// handover in the card register, then releases the citizen's claim (the citizen may apply again).
/// </summary>
public sealed class RecordHandover(CardRegister register, JournalWriter journal, CitizenClaims claims) : TaskActivity<HandoverRecording, int>
{
    public override async Task<int> RunAsync(TaskActivityContext context, HandoverRecording input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await journal.WriteAsync(input.Journal, CancellationToken.None);
        int cancelled = await register.RecordAsync(input.Handover, CancellationToken.None);
        await claims.ReleaseApplicationAsync(input.Claim, CancellationToken.None);
        return cancelled;
    }
}

/// <summary>A handover to record, the journal entries (the delivery) to write first and the claim to release after.</summary>
public sealed record HandoverRecording(CardHandover Handover, JournalEntries? Journal, ClaimRelease Claim);

public static class CardRegisterServices
{
    public static IServiceCollection AddCardRegister(this IServiceCollection services)
    {
        services.TryAddSingleton<CardRegister>();
        services.AddTables(CardRegister.TableName);
        return services;
    }
}
