using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Domain;

namespace CitizenWorkflows.Workflow.Operations.Query;

/// <summary>
/// The columns of a projection row that counters and index rows are keyed on, read once from the row as written
/// (or as it was before a write). <see cref="Entity"/> keeps every column for the index rows' copies.
/// </summary>
public sealed record ProjectedRow(
    string ApplicationId,
    string Stage,
    string Province,
    string? District,
    string? Commune,
    string KioskId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset DueAt,
    int Sequence,
    TableEntity Entity)
{
    /// <summary>The stage, or null when the row names a stage this version does not know (such a row is not counted).</summary>
    public ApplicationStage? KnownStage =>
        Enum.GetNames<ApplicationStage>().Contains(Stage, StringComparer.Ordinal) ? Enum.Parse<ApplicationStage>(Stage) : null;

    /// <summary>Reads a projection row; null when a key column is missing or unreadable (such a row is neither counted
    /// nor indexed).</summary>
    public static ProjectedRow? From(TableEntity row)
    {
        ArgumentNullException.ThrowIfNull(row);
        try
        {
            return row.GetString("Stage") is { } stage && row.GetString("Province") is { } province && row.GetString("KioskId") is { } kiosk
                && row.GetDateTimeOffset("CreatedAt") is { } created && row.GetDateTimeOffset("DueAt") is { } due
                ? new ProjectedRow(
                    row.PartitionKey, stage, province, row.GetString("District"), row.GetString("Commune"), kiosk,
                    created, row.GetDateTimeOffset("UpdatedAt") ?? created, due, row.GetInt32("Sequence") ?? 0, row)
                : null;
        }
        catch (InvalidOperationException)
        {
            return null; // a column of another type than the projection writes
        }
    }
}

/// <summary>Key parts for counter and index tables: a value kept readable, with anything a key may not hold escaped.</summary>
public static class IndexKeys
{
    /// <summary>Letters, digits, '_' and '.' as they are; every other byte as <c>~XX</c>; null or empty as <c>~</c>.</summary>
    public static string Part(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "~";
        }

        if (value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.'))
        {
            return value;
        }

        var text = new StringBuilder(value.Length + 8);
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            char c = (char)b;
            text.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' ? c.ToString() : "~" + b.ToString("X2", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    /// <summary>An instant as a fixed-width, order-preserving key part (UTC ticks).</summary>
    public static string Instant(DateTimeOffset at) => at.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);
}
