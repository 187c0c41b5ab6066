using Azure;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Domain;

namespace CitizenWorkflows.Workflow.Registry;

/// <summary>
/// The population registry: one row per citizen in the <c>citizens</c> table, PartitionKey = the number's first six
/// digits (province, century/sex, birth year: spreads the load and keeps a batch within one partition), RowKey = the
/// personal number. An upsert replaces the whole row, so a field emptied in the source is emptied here too.
/// </summary>
public sealed class PopulationRegistry(TableServiceClient tables)
{
    public const string TableName = "citizens";

    /// <summary>Azure Table transactions hold at most 100 operations, all in one partition.</summary>
    public const int MaxBatchSize = 100;

    /// <summary>Transactions in flight at once during a batch load.</summary>
    const int MaxParallelTransactions = 8;

    TableClient Citizens => tables.GetTableClient(TableName);

    /// <summary>Creates the table if it is missing (idempotent).</summary>
    public async Task EnsureTableAsync(CancellationToken cancellationToken = default) =>
        await Citizens.CreateIfNotExistsAsync(cancellationToken);

    /// <summary>The citizen with this number, or null when the registry has no such person (or the text is no valid number).</summary>
    public async Task<CitizenRecord?> GetAsync(string personalNumber, CancellationToken cancellationToken = default)
    {
        if (!PersonalNumber.TryParse(personalNumber, out PersonalNumber number))
        {
            return null;
        }

        NullableResponse<TableEntity> row = await Citizens.GetEntityIfExistsAsync<TableEntity>(
            number.Prefix, number.Value, cancellationToken: cancellationToken);
        return row.HasValue ? FromEntity(row.Value!) : null;
    }

    public async Task<bool> ExistsAsync(string personalNumber, CancellationToken cancellationToken = default)
    {
        if (!PersonalNumber.TryParse(personalNumber, out PersonalNumber number))
        {
            return false;
        }

        NullableResponse<TableEntity> row = await Citizens.GetEntityIfExistsAsync<TableEntity>(
            number.Prefix, number.Value, select: ["RowKey"], cancellationToken: cancellationToken);
        return row.HasValue;
    }

    /// <summary>Inserts or replaces one citizen. Throws <see cref="ArgumentException"/> for a record that breaks a rule.</summary>
    public async Task UpsertAsync(CitizenRecord record, CancellationToken cancellationToken = default)
    {
        EnsureValid(record);
        await Citizens.UpsertEntityAsync(ToEntity(record), TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>
    /// Inserts or replaces many citizens: grouped by partition, in transactions of at most <see cref="MaxBatchSize"/>,
    /// several partitions in parallel. A number given twice keeps its last record. Every record is validated before
    /// anything is written. Returns the number of rows written. Transactions are atomic one by one, not together: after
    /// a failure some partitions are written and others not, and since upserts are idempotent the remedy is to run the
    /// same batch again. Sparse input (few citizens per partition) costs about one transaction per citizen; input sorted
    /// by personal number fills the transactions.
    /// </summary>
    public async Task<int> UpsertBatchAsync(IEnumerable<CitizenRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var latest = new Dictionary<string, CitizenRecord>(StringComparer.Ordinal);
        foreach (CitizenRecord record in records)
        {
            EnsureValid(record);
            latest[record.PersonalNumber] = record;
        }

        List<CitizenRecord[]> batches = [.. latest.Values
            .GroupBy(r => PartitionKeyOf(r.PersonalNumber), StringComparer.Ordinal)
            .SelectMany(partition => partition.Chunk(MaxBatchSize))];

        await Parallel.ForEachAsync(
            batches,
            new ParallelOptions { MaxDegreeOfParallelism = MaxParallelTransactions, CancellationToken = cancellationToken },
            async (batch, token) => await Citizens.SubmitTransactionAsync(
                batch.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(r))), token));
        return latest.Count;
    }

    /// <summary>Counts the rows (reads every key: an operator's tool, not for request paths). Optionally one partition only.</summary>
    public async Task<long> CountAsync(string? partitionKey = null, CancellationToken cancellationToken = default)
    {
        string? filter = partitionKey is null ? null : TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}");
        long count = 0;
        await foreach (Page<TableEntity> page in Citizens.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey"], cancellationToken)
            .AsPages())
        {
            count += page.Values.Count;
        }

