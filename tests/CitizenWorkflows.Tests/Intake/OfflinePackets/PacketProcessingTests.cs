using System.Globalization;
using System.Text;
using Azure;
using Azure.Storage.Blobs.Models;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Intake.OfflinePackets;
using CitizenWorkflows.Workflow.Kiosks;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Tests.Intake.OfflinePackets;

/// <summary>
/// Offline packets end to end on Azurite with the in-process pieces: upload to <c>packets</c>, <see cref="PacketProcessor"/>,
/// a real workflow started through the test host's client. A good packet starts one workflow however often it is seen;
/// every bad one lands in <c>packets-quarantine</c> with its rule, is counted, and stores and starts nothing.
/// (Tests in a class run one after another, so before/after counts are exact.)
/// </summary>
public sealed class PacketProcessingTests(OfflinePacketFixture host) : IClassFixture<OfflinePacketFixture>
{
    [Fact]
    public async Task A_good_packet_starts_one_workflow_writes_its_receipt_and_leaves_the_inbox()
    {
        Kiosk kiosk = await host.RegisterKioskAsync();
        Snapshot before = await SnapshotAsync();
        string blob = Name("good");

        ETag etag = await host.UploadAsync(blob, PacketSamples.SignedBy(kiosk, Key()));
        PacketOutcome outcome = await host.Processor.ProcessAsync(blob, host.Client, CancellationToken.None);

        var accepted = Assert.IsType<PacketOutcome.Accepted>(outcome);
        Assert.False(accepted.Replayed);
        Snapshot after = await SnapshotAsync();
        Assert.Equal([accepted.ApplicationId], after.Instances.Except(before.Instances));
        Assert.NotNull(await host.Client.GetInstanceAsync(accepted.ApplicationId));
        Assert.False(await host.InInboxAsync(blob));
        Assert.False(await host.Quarantine.GetBlobClient(blob).ExistsAsync());

        PacketReceipt receipt = (await host.Service<PacketReceipts>().GetAsync(blob, etag, CancellationToken.None))!;
        Assert.Equal(PacketReceiptKind.Accepted, receipt.Kind);
        Assert.Equal(accepted.ApplicationId, receipt.ApplicationId);
        Assert.True(receipt.Counted);

        // The documents of the application, the form as submitted among them, exactly as the HTTP intake stores them.
        Assert.Contains(DocumentStore.BlobNameFor(accepted.ApplicationId, SubmissionParts.Portrait), after.Documents);
        Assert.Contains(DocumentStore.BlobNameFor(accepted.ApplicationId, SubmissionParts.ApplicationDocument), after.Documents);
        Assert.Equal(before.Counts with { Accepted = before.Counts.Accepted + 1 }, after.Counts);
    }

    [Fact]
    public async Task The_same_packet_uploaded_again_and_under_another_name_starts_no_second_workflow()
    {
        Kiosk kiosk = await host.RegisterKioskAsync();
        byte[] packet = PacketSamples.SignedBy(kiosk, Key());
        Snapshot before = await SnapshotAsync();
        string first = Name("twice");
        string second = Name("copy");

        var original = Assert.IsType<PacketOutcome.Accepted>(await host.UploadAndProcessAsync(first, packet));
        var again = Assert.IsType<PacketOutcome.Accepted>(await host.UploadAndProcessAsync(first, packet));
        var copy = Assert.IsType<PacketOutcome.Accepted>(await host.UploadAndProcessAsync(second, packet));
        PacketOutcome gone = await host.Processor.ProcessAsync(first, host.Client, CancellationToken.None);

        Assert.False(original.Replayed);
        Assert.Equal(new PacketOutcome.Accepted(original.ApplicationId, Replayed: true), again);
        Assert.Equal(new PacketOutcome.Accepted(original.ApplicationId, Replayed: true), copy);
        Assert.IsType<PacketOutcome.Skipped>(gone);
        Snapshot after = await SnapshotAsync();
        Assert.Equal([original.ApplicationId], after.Instances.Except(before.Instances));
        Assert.False(await host.InInboxAsync(first));
        Assert.False(await host.InInboxAsync(second));
        Assert.Equal(before.Counts with { Accepted = before.Counts.Accepted + 1, Duplicate = before.Counts.Duplicate + 2 }, after.Counts);
    }

