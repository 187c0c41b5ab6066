using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Campaign;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Notifications;
using CitizenWorkflows.Workflow.Security;

namespace CitizenWorkflows.Tests.Campaign;

/// <summary>
/// Intake sessions and appointments end to end on Azurite over HTTP: a slot is never overbooked under 200 concurrent
/// bookings, a booking is moved and cancelled (seats freed, citizens told once per kind), no-shows are released after
/// the session's end, and an officer outside the session's area is refused.
/// </summary>
public sealed class AppointmentBookingTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    LocalHostProcess host = null!;
    HttpClient provinceOfficer = null!;

    static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow.Add(WorkingDayCalendar.VietnamOffset));

    public async Task InitializeAsync()
    {
        host = await LocalHostProcess.StartAsync(azurite, "CampaignBookingHub", new Dictionary<string, string>
        {
            ["Campaign:Poller:PollInterval"] = "00:00:01",
            ["Notifications:PollInterval"] = "00:00:01",
            // The test is about seats, not the per-caller limit: 200 bookings at once from one officer must all be served.
            ["RateLimits:Principal:Burst"] = "2000",
            ["RateLimits:Principal:PermitsPerSecond"] = "2000",
        });
        provinceOfficer = host.OfficerClient(LocalHostProcess.ProvinceOfficer);
        provinceOfficer.Timeout = TimeSpan.FromMinutes(3);
    }

    public async Task DisposeAsync()
    {
        provinceOfficer.Dispose();
        await host.DisposeAsync();
    }

    [Fact]
    public async Task Two_hundred_concurrent_bookings_for_the_last_seats_book_exactly_the_capacity()
    {
        const int capacity = 10, booked = 7, racers = 200;
        JsonElement session = await CreateSessionAsync(provinceOfficer, Today.AddDays(3), capacity);
        string sessionId = session.GetProperty("sessionId").GetString()!;
        for (int i = 0; i < booked; i++)
        {
            using HttpResponseMessage response = await BookAsync(provinceOfficer, sessionId, 1, NumberOf(i));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        HttpResponseMessage[] answers = await Task.WhenAll(Enumerable.Range(booked, racers).Select(i => BookAsync(provinceOfficer, sessionId, 1, NumberOf(i))));

        Assert.Equal(capacity - booked, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        HttpResponseMessage[] refused = [.. answers.Where(a => a.StatusCode != HttpStatusCode.Created)];
        Assert.Equal(racers - (capacity - booked), refused.Length);
        foreach (HttpResponseMessage refusal in refused)
        {
            JsonElement problem = await Api.AssertProblemAsync(refusal, HttpStatusCode.Conflict, "slot-full");
            Assert.Equal((sessionId, 1), (problem.GetProperty("sessionId").GetString(), problem.GetProperty("slot").GetInt32()));
            Assert.Contains($"Slot 1 of session '{sessionId}'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        // Every seat holds a distinct appointment whose queue number is its seat's.
        int[] queue = [.. await Task.WhenAll(answers.Where(a => a.StatusCode == HttpStatusCode.Created)
            .Select(async a => (await a.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("queueNumber").GetInt32()))];
        Assert.Equal(Enumerable.Range(100 + booked + 1, capacity - booked), queue.Order());
        JsonElement after = await provinceOfficer.GetFromJsonAsync<JsonElement>($"/api/v1/campaign/sessions/{sessionId}");
        Assert.Equal(capacity, after.GetProperty("slots")[0].GetProperty("booked").GetInt32());
        foreach (HttpResponseMessage answer in answers)
        {
            answer.Dispose();
        }
    }

    [Fact]
    public async Task A_booking_is_moved_then_cancelled_freeing_its_seats_and_the_citizen_is_told_once_per_kind()
    {
        JsonElement session = await CreateSessionAsync(provinceOfficer, Today.AddDays(4), capacity: 2);
        string sessionId = session.GetProperty("sessionId").GetString()!;
        using HttpResponseMessage first = await BookAsync(provinceOfficer, sessionId, 1, null, first: ("Nguyễn Thị Lan", "1948-03-02"), priority: ["Elderly"]);
        JsonElement booked = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        string appointmentId = booked.GetProperty("appointmentId").GetString()!;
        Assert.Equal(101, booked.GetProperty("queueNumber").GetInt32());
        Assert.Equal("Elderly", booked.GetProperty("priority")[0].GetString());
        Assert.Equal("08:00", DateTimeOffset.Parse(booked.GetProperty("windowStart").GetString()!, CultureInfo.InvariantCulture).ToOffset(WorkingDayCalendar.VietnamOffset).ToString("HH:mm", CultureInfo.InvariantCulture));

        // The same citizen again that day: refused, naming the booking held.
        using HttpResponseMessage again = await BookAsync(provinceOfficer, sessionId, 2, null, first: ("NGUYEN THI LAN", "1948-03-02"));
        JsonElement twice = await Api.AssertProblemAsync(again, HttpStatusCode.Conflict, "already-booked");
        Assert.Equal(appointmentId, twice.GetProperty("appointmentId").GetString());

        using HttpResponseMessage move = await provinceOfficer.PostAsJsonAsync($"/api/v1/campaign/appointments/{appointmentId}/move", new { sessionId, slot = 2 });
        Assert.Equal(HttpStatusCode.Created, move.StatusCode);
        JsonElement moved = await move.Content.ReadFromJsonAsync<JsonElement>();
        string movedId = moved.GetProperty("appointmentId").GetString()!;
        Assert.Equal((201, appointmentId), (moved.GetProperty("queueNumber").GetInt32(), moved.GetProperty("movedFrom").GetString()));
        JsonElement old = await provinceOfficer.GetFromJsonAsync<JsonElement>($"/api/v1/campaign/appointments/{appointmentId}");
        Assert.Equal(("Moved", movedId), (old.GetProperty("status").GetString(), old.GetProperty("movedTo").GetString()));
        await Api.AssertProblemAsync(await provinceOfficer.PostAsJsonAsync($"/api/v1/campaign/appointments/{appointmentId}/cancel", new { }), HttpStatusCode.Conflict, "appointment-not-booked");
        JsonElement slots = (await provinceOfficer.GetFromJsonAsync<JsonElement>($"/api/v1/campaign/sessions/{sessionId}")).GetProperty("slots");
        Assert.Equal((0, 1), (slots[0].GetProperty("booked").GetInt32(), slots[1].GetProperty("booked").GetInt32()));

        using HttpResponseMessage cancel = await provinceOfficer.PostAsJsonAsync($"/api/v1/campaign/appointments/{movedId}/cancel", new { });
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("Cancelled", (await cancel.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        slots = (await provinceOfficer.GetFromJsonAsync<JsonElement>($"/api/v1/campaign/sessions/{sessionId}")).GetProperty("slots");
        Assert.Equal(0, slots[1].GetProperty("booked").GetInt32());

        // Booked, then moved, for the first appointment; booked then cancelled for the second: each sent once.
        await WaitForNotificationsAsync(appointmentId, NotificationKind.AppointmentBooked, NotificationKind.AppointmentMoved);
        await WaitForNotificationsAsync(movedId, NotificationKind.AppointmentBooked, NotificationKind.AppointmentCancelled);

        // The citizen's day is free again.
        using HttpResponseMessage rebook = await BookAsync(provinceOfficer, sessionId, 1, null, first: ("Nguyễn Thị Lan", "1948-03-02"));
        Assert.Equal(HttpStatusCode.Created, rebook.StatusCode);
    }

    [Fact]
    public async Task No_shows_are_released_after_the_session_ends_and_tomorrows_citizens_are_reminded()
    {
        // A session ending a minute or two from now (slots in whole minutes, Vietnam time): booked before its end, released after.
        DateTimeOffset now = DateTimeOffset.UtcNow.ToOffset(WorkingDayCalendar.VietnamOffset);
        TimeOnly minute = TimeOnly.FromDateTime(now.DateTime).Add(TimeSpan.FromSeconds(-now.Second));
        string[] hours = [.. new[] { -1, 0, 2 }.Select(m => minute.AddMinutes(m).ToString("HH:mm", CultureInfo.InvariantCulture))];
        JsonElement ending = await CreateSessionAsync(provinceOfficer, DateOnly.FromDateTime(now.DateTime), capacity: 3, hours);
        string endingId = ending.GetProperty("sessionId").GetString()!;
        using HttpResponseMessage noShow = await BookAsync(provinceOfficer, endingId, 2, NumberOf(900));
        string noShowId = (await noShow.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("appointmentId").GetString()!;

        JsonElement tomorrow = await CreateSessionAsync(provinceOfficer, Today.AddDays(1), capacity: 3);
        using HttpResponseMessage reminded = await BookAsync(provinceOfficer, tomorrow.GetProperty("sessionId").GetString()!, 1, NumberOf(901));
        string remindedId = (await reminded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("appointmentId").GetString()!;

        JsonElement released = await WaitForAsync($"/api/v1/campaign/appointments/{noShowId}", a => a.GetProperty("status").GetString() == "NoShow", TimeSpan.FromMinutes(4));
        Assert.Equal(endingId, released.GetProperty("sessionId").GetString());
        JsonElement slots = (await provinceOfficer.GetFromJsonAsync<JsonElement>($"/api/v1/campaign/sessions/{endingId}")).GetProperty("slots");
        Assert.Equal(0, slots[1].GetProperty("booked").GetInt32());
        await WaitForNotificationsAsync(remindedId, NotificationKind.AppointmentBooked, NotificationKind.AppointmentReminder);

        // An ended session takes no more bookings (the sweep has released it for good).
        JsonElement ended = await Api.AssertProblemAsync(await BookAsync(provinceOfficer, endingId, 1, NumberOf(902)), HttpStatusCode.Conflict, "session-ended");
        Assert.Equal(endingId, ended.GetProperty("sessionId").GetString());
    }

    [Fact]
    public async Task An_officer_of_another_province_or_commune_cannot_create_change_or_book()
    {
        using HttpClient otherProvince = host.OfficerClient(LocalHostProcess.OtherProvinceOfficer);
        using HttpClient otherCommune = host.OfficerClient(LocalHostProcess.OtherCommuneOfficer);
        using HttpClient commune = host.OfficerClient(LocalHostProcess.CommuneOfficer);
        using HttpClient printCentre = host.Client(Roles.PrintCentre);

        await Api.AssertProblemAsync(await PostSessionAsync(otherProvince, Today.AddDays(5), 5), HttpStatusCode.Forbidden, "area-not-allowed");
        await Api.AssertProblemAsync(await PostSessionAsync(otherCommune, Today.AddDays(5), 5), HttpStatusCode.Forbidden, "area-not-allowed");
        await Api.AssertProblemAsync(await PostSessionAsync(printCentre, Today.AddDays(5), 5), HttpStatusCode.Forbidden, "forbidden");
        JsonElement session = await CreateSessionAsync(commune, Today.AddDays(5), capacity: 5);
        string sessionId = session.GetProperty("sessionId").GetString()!;

        JsonElement refused = await Api.AssertProblemAsync(
            await otherProvince.PutAsJsonAsync($"/api/v1/campaign/sessions/{sessionId}", new { capacities = new[] { new { slot = 1, capacity = 1 } } }),
            HttpStatusCode.Forbidden, "area-not-allowed");
        Assert.Contains("province 079", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await Api.AssertProblemAsync(await BookAsync(otherCommune, sessionId, 1, NumberOf(950)), HttpStatusCode.Forbidden, "area-not-allowed");
        await Api.AssertProblemAsync(await otherProvince.GetAsync(new Uri($"/api/v1/campaign/sessions?province=079&date={Today.AddDays(5):yyyy-MM-dd}", UriKind.Relative)),
            HttpStatusCode.Forbidden, "area-not-allowed");

        // The session's own officers change it; a capacity below the seats taken is refused naming the slot.
        using HttpResponseMessage booked = await BookAsync(commune, sessionId, 1, NumberOf(951));
        using HttpResponseMessage second = await BookAsync(commune, sessionId, 1, NumberOf(952));
        using HttpResponseMessage shrink = await provinceOfficer.PutAsJsonAsync($"/api/v1/campaign/sessions/{sessionId}", new { capacities = new[] { new { slot = 1, capacity = 1 }, new { slot = 2, capacity = 7 } } });
        JsonElement taken = await Api.AssertProblemAsync(shrink, HttpStatusCode.Conflict, "seats-taken");
        Assert.Equal(1, taken.GetProperty("slots")[0].GetInt32());
        JsonElement listed = await commune.GetFromJsonAsync<JsonElement>($"/api/v1/campaign/sessions?date={Today.AddDays(5):yyyy-MM-dd}");
        JsonElement mine = Assert.Single(listed.GetProperty("sessions").EnumerateArray(), s => s.GetProperty("sessionId").GetString() == sessionId);
        Assert.Equal((5, 2, 7), (mine.GetProperty("slots")[0].GetProperty("capacity").GetInt32(), mine.GetProperty("slots")[0].GetProperty("booked").GetInt32(),
            mine.GetProperty("slots")[1].GetProperty("capacity").GetInt32()));

        JsonElement invalid = await Api.AssertProblemAsync(await commune.PostAsJsonAsync("/api/v1/campaign/sessions", new
        {
            kind = "MobileUnit", province = "999", commune = "2674", date = "2026-13-01", slots = new[] { new { start = "10:00", end = "09:00", capacity = 120 } },
        }), HttpStatusCode.UnprocessableEntity, "validation");
        Assert.Contains("province.known", Api.RulesFor(invalid, "province"));
        Assert.Contains("commune.format", Api.RulesFor(invalid, "commune"));
        Assert.Contains("date.format", Api.RulesFor(invalid, "date"));
        Assert.Contains("slot.hours", Api.RulesFor(invalid, "slots[0]"));
        Assert.Contains("capacity.range", Api.RulesFor(invalid, "slots[0].capacity"));
    }

    [Fact]
    public async Task A_kiosk_submission_naming_its_appointment_checks_it_in()
    {
        using HttpClient kiosk = host.SignedClient(await LocalHostProcess.RegisterKioskAsync(azurite, "KIOSK-CAMPAIGN-079", "079"));
        // Open all day, so the sweep does not release the booking as a no-show while the test runs.
        JsonElement session = await CreateSessionAsync(provinceOfficer, Today, capacity: 5, hours: ["00:00", "12:00", "23:59"]);
        Applicant citizen = Samples.NextApplicant();
        using HttpResponseMessage booking = await BookAsync(provinceOfficer, session.GetProperty("sessionId").GetString()!, 2, citizen.PersonalNumber);
        string appointmentId = (await booking.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("appointmentId").GetString()!;

        using HttpResponseMessage unknown = await kiosk.SubmitApplicationAsync(
            Samples.Upload(Samples.RenewalFormBy(citizen) with { AppointmentId = appointmentId[..^8] + "00000000" }), Guid.NewGuid().ToString("N"));
        JsonElement refused = await Api.AssertProblemAsync(unknown, HttpStatusCode.UnprocessableEntity, "validation");
        Assert.Contains("appointment.known", Api.RulesFor(refused, "appointmentId"));

        SubmissionAccepted accepted = await Api.SubmitAsync(kiosk, Samples.Upload(Samples.RenewalFormBy(citizen) with { AppointmentId = appointmentId }));
        JsonElement checkedIn = await provinceOfficer.GetFromJsonAsync<JsonElement>($"/api/v1/campaign/appointments/{appointmentId}");
        Assert.Equal(("CheckedIn", accepted.ApplicationId), (checkedIn.GetProperty("status").GetString(), checkedIn.GetProperty("applicationId").GetString()));
        await Api.AssertProblemAsync(await provinceOfficer.PostAsJsonAsync($"/api/v1/campaign/appointments/{appointmentId}/cancel", new { }), HttpStatusCode.Conflict, "appointment-not-booked");
    }

    static async Task<JsonElement> CreateSessionAsync(HttpClient officer, DateOnly date, int capacity, string[]? hours = null)
    {
        using HttpResponseMessage response = await PostSessionAsync(officer, date, capacity, hours);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonSerializer.Deserialize<JsonElement>(body);
    }

    /// <summary>A session of two slots, 08:00-09:00 and 09:00-10:00 unless <paramref name="hours"/> names three times.</summary>
    static Task<HttpResponseMessage> PostSessionAsync(HttpClient officer, DateOnly date, int capacity, string[]? hours = null) =>
        officer.PostAsJsonAsync("/api/v1/campaign/sessions", new
        {
            kind = "FixedOffice",
            province = "079",
            commune = LocalHostProcess.BenNgheCommune,
            date = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            venue = "Công an phường Bến Nghé",
            slots = new[] { new { start = hours?[0] ?? "08:00", end = hours?[1] ?? "09:00", capacity }, new { start = hours?[1] ?? "09:00", end = hours?[2] ?? "10:00", capacity } },
        });

    static Task<HttpResponseMessage> BookAsync(HttpClient officer, string sessionId, int slot, string? personalNumber, (string Name, string Born)? first = null, string[]? priority = null) =>
        officer.PostAsJsonAsync("/api/v1/campaign/appointments", new
        {
            sessionId,
            slot,
            citizen = personalNumber is not null
                ? (object)new { personalNumber }
                : new { fullName = first!.Value.Name, dateOfBirth = first.Value.Born, commune = LocalHostProcess.BenNgheCommune },
            priority = priority ?? [],
        });

    /// <summary>A valid personal number of a man born in 1995 in province 079, distinct per <paramref name="i"/>.</summary>
    static string NumberOf(int i) => "079095" + (100000 + i).ToString(CultureInfo.InvariantCulture);

    async Task<JsonElement> WaitForAsync(string path, Func<JsonElement, bool> done, TimeSpan patience)
    {
        DateTime until = DateTime.UtcNow.Add(patience);
        while (true)
        {
            JsonElement current = await provinceOfficer.GetFromJsonAsync<JsonElement>(path);
            if (done(current) || DateTime.UtcNow > until)
            {
                Assert.True(done(current), $"{current}{Environment.NewLine}host output:{Environment.NewLine}{host.Output}");
                return current;
            }

            await Task.Delay(250);
        }
    }

    /// <summary>Waits until the recording notifier has sent exactly these kinds for the appointment, each once.</summary>
    async Task WaitForNotificationsAsync(string appointmentId, params NotificationKind[] kinds)
    {
        TableClient sent = azurite.Tables.GetTableClient(RecordingNotifier.TableName);
        string[] expected = [.. kinds.Select(k => $"{appointmentId}:{k}").Order(StringComparer.Ordinal)];
        DateTime until = DateTime.UtcNow.AddSeconds(60);
        string[] found = [];
        while (DateTime.UtcNow < until)
        {
            var rows = new List<TableEntity>();
            await foreach (TableEntity row in sent.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {appointmentId}")))
            {
                rows.Add(row);
            }

            found = [.. rows.Select(r => r.RowKey).Order(StringComparer.Ordinal)];
            if (found.SequenceEqual(expected))
            {
                Assert.All(rows, r => Assert.Equal(1, r.GetInt32("Calls")));
                Assert.All(rows, r => Assert.DoesNotContain("Nguyễn", r.GetString("Text"), StringComparison.Ordinal));
                return;
            }

            await Task.Delay(250);
        }

        Assert.Equal(expected, found);
    }
}
