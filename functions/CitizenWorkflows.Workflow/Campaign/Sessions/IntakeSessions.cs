using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Domain;

namespace CitizenWorkflows.Workflow.Campaign.Sessions;

/// <summary>The sessions and their slots in <see cref="CampaignTable"/>: created in one transaction, listed by province
/// and day in one partition query.</summary>
public sealed class IntakeSessions(TableServiceClient tables)
{
    internal TableClient Table => tables.GetTableClient(CampaignTable.TableName);

    /// <summary>Creates the session and its slots (one transaction), after indexing it by day for the sweep.</summary>
    public async Task<IntakeSession> CreateAsync(
        IntakeSessionKind kind, CampaignPlace place, DateOnly date, string? venue, IReadOnlyList<SessionSlot> slots, string createdBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(place);
        ArgumentNullException.ThrowIfNull(slots);
        string id = CampaignTable.NewSessionId(place.Province, date);
        string partition = CampaignTable.Partition(place.Province, date);
        DateTimeOffset endsAt = At(date, slots.Max(s => s.End));

        // Indexed first: a crash before the session's transaction leaves an index row the sweep drops, never a session it misses.
        await Table.AddEntityAsync(new TableEntity(CampaignTable.EndPartition(date), id) { ["SessionPartition"] = partition, ["EndsAt"] = endsAt }, cancellationToken);
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Add, new TableEntity(partition, CampaignTable.SessionRow(id))
            {
                ["Kind"] = kind.ToString(),
                ["Province"] = place.Province,
                ["District"] = place.District,
                ["Commune"] = place.Commune,
                ["Venue"] = venue,
                ["Hours"] = JsonSerializer.Serialize(slots.Select(s => new[] { s.Start.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture), s.End.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture) }), JsonSerializerOptions.Web),
                ["CreatedBy"] = createdBy,
                ["EndsAt"] = endsAt,
            }),
        };
        for (int i = 0; i < slots.Count; i++)
        {
            actions.Add(new(TableTransactionActionType.Add, new TableEntity(partition, CampaignTable.SlotRow(id, i + 1))
            {
                ["Capacity"] = slots[i].Capacity,
                ["Seats"] = SlotSeats.Empty(slots[i].Capacity).ToString(),
            }));
        }

        await Table.SubmitTransactionAsync(actions, cancellationToken);
        return (await GetAsync(id, cancellationToken))!;
    }

    /// <summary>The session with its slots' seats taken; null when there is none.</summary>
    public async Task<IntakeSession?> GetAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (!CampaignTable.TryPartitionOf(sessionId, out string partition, out string session) || session != sessionId)
        {
            return null;
        }

        string filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {partition} and ((RowKey eq {CampaignTable.SessionRow(sessionId)}) or (RowKey ge {"t|" + sessionId + "|"} and RowKey lt {"t|" + sessionId + "}"}))");
        return Read(await ToListAsync(Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))).SingleOrDefault();
    }

    /// <summary>The sessions of a province on a day (one partition query), optionally of one district or commune.</summary>
    public async Task<IReadOnlyList<IntakeSession>> ListAsync(string province, DateOnly date, string? district, string? commune, CancellationToken cancellationToken)
    {
        string filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {CampaignTable.Partition(province, date)} and RowKey ge {"s|"} and RowKey lt {"u"}");
        return [.. Read(await ToListAsync(Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken)))
            .Where(s => (district is null || s.Place.District == district) && (commune is null || s.Place.Commune == commune))];
    }

    /// <summary>
    /// Sets slots' capacities, each a conditional write of its slot row; a slot whose seats beyond the new capacity are
    /// taken is left as it is and named in the answer.
    /// </summary>
    public async Task<IReadOnlyList<int>> ChangeCapacitiesAsync(string sessionId, IReadOnlyList<SlotCapacity> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        CampaignTable.TryPartitionOf(sessionId, out string partition, out _);
        var refused = new List<int>();
        foreach (SlotCapacity change in changes)
        {
            while (true)
            {
                TableEntity row = (await Table.GetEntityAsync<TableEntity>(partition, CampaignTable.SlotRow(sessionId, change.Slot), cancellationToken: cancellationToken)).Value;
                SlotSeats seats = SlotSeats.Parse(row.GetString("Seats"));
                if (!seats.TryResize(change.Capacity, out SlotSeats resized))
                {
                    refused.Add(change.Slot);
                    break;
                }

                try
                {
                    await Table.UpdateEntityAsync(
                        new TableEntity(partition, row.RowKey) { ["Capacity"] = change.Capacity, ["Seats"] = resized.ToString() }, row.ETag, TableUpdateMode.Merge, cancellationToken);
                    break;
                }
                catch (RequestFailedException e) when (e.Status == 412)
                {
                    // A booking took a seat meanwhile: decide again on what is there now.
                }
            }
        }

        return refused;
    }

    /// <summary>The instant a session's day and hour (Vietnam time) fall on.</summary>
    public static DateTimeOffset At(DateOnly date, TimeOnly time) => new(date.ToDateTime(time), WorkingDayCalendar.VietnamOffset);

    internal static IEnumerable<IntakeSession> Read(IReadOnlyList<TableEntity> rows)
    {
        ILookup<string, TableEntity> slotsBySession = rows.Where(r => r.RowKey.StartsWith("t|", StringComparison.Ordinal))
            .ToLookup(r => r.RowKey.Split('|')[1], StringComparer.Ordinal);
        foreach (TableEntity row in rows.Where(r => r.RowKey.StartsWith("s|", StringComparison.Ordinal)))
        {
            string id = row.RowKey[2..];
            string[][] hours = JsonSerializer.Deserialize<string[][]>(row.GetString("Hours") ?? "[]", JsonSerializerOptions.Web) ?? [];
            var slots = slotsBySession[id].OrderBy(r => r.RowKey, StringComparer.Ordinal).Select((slot, i) =>
            {
                SlotSeats seats = SlotSeats.Parse(slot.GetString("Seats"));
                return new SlotView(i + 1, TimeOnly.Parse(hours[i][0], System.Globalization.CultureInfo.InvariantCulture),
                    TimeOnly.Parse(hours[i][1], System.Globalization.CultureInfo.InvariantCulture), seats.Capacity, seats.Taken);
            }).ToList();
            DateOnly date = DateOnly.ParseExact(id.Split('-')[1], "yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
            yield return new IntakeSession(
                id, Enum.Parse<IntakeSessionKind>(row.GetString("Kind")!), new CampaignPlace(row.GetString("Province")!, row.GetString("District"), row.GetString("Commune")),
                date, row.GetString("Venue"), slots, row.GetString("CreatedBy") ?? "", row.GetDateTimeOffset("EndsAt") ?? default);
        }
    }

    internal static async Task<IReadOnlyList<TableEntity>> ToListAsync(AsyncPageable<TableEntity> rows)
    {
        var list = new List<TableEntity>();
        await foreach (TableEntity row in rows)
        {
            list.Add(row);
        }

        return list;
    }
}

