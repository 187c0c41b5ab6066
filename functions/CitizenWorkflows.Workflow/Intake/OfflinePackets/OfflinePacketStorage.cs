namespace CitizenWorkflows.Workflow.Intake.OfflinePackets;

/// <summary>The containers and tables of offline-packet intake.</summary>
public static class OfflinePacketStorage
{
    /// <summary>Where mobile teams upload packets; processed packets leave it (accepted: deleted, refused: moved).</summary>
    public const string InboxContainer = "packets";

    /// <summary>Refused packets, copied here with blob metadata <c>rule</c> and <c>reason</c> before the upload is deleted.</summary>
    public const string QuarantineContainer = "packets-quarantine";

    /// <summary>What happened to each packet blob version: PK = SHA-256 of the blob name, RK = its ETag.</summary>
    public const string ReceiptsTable = "packetreceipts";

    /// <summary>Counters per day (Vietnam time): Accepted, Duplicate, Quarantined.</summary>
    public const string StatisticsTable = "packetstats";

    /// <summary>Which packet signature first used each (kiosk, nonce): PK = kiosk id, RK = nonce.</summary>
    public const string NonceClaimsTable = "packetnonces";

    /// <summary>The blob trigger's path (the Functions app); the Local host polls the same container.</summary>
    public const string TriggerPath = InboxContainer + "/{name}";
}