    [Fact]
    public async Task Processors_racing_for_one_packet_start_one_workflow_and_count_it_once()
    {
        Kiosk kiosk = await host.RegisterKioskAsync();
        Snapshot before = await SnapshotAsync();
        string blob = Name("race");
        await host.UploadAsync(blob, PacketSamples.SignedBy(kiosk, Key()));

        PacketOutcome[] outcomes = await Task.WhenAll(
            Enumerable.Range(0, 4).Select(_ => Task.Run(() => host.Processor.ProcessAsync(blob, host.Client, CancellationToken.None))));

        var accepted = Assert.IsType<PacketOutcome.Accepted>(Assert.Single(outcomes, o => o is not PacketOutcome.Skipped));
        Snapshot after = await SnapshotAsync();
        Assert.Equal([accepted.ApplicationId], after.Instances.Except(before.Instances));
        Assert.Equal(before.Counts with { Accepted = before.Counts.Accepted + 1 }, after.Counts);
        Assert.False(await host.InInboxAsync(blob));
    }

    [Fact]
    public async Task Running_intake_again_for_the_same_upload_is_no_duplicate_but_another_upload_is()
    {
        // A processor that stopped after starting the workflow but before writing the receipt meets the same upload again.
        Kiosk kiosk = await host.RegisterKioskAsync();
        PacketContents packet = PacketReader.Read(PacketSamples.SignedBy(kiosk, Key())).Packet!;
        PacketIntake intake = host.Service<PacketIntake>();

        var first = Assert.IsType<PacketOutcome.Accepted>(await intake.AcceptAsync(packet, "crashed.zip@0x1", host.Client, CancellationToken.None));
        PacketOutcome rerun = await intake.AcceptAsync(packet, "crashed.zip@0x1", host.Client, CancellationToken.None);
        PacketOutcome copy = await intake.AcceptAsync(packet, "copy.zip@0x2", host.Client, CancellationToken.None);

        Assert.False(first.Replayed);
        Assert.Equal(new PacketOutcome.Accepted(first.ApplicationId, Replayed: false), rerun);
        Assert.Equal(new PacketOutcome.Accepted(first.ApplicationId, Replayed: true), copy);
    }

    [Fact]
    public async Task A_packet_whose_key_is_still_being_taken_in_stays_in_the_inbox()
    {
        // An earlier attempt with the same key claimed it and has not finished (it crashed a moment ago).
        Kiosk kiosk = await host.RegisterKioskAsync();
        string key = Key();
        byte[] zip = PacketSamples.SignedBy(kiosk, key);
        string digest = IntakeService.DigestOf(PacketReader.Read(zip).Packet!.Parts);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        await host.Service<IdempotencyLedger>().ClaimAsync(
            kiosk.Id, key, new IdempotencyEntry(digest, Guid.NewGuid().ToString("N"), now, now.AddDays(9), Completed: false), CancellationToken.None);
        Snapshot before = await SnapshotAsync();
        string blob = Name("unfinished");
        ETag etag = await host.UploadAsync(blob, zip);

        await Assert.ThrowsAsync<PacketNotReadyException>(() => host.Processor.ProcessAsync(blob, host.Client, CancellationToken.None));

        Assert.True(await host.InInboxAsync(blob));
        Assert.Null(await host.Service<PacketReceipts>().GetAsync(blob, etag, CancellationToken.None));
        Assert.Equal(before.Counts, (await SnapshotAsync()).Counts);
        await host.Inbox.DeleteBlobAsync(blob);
    }

    [Fact]
    public async Task A_packet_signed_days_ago_is_accepted_since_the_clock_window_does_not_apply()
    {
        Kiosk kiosk = await host.RegisterKioskAsync();
        DateTimeOffset captured = DateTimeOffset.UtcNow.AddDays(-10);

        PacketOutcome outcome = await host.UploadAndProcessAsync(
            Name("late"), PacketSamples.SignedBy(kiosk, Key(), Entries(CapturedAt(captured)), signedAt: captured.AddMinutes(5)));

        Assert.IsType<PacketOutcome.Accepted>(outcome);
    }

    [Fact]
    public async Task A_mobile_team_may_submit_for_any_province()
    {
        Kiosk mobile = await host.RegisterKioskAsync(province: "001", mobile: true);

        Assert.IsType<PacketOutcome.Accepted>(await host.UploadAndProcessAsync(Name("mobile"), PacketSamples.SignedBy(mobile, Key())));
    }

    [Fact]
    public async Task A_packet_with_one_byte_changed_in_the_portrait_is_quarantined()
    {
        Kiosk kiosk = await host.RegisterKioskAsync();
        IReadOnlyList<PacketEntry> entries = PacketSamples.Entries();
        PacketSignature signature = PacketSamples.SignatureOf(kiosk, Key(), entries);
        byte[] portrait = [.. entries.Single(e => e.Name == "portrait.png").Content];
        portrait[portrait.Length / 2] ^= 0x01;
        byte[] tampered = OfflinePacket.Zip([.. entries.Select(e => e.Name == "portrait.png" ? e with { Content = portrait } : e)], signature);

        await AssertQuarantinedAsync(Name("tampered"), tampered, PacketRules.SignatureInvalid);
    }

