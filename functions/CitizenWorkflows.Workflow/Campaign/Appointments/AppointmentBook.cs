using Azure;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Campaign.Sessions;

namespace CitizenWorkflows.Workflow.Campaign.Appointments;

/// <summary>Why a booking was not made.</summary>
public enum BookingRefusal
{
    SlotFull,

    /// <summary>The citizen holds an appointment in this province on this day already.</summary>
    AlreadyBooked,
}

/// <summary>A booking made, or refused (with the appointment the citizen holds already, for <see
/// cref="BookingRefusal.AlreadyBooked"/>).</summary>
public sealed record BookingOutcome(Appointment? Appointment, BookingRefusal? Refusal, string? HeldAppointmentId = null);

/// <summary>
/// Appointments in <see cref="CampaignTable"/>. A booking is one table transaction in the session's partition: the
/// slot row's seats written back with the ETag they were read with, the appointment row and the citizen's row for the
/// day added. Two bookings racing for a seat cannot both commit (the loser's ETag no longer matches: 412, read again
/// and take the next free seat, or answer that the slot is full), so a slot is never overbooked however many book at once.
/// </summary>
public sealed class AppointmentBook(TableServiceClient tables, TimeProvider clock)
{
    /// <summary>Rounds of read-and-write one booking tries before giving up; each lost round means another booking got a seat.</summary>
    const int MaxAttempts = 200;

    TableClient Table => tables.GetTableClient(CampaignTable.TableName);

    /// <summary>Books the first free seat of <paramref name="slot"/>, or, with <paramref name="replacing"/>, moves that
    /// appointment there.</summary>
    public async Task<BookingOutcome> BookAsync(
        IntakeSession session, int slot, string citizenDigest, IReadOnlyList<PriorityReason> priority, string bookedBy, Appointment? replacing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(priority);
        CampaignTable.TryPartitionOf(session.SessionId, out string partition, out _);
        string slotRow = CampaignTable.SlotRow(session.SessionId, slot);
        string? oldPartition = null;
        if (replacing is not null)
        {
            CampaignTable.TryPartitionOf(replacing.AppointmentId, out string p, out _);
            oldPartition = p;
        }

        bool samePartition = oldPartition == partition;
        for (int attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            TableEntity slotEntity = (await Table.GetEntityAsync<TableEntity>(partition, slotRow, cancellationToken: cancellationToken)).Value;
            SlotSeats seats = SlotSeats.Parse(slotEntity.GetString("Seats"));
            if (seats.FirstFree() is not { } seat)
            {
                return new BookingOutcome(null, BookingRefusal.SlotFull);
            }

            string id = CampaignTable.NewAppointmentId(session.SessionId);
            SlotView view = session.Slots[slot - 1];
            var actions = new List<TableTransactionAction>();
            TableEntity appointment = new(partition, CampaignTable.AppointmentRow(id))
            {
                ["SessionId"] = session.SessionId,
                ["Slot"] = slot,
                ["QueueNumber"] = Appointment.QueueNumberOf(slot, seat),
                ["WindowStart"] = IntakeSessions.At(session.Date, view.Start),
                ["WindowEnd"] = IntakeSessions.At(session.Date, view.End),
                ["Status"] = nameof(AppointmentStatus.Booked),
                ["Priority"] = string.Join(',', priority.Distinct()),
                ["Province"] = session.Place.Province,
                ["District"] = session.Place.District,
                ["Commune"] = session.Place.Commune,
                ["CitizenDigest"] = citizenDigest,
                ["BookedBy"] = bookedBy,
                ["MovedFrom"] = replacing?.AppointmentId,
                ["UpdatedAt"] = clock.GetUtcNow(),
            };
            actions.Add(new(TableTransactionActionType.Add, appointment));
            if (samePartition)
            {
                // A move within the day and province: the old seat is freed in the same transaction.
                (TableEntity oldRow, TableEntity? oldSlot) = await ReadHeldAsync(partition, replacing!, cancellationToken);
                if (oldSlot is not null && oldSlot.RowKey == slotRow)
                {
                    seats = SlotSeats.Parse(oldSlot.GetString("Seats"));
                    int held = seats.SeatOf(replacing!.AppointmentId);
                    seats = held > 0 ? seats.With(held, "") : seats;
                    slotEntity = oldSlot;
                    if (seats.FirstFree() is not { } freed)
                    {
                        return new BookingOutcome(null, BookingRefusal.SlotFull);
                    }

                    seat = freed;
                    appointment["QueueNumber"] = Appointment.QueueNumberOf(slot, seat);
                }
                else if (oldSlot is not null)
                {
                    actions.Add(FreeSeat(oldSlot, replacing!.AppointmentId));
                }

                actions.Add(Ended(oldRow, AppointmentStatus.Moved, id));
                actions.Add(new(TableTransactionActionType.UpsertReplace, new TableEntity(partition, CampaignTable.CitizenRow(citizenDigest)) { ["AppointmentId"] = id }));
            }
            else
            {
                actions.Add(new(TableTransactionActionType.Add, new TableEntity(partition, CampaignTable.CitizenRow(citizenDigest)) { ["AppointmentId"] = id }));
            }

            actions.Insert(0, new(TableTransactionActionType.UpdateMerge,
                new TableEntity(partition, slotRow) { ["Seats"] = seats.With(seat, id).ToString() }, slotEntity.ETag));
            try
            {
                await Table.SubmitTransactionAsync(actions, cancellationToken);
            }
            catch (TableTransactionFailedException e) when (e.Status == 412)
            {
                continue; // another booking took a seat (or the old appointment changed): read again
            }
            catch (TableTransactionFailedException e) when (e.Status == 409)
            {
                NullableResponse<TableEntity> holder = await Table.GetEntityIfExistsAsync<TableEntity>(
                    partition, CampaignTable.CitizenRow(citizenDigest), cancellationToken: cancellationToken);
                if (holder.HasValue)
                {
                    return new BookingOutcome(null, BookingRefusal.AlreadyBooked, holder.Value!.GetString("AppointmentId"));
                }

                continue; // the id was taken (8 random hex digits met): draw another
            }

            if (replacing is not null && !samePartition)
            {
                await EndAsync(replacing, AppointmentStatus.Moved, id, cancellationToken);
            }

            return new BookingOutcome(await GetAsync(id, cancellationToken), null);
        }

        throw new InvalidOperationException($"Slot {slot} of session {session.SessionId}: no seat settled after {MaxAttempts} attempts.");
    }