        return count;
    }

    /// <summary>The partition a number lives in: its first six digits.</summary>
    public static string PartitionKeyOf(string personalNumber)
    {
        ArgumentNullException.ThrowIfNull(personalNumber);
        return personalNumber[..6];
    }

    static void EnsureValid(CitizenRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        IReadOnlyList<RecordViolation> violations = record.Validate();
        if (violations.Count > 0)
        {
            // Rules and fields only: the message of an exception may end up in a log, the person's data must not.
            throw new ArgumentException(
                "The citizen record breaks rules: " + string.Join(", ", violations.Select(v => $"{v.Field} {v.Rule}")), nameof(record));
        }
    }

    static TableEntity ToEntity(CitizenRecord r)
    {
        var entity = new TableEntity(PartitionKeyOf(r.PersonalNumber), r.PersonalNumber)
        {
            [nameof(CitizenRecord.FullName)] = r.FullName,
            [nameof(CitizenRecord.DateOfBirth)] = CitizenRecord.DateText(r.DateOfBirth),
            [nameof(CitizenRecord.Sex)] = CitizenRecord.SexText(r.Sex),
            [nameof(CitizenRecord.BirthProvinceCode)] = r.BirthProvinceCode,
            [nameof(CitizenRecord.NativePlace)] = r.NativePlace,
            [nameof(CitizenRecord.Ethnicity)] = r.Ethnicity,
            [nameof(CitizenRecord.Religion)] = r.Religion,
            [nameof(CitizenRecord.Nationality)] = r.Nationality,
            [nameof(CitizenRecord.PermanentResidence)] = r.PermanentResidence,
            [nameof(CitizenRecord.CurrentResidence)] = r.CurrentResidence,
            [nameof(CitizenRecord.FatherName)] = r.FatherName,
            [nameof(CitizenRecord.MotherName)] = r.MotherName,
            [nameof(CitizenRecord.HeadOfHousehold)] = r.HeadOfHousehold,
        };
        Optional(entity, nameof(CitizenRecord.SpouseName), r.SpouseName);
        Optional(entity, nameof(CitizenRecord.OldIdNumber), r.OldIdNumber);
        Optional(entity, nameof(CitizenRecord.BloodType), r.BloodType);
        return entity;
    }

    static void Optional(TableEntity entity, string name, string? value)
    {
        if (value is not null)
        {
            entity[name] = value;
        }
    }

    static CitizenRecord FromEntity(TableEntity e)
    {
        string Required(string name) => e.GetString(name)
            ?? throw new InvalidDataException($"Citizen row {e.PartitionKey} lacks {name}.");
        return new CitizenRecord(
            e.RowKey,
            Required(nameof(CitizenRecord.FullName)),
            CitizenRecord.TryParseDate(Required(nameof(CitizenRecord.DateOfBirth)), out DateOnly dob)
                ? dob
                : throw new InvalidDataException($"Citizen row {e.PartitionKey} has a malformed DateOfBirth."),
            CitizenRecord.TryParseSex(Required(nameof(CitizenRecord.Sex)), out Sex sex)
                ? sex
                : throw new InvalidDataException($"Citizen row {e.PartitionKey} has a malformed Sex."),
            Required(nameof(CitizenRecord.BirthProvinceCode)),
            Required(nameof(CitizenRecord.NativePlace)),
            Required(nameof(CitizenRecord.Ethnicity)),
            Required(nameof(CitizenRecord.Religion)),
            Required(nameof(CitizenRecord.Nationality)),
            Required(nameof(CitizenRecord.PermanentResidence)),
            Required(nameof(CitizenRecord.CurrentResidence)),
            Required(nameof(CitizenRecord.FatherName)),
            Required(nameof(CitizenRecord.MotherName)),
            e.GetString(nameof(CitizenRecord.SpouseName)),
            Required(nameof(CitizenRecord.HeadOfHousehold)),
            e.GetString(nameof(CitizenRecord.OldIdNumber)),
            e.GetString(nameof(CitizenRecord.BloodType)));
    }
}