    [Fact]
    public async Task A_packet_signed_with_another_secret_is_quarantined()
    {
        Kiosk kiosk = await host.RegisterKioskAsync();
        IReadOnlyList<PacketEntry> entries = PacketSamples.Entries();

        byte[] packet = OfflinePacket.Zip(entries, PacketSamples.SignatureOf(kiosk, Key(), entries, secret: KioskSignature.NewSecret()));

        await AssertQuarantinedAsync(Name("bad-signature"), packet, PacketRules.SignatureInvalid);
    }

    [Fact]
    public async Task A_packet_from_an_unknown_kiosk_is_quarantined()
    {
        var stranger = new Kiosk("kiosk-nobody-registered", "079", null, KioskStatus.Active, Mobile: false, KioskSignature.NewSecret());

        await AssertQuarantinedAsync(Name("unknown-kiosk"), PacketSamples.SignedBy(stranger, Key()), PacketRules.KioskUnknown);
    }

    [Fact]
    public async Task A_packet_from_a_disabled_kiosk_is_quarantined()
    {
        Kiosk kiosk = await host.RegisterKioskAsync();
        await host.Service<KioskRegistry>().SetStatusAsync(kiosk.Id, KioskStatus.Disabled, CancellationToken.None);

        await AssertQuarantinedAsync(Name("disabled"), PacketSamples.SignedBy(kiosk, Key()), PacketRules.KioskDisabled);
    }

    [Fact]
    public async Task A_second_packet_with_a_used_nonce_is_quarantined()
    {
        Kiosk kiosk = await host.RegisterKioskAsync();
        string nonce = KioskSignature.NewNonce();
        DateTimeOffset signedAt = DateTimeOffset.UtcNow;
        Assert.IsType<PacketOutcome.Accepted>(
            await host.UploadAndProcessAsync(Name("nonce-first"), PacketSamples.SignedBy(kiosk, Key(), signedAt: signedAt, nonce: nonce)));

        // Another application, same nonce, even the same second.
        ApplicationSubmission other = Samples.Form(a => a with { FullName = "Lê Văn Tám" });
        await AssertQuarantinedAsync(
            Name("nonce-replayed"), PacketSamples.SignedBy(kiosk, Key(), Entries(other), signedAt: signedAt, nonce: nonce), PacketRules.NonceReplayed);
    }

    [Fact]
    public async Task A_packet_reusing_the_nonce_of_a_signed_request_is_quarantined()
    {
        Kiosk kiosk = await host.RegisterKioskAsync();
        string nonce = KioskSignature.NewNonce();
        Assert.True(await host.Service<NonceLedger>().TryRecordAsync(kiosk.Id, nonce, DateTimeOffset.UtcNow, CancellationToken.None));

        await AssertQuarantinedAsync(
            Name("nonce-http"), PacketSamples.SignedBy(kiosk, Key(), signedAt: DateTimeOffset.UtcNow.AddHours(-3), nonce: nonce), PacketRules.NonceReplayed);
    }

    [Fact]
    public async Task A_packet_with_a_zip_slip_entry_is_quarantined()
    {
        Kiosk kiosk = await host.RegisterKioskAsync();

        byte[] packet = PacketSamples.SignedBy(kiosk, Key(), [.. PacketSamples.Entries(), new("../../documents/applications/x/portrait", Samples.PortraitPng)]);

        await AssertQuarantinedAsync(Name("zip-slip"), packet, PacketRules.EntryName);
    }

    [Fact]
    public async Task A_decompression_bomb_is_quarantined()
    {
        await AssertQuarantinedAsync(Name("bomb"), PacketSamples.ZipWith(("document-1.pdf", PacketSamples.Zeros(50))), PacketRules.EntryTooLarge);
    }

    [Fact]
    public async Task Bytes_that_are_no_zip_are_quarantined()
    {
        await AssertQuarantinedAsync(Name("junk"), Encoding.ASCII.GetBytes("this is not a zip"), PacketRules.Corrupt);
    }

    [Fact]
    public async Task A_packet_whose_application_json_is_not_json_is_quarantined()
    {
        Kiosk kiosk = await host.RegisterKioskAsync();
        PacketEntry[] entries = [.. PacketSamples.Entries().Select(e => e.Name == OfflinePacket.ApplicationEntry ? e with { Content = "{\"type\":"u8.ToArray() } : e)];

        await AssertQuarantinedAsync(Name("bad-json"), PacketSamples.SignedBy(kiosk, Key(), entries), PacketRules.MalformedJson);
    }

