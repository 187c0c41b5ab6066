namespace CitizenWorkflows.Workflow.Storage;

/// <summary>
/// Row keys of the tables that hold rows per application (projection, notification outbox and record, escalations,
/// re-drive attempts): every one begins with the application id, so no row key is shared by many rows. Azure Table
/// storage finds a row by PartitionKey + RowKey whatever the keys, but an emulator that looks rows up by RowKey
/// first (stock Azurite 3.37, see docs/design.md) scans every row sharing one: a constant row key made each point
/// read cost the whole table there.
/// </summary>
public static class ApplicationRowKey
{
    /// <summary>The row key of an application's only row in a table.</summary>
    public static string Of(string applicationId) => applicationId;

    /// <summary>The row key of one of an application's rows named <paramref name="part"/> (a kind, a stage).</summary>
    public static string Of(string applicationId, string part) => $"{applicationId}:{part}";

    /// <summary>The part an <see cref="Of(string, string)"/> key was made with.</summary>
    public static string PartOf(string rowKey)
    {
        ArgumentNullException.ThrowIfNull(rowKey);
        int colon = rowKey.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? rowKey : rowKey[(colon + 1)..];
    }
}