    /// <summary>Moves a booked appointment to the first free seat of <paramref name="slot"/>: a new appointment, the
    /// old one <see cref="AppointmentStatus.Moved"/>.</summary>
    public async Task<BookingOutcome> MoveAsync(Appointment appointment, IntakeSession session, int slot, string movedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(appointment);
        CampaignTable.TryPartitionOf(appointment.AppointmentId, out string partition, out _);
        TableEntity row = (await Table.GetEntityAsync<TableEntity>(partition, CampaignTable.AppointmentRow(appointment.AppointmentId), cancellationToken: cancellationToken)).Value;
        return await BookAsync(session, slot, row.GetString("CitizenDigest") ?? "", appointment.Priority, movedBy, appointment, cancellationToken);
    }

    /// <summary>The appointment; null when there is none.</summary>
    public async Task<Appointment?> GetAsync(string appointmentId, CancellationToken cancellationToken)
    {
        if (!CampaignTable.TryPartitionOf(appointmentId, out string partition, out string session) || session == appointmentId)
        {
            return null;
        }

        NullableResponse<TableEntity> row = await Table.GetEntityIfExistsAsync<TableEntity>(partition, CampaignTable.AppointmentRow(appointmentId), cancellationToken: cancellationToken);
        return row.HasValue ? Read(row.Value!) : null;
    }

    /// <summary>Ends a booked appointment (cancelled, moved away, no-show): frees its seat and the citizen's day. False
    /// when it was not booked.</summary>
    public async Task<bool> EndAsync(Appointment appointment, AppointmentStatus status, string? movedTo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(appointment);
        CampaignTable.TryPartitionOf(appointment.AppointmentId, out string partition, out _);
        for (int attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            (TableEntity row, TableEntity? slot) = await ReadHeldAsync(partition, appointment, cancellationToken);
            if (row.GetString("Status") != nameof(AppointmentStatus.Booked))
            {
                return false;
            }

            var actions = new List<TableTransactionAction> { Ended(row, status, movedTo) };
            if (slot is not null)
            {
                actions.Add(FreeSeat(slot, appointment.AppointmentId));
            }

            NullableResponse<TableEntity> citizen = await Table.GetEntityIfExistsAsync<TableEntity>(
                partition, CampaignTable.CitizenRow(row.GetString("CitizenDigest") ?? ""), cancellationToken: cancellationToken);
            if (citizen.HasValue && citizen.Value!.GetString("AppointmentId") == appointment.AppointmentId)
            {
                actions.Add(new(TableTransactionActionType.Delete, citizen.Value, citizen.Value.ETag));
            }

            try
            {
                await Table.SubmitTransactionAsync(actions, cancellationToken);
                return true;
            }
            catch (TableTransactionFailedException e) when (e.Status is 412 or 404)
            {
                // A booking in the same slot or a check-in changed a row meanwhile: decide again.
            }
        }

        throw new InvalidOperationException($"Appointment {appointment.AppointmentId}: not settled after {MaxAttempts} attempts.");
    }