    [Fact]
    public async Task A_capture_older_than_thirty_days_is_quarantined_with_the_rule_it_broke()
    {
        Kiosk kiosk = await host.RegisterKioskAsync();
        DateTimeOffset captured = DateTimeOffset.UtcNow.AddDays(-31);

        BlobProperties quarantined = await AssertQuarantinedAsync(
            Name("old-capture"), PacketSamples.SignedBy(kiosk, Key(), Entries(CapturedAt(captured)), signedAt: DateTimeOffset.UtcNow.AddDays(-29)), PacketRules.Validation);

        Assert.Contains("capture.portraitCapturedAt: timestamp.too-old", quarantined.Metadata["reason"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_packet_signed_more_than_thirty_days_ago_is_quarantined()
    {
        Kiosk kiosk = await host.RegisterKioskAsync();

        await AssertQuarantinedAsync(
            Name("old-signature"), PacketSamples.SignedBy(kiosk, Key(), signedAt: DateTimeOffset.UtcNow.AddDays(-31)), PacketRules.Timestamp);
    }

    [Fact]
    public async Task A_fixed_kiosk_submitting_for_another_province_is_quarantined_with_an_ascii_reason()
    {
        Kiosk hanoi = await host.RegisterKioskAsync(province: "001");

        BlobProperties quarantined = await AssertQuarantinedAsync(Name("area"), PacketSamples.SignedBy(hanoi, Key()), PacketRules.KioskArea);

        Assert.Contains("Ho Chi Minh", quarantined.Metadata["reason"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_application_under_a_used_idempotency_key_is_quarantined()
    {
        Kiosk kiosk = await host.RegisterKioskAsync();
        string key = Key();
        Assert.IsType<PacketOutcome.Accepted>(await host.UploadAndProcessAsync(Name("key-first"), PacketSamples.SignedBy(kiosk, key)));

        ApplicationSubmission other = Samples.Form(a => a with { FullName = "Lê Văn Tám" });
        await AssertQuarantinedAsync(Name("key-reused"), PacketSamples.SignedBy(kiosk, key, Entries(other)), "idempotency-key-reused");
    }

    /// <summary>Uploads and processes a packet that must be refused: quarantined with its rule, counted, nothing stored
    /// or started.</summary>
    async Task<BlobProperties> AssertQuarantinedAsync(string blob, byte[] packet, string rule)
    {
        Snapshot before = await SnapshotAsync();
        ETag etag = await host.UploadAsync(blob, packet);

        PacketOutcome outcome = await host.Processor.ProcessAsync(blob, host.Client, CancellationToken.None);

        var quarantined = Assert.IsType<PacketOutcome.Quarantined>(outcome);
        Assert.Equal(rule, quarantined.Rule);
        Assert.False(string.IsNullOrWhiteSpace(quarantined.Reason));
        Assert.False(await host.InInboxAsync(blob));

        BlobProperties moved = (await host.Quarantine.GetBlobClient(blob).GetPropertiesAsync()).Value;
        Assert.Equal(rule, moved.Metadata["rule"]);
        Assert.False(string.IsNullOrWhiteSpace(moved.Metadata["reason"]));
        Assert.Equal(packet, (await host.Quarantine.GetBlobClient(blob).DownloadContentAsync()).Value.Content.ToArray());

        PacketReceipt receipt = (await host.Service<PacketReceipts>().GetAsync(blob, etag, CancellationToken.None))!;
        Assert.Equal(PacketReceiptKind.Quarantined, receipt.Kind);
        Assert.Equal(rule, receipt.Rule);

        Snapshot after = await SnapshotAsync();
        Assert.Equal(before.Instances, after.Instances);
        Assert.Equal(before.Documents, after.Documents);
        Assert.Equal(before.Counts with { Quarantined = before.Counts.Quarantined + 1 }, after.Counts);
        return moved;
    }

    async Task<Snapshot> SnapshotAsync() =>
        new([.. (await host.InstanceIdsAsync()).Order(StringComparer.Ordinal)], [.. (await host.DocumentNamesAsync()).Order(StringComparer.Ordinal)], await host.CountsTodayAsync());

    static IReadOnlyList<PacketEntry> Entries(ApplicationSubmission form) => PacketSamples.Entries(Samples.Upload(form));

    static ApplicationSubmission CapturedAt(DateTimeOffset at)
    {
        ApplicationSubmission form = Samples.RenewalFormBy();
        return form with { Capture = form.Capture! with { PortraitCapturedAt = at.ToString("O", CultureInfo.InvariantCulture) } };
    }

    static string Name(string what) => $"{what}-{Guid.NewGuid():N}.zip";

    static string Key() => "packet-" + Guid.NewGuid().ToString("N");

    sealed record Snapshot(string[] Instances, string[] Documents, PacketCounts Counts);
}
