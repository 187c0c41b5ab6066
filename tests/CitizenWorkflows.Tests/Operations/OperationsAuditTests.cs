using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Operations;

namespace CitizenWorkflows.Tests.Operations;

/// <summary>The audit table on Azurite: entries come back in the order written, and counting sees only accepted actions.</summary>
public sealed class OperationsAuditTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Entries_read_back_oldest_first_and_only_accepted_ones_count()
    {
        await azurite.Tables.CreateTableIfNotExistsAsync(OperationsAudit.TableName);
        var audit = new OperationsAudit(azurite.Tables, TimeProvider.System);
        string id = Guid.NewGuid().ToString("N");
        DateTimeOffset t0 = DateTimeOffset.UtcNow;
        string first = await audit.AppendAsync(new AuditEntry(id, "officer-1", "operator", "redrive", "print centre fixed", "Failed", At: t0), CancellationToken.None);
        await audit.AppendAsync(new AuditEntry(id, "officer-2", "operator", "redrive", "again", "Delivered", Outcome: OperationsAudit.Refused, At: t0.AddSeconds(1)), CancellationToken.None);
        await audit.AppendAsync(new AuditEntry(id, "officer-1", "operator", "redrive", "second try", "Failed", "Printing", At: t0.AddSeconds(2)), CancellationToken.None);
        await audit.AppendAsync(new AuditEntry(Guid.NewGuid().ToString("N"), "officer-1", "operator", "redrive", "other application", "Failed"), CancellationToken.None);

        IReadOnlyList<AuditRecord> records = await audit.ListAsync(id, CancellationToken.None);

        Assert.Equal(["print centre fixed", "again", "second try"], records.Select(r => r.Reason));
        Assert.Equal(first, records[0].AuditId);
        Assert.Equal(("Failed", "Printing"), (records[2].StageBefore, records[2].StageAfter));
        Assert.Equal(2, await audit.CountAcceptedAsync(id, "redrive", CancellationToken.None));
    }
}