    /// <summary>
    /// Marks the appointment checked in by <paramref name="applicationId"/>; true also when it already was by the same
    /// application (a retried submission). False when it is not booked (or checked in by another application).
    /// </summary>
    public async Task<bool> CheckInAsync(string appointmentId, string applicationId, CancellationToken cancellationToken)
    {
        if (!CampaignTable.TryPartitionOf(appointmentId, out string partition, out _))
        {
            return false;
        }

        for (int attempt = 1; attempt <= 5; attempt++)
        {
            NullableResponse<TableEntity> found = await Table.GetEntityIfExistsAsync<TableEntity>(partition, CampaignTable.AppointmentRow(appointmentId), cancellationToken: cancellationToken);
            if (!found.HasValue)
            {
                return false;
            }

            TableEntity row = found.Value!;
            string? status = row.GetString("Status");
            if (status == nameof(AppointmentStatus.CheckedIn))
            {
                return row.GetString("ApplicationId") == applicationId;
            }

            if (status != nameof(AppointmentStatus.Booked))
            {
                return false;
            }

            try
            {
                await Table.UpdateEntityAsync(
                    new TableEntity(partition, row.RowKey)
                    {
                        ["Status"] = nameof(AppointmentStatus.CheckedIn),
                        ["ApplicationId"] = applicationId,
                        ["UpdatedAt"] = clock.GetUtcNow(),
                    },
                    row.ETag, TableUpdateMode.Merge, cancellationToken);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // Cancelled or released meanwhile: read again.
            }
        }

        return false;
    }

    /// <summary>The appointments of a session still waiting for their citizen (status Booked): one partition query.</summary>
    public async Task<IReadOnlyList<Appointment>> BookedAsync(string sessionId, CancellationToken cancellationToken)
    {
        CampaignTable.TryPartitionOf(sessionId, out string partition, out _);
        string prefix = CampaignTable.AppointmentRow(sessionId + "-");
        string filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {partition} and RowKey ge {prefix} and RowKey lt {prefix[..^1] + "."} and Status eq {nameof(AppointmentStatus.Booked)}");
        return [.. (await IntakeSessions.ToListAsync(Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))).Select(Read)];
    }

    async Task<(TableEntity Row, TableEntity? Slot)> ReadHeldAsync(string partition, Appointment appointment, CancellationToken cancellationToken)
    {
        TableEntity row = (await Table.GetEntityAsync<TableEntity>(partition, CampaignTable.AppointmentRow(appointment.AppointmentId), cancellationToken: cancellationToken)).Value;
        NullableResponse<TableEntity> slot = await Table.GetEntityIfExistsAsync<TableEntity>(
            partition, CampaignTable.SlotRow(appointment.SessionId, appointment.Slot), cancellationToken: cancellationToken);
        return (row, slot.HasValue && SlotSeats.Parse(slot.Value!.GetString("Seats")).SeatOf(appointment.AppointmentId) > 0 ? slot.Value : null);
    }

    static TableTransactionAction FreeSeat(TableEntity slot, string appointmentId)
    {
        SlotSeats seats = SlotSeats.Parse(slot.GetString("Seats"));
        return new(TableTransactionActionType.UpdateMerge,
            new TableEntity(slot.PartitionKey, slot.RowKey) { ["Seats"] = seats.With(seats.SeatOf(appointmentId), "").ToString() }, slot.ETag);
    }

    TableTransactionAction Ended(TableEntity row, AppointmentStatus status, string? movedTo) =>
        new(TableTransactionActionType.UpdateMerge,
            new TableEntity(row.PartitionKey, row.RowKey) { ["Status"] = status.ToString(), ["MovedTo"] = movedTo, ["UpdatedAt"] = clock.GetUtcNow() }, row.ETag);

    static Appointment Read(TableEntity row) => new(
        row.RowKey[2..],
        row.GetString("SessionId") ?? "",
        row.GetInt32("Slot") ?? 0,
        row.GetInt32("QueueNumber") ?? 0,
        row.GetDateTimeOffset("WindowStart") ?? default,
        row.GetDateTimeOffset("WindowEnd") ?? default,
        Enum.Parse<AppointmentStatus>(row.GetString("Status") ?? nameof(AppointmentStatus.Booked)),
        [.. (row.GetString("Priority") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Enum.Parse<PriorityReason>)],
        new CampaignPlace(row.GetString("Province") ?? "", row.GetString("District"), row.GetString("Commune")),
        row.GetString("BookedBy") ?? "",
        row.GetString("ApplicationId"),
        row.GetString("MovedFrom"),
        row.GetString("MovedTo"));
}
