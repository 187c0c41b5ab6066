using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Operations.Audit;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Tests.Operations;

/// <summary>The audit table on Azurite: entries read back oldest first, a fixed id is taken once, only accepted actions count.</summary>
public sealed class OperationsAuditTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Entries_read_back_oldest_first_a_fixed_id_is_taken_once_and_only_accepted_ones_count()
    {
        await azurite.Tables.CreateTableIfNotExistsAsync(StorageNames.OperationsAuditTable);
        var audit = new OperationsAudit(azurite.Tables, TimeProvider.System);
        string id = Guid.NewGuid().ToString("N");
        AuditEntry first = await audit.AppendAsync(id, new AuditRecord("officer-1", "operator", "suspend", "under investigation", "Printing", "Suspended"), CancellationToken.None);
        AuditEntry? redrive = await audit.AppendOnceAsync(id, "redrive-1", new AuditRecord("officer-1", "operator", "redrive", "print centre fixed", "Failed", "Personalised"), CancellationToken.None);
        AuditEntry? twice = await audit.AppendOnceAsync(id, "redrive-1", new AuditRecord("reconciliation", "operator", "redrive", "stuck", "Failed", "Personalised"), CancellationToken.None);
        await audit.AppendAsync(id, new AuditRecord("officer-2", "operator", "redrive", "again", "Delivered", null, "409 wrong-stage", OperationsAudit.Refused), CancellationToken.None);
        await audit.AppendAsync(Guid.NewGuid().ToString("N"), new AuditRecord("officer-1", "operator", "redrive", "other application", "Failed", null), CancellationToken.None);

        IReadOnlyList<AuditEntry> entries = await audit.ListAsync(id, CancellationToken.None);

        Assert.NotNull(redrive);
        Assert.Null(twice);
        Assert.Equal(["under investigation", "print centre fixed", "again"], entries.Select(e => e.Record.Reason ?? ""));
        Assert.Equal([first.AuditId, "redrive-1"], entries.Take(2).Select(e => e.AuditId));
        Assert.Equal((OperationsAudit.Accepted, OperationsAudit.Refused), (entries[1].Record.Outcome, entries[2].Record.Outcome));
        Assert.Equal(1, await audit.CountAcceptedAsync(id, "redrive", CancellationToken.None));
    }
}