/// <summary>
/// A slot's seats as its row stores them: one entry per seat, the appointment holding it or empty. Taking the first
/// free seat and writing the row back with its ETag is what keeps a slot from being overbooked.
/// </summary>
public readonly record struct SlotSeats(IReadOnlyList<string> Holders)
{
    public int Capacity => Holders.Count;

    public int Taken => Holders.Count(h => h.Length > 0);

    public static SlotSeats Empty(int capacity) => new([.. Enumerable.Repeat("", capacity)]);

    public static SlotSeats Parse(string? stored) => new(string.IsNullOrEmpty(stored) ? [] : stored.Split(','));

    /// <summary>The first free seat (from 1), or null when the slot is full.</summary>
    public int? FirstFree()
    {
        for (int i = 0; i < Holders.Count; i++)
        {
            if (Holders[i].Length == 0)
            {
                return i + 1;
            }
        }

        return null;
    }

    public SlotSeats With(int seat, string holder)
    {
        string[] holders = [.. Holders];
        holders[seat - 1] = holder;
        return new(holders);
    }

    public int SeatOf(string appointmentId)
    {
        for (int i = 0; i < Holders.Count; i++)
        {
            if (Holders[i] == appointmentId)
            {
                return i + 1;
            }
        }

        return 0;
    }

    /// <summary>Grows or shrinks; false when a seat that would go is taken.</summary>
    public bool TryResize(int capacity, out SlotSeats resized)
    {
        resized = this;
        if (Holders.Skip(capacity).Any(h => h.Length > 0))
        {
            return false;
        }

        resized = new([.. Holders.Take(capacity), .. Enumerable.Repeat("", Math.Max(0, capacity - Holders.Count))]);
        return true;
    }

    public override string ToString() => string.Join(',', Holders);
}
