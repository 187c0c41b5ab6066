using Azure;
using Azure.Data.Tables;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Workflow.Domain;

namespace CitizenWorkflows.Workflow.Kiosks;

/// <summary>
/// The registered kiosks, one row per kiosk in Table <c>kiosks</c> (partition = kiosk id), secret included.
/// In Azure the secrets belong in Key Vault or a table only the intake identity can read; here the table is the store.
/// </summary>
public sealed class KioskRegistry(TableServiceClient tables, TimeProvider clock)
{
    public const string TableName = "kiosks";

    const string RowKey = "kiosk";

    TableClient Kiosks => tables.GetTableClient(TableName);

    /// <summary>
    /// Registers a kiosk with a newly generated secret and returns it, secret included: the only time the secret is
    /// handed out. Returns null when the id is already registered (insert-if-absent; the existing secret stays
    /// unseen and unchanged).
    /// </summary>
    /// <exception cref="ArgumentException">The id is malformed or the province unknown.</exception>
    public async Task<Kiosk?> RegisterAsync(
        string id, string provinceCode, string? communeCode, bool mobile, CancellationToken cancellationToken)
    {
        if (!KioskSignature.IsWellFormedKioskId(id))
        {
            throw new ArgumentException(
                $"A kiosk id is 1–{KioskSignature.MaxKioskIdLength} characters of letters, digits, '.', '-' and '_'.", nameof(id));
        }

        if (!Province.IsKnown(provinceCode))
        {
            throw new ArgumentException("The province code must be the three-digit code of a known province.", nameof(provinceCode));
        }

        var kiosk = new Kiosk(
            id, provinceCode, string.IsNullOrWhiteSpace(communeCode) ? null : communeCode.Trim(), KioskStatus.Active, mobile,
            KioskSignature.NewSecret());
        try
        {
            await Kiosks.AddEntityAsync(ToRow(kiosk), cancellationToken);
            return kiosk;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return null;
        }
    }

    /// <summary>The kiosk with this id, or null when none is registered (a malformed id is never registered).</summary>
    public async Task<Kiosk?> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (!KioskSignature.IsWellFormedKioskId(id))
        {
            return null;
        }

        NullableResponse<TableEntity> row = await Kiosks.GetEntityIfExistsAsync<TableEntity>(id, RowKey, cancellationToken: cancellationToken);
        return row.HasValue ? FromRow(row.Value!) : null;
    }

    /// <summary>Enables or disables a kiosk; false when no kiosk has this id.</summary>
    public async Task<bool> SetStatusAsync(string id, KioskStatus status, CancellationToken cancellationToken)
    {
        if (!Enum.IsDefined(status))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "A kiosk is Active or Disabled.");
        }

        if (!KioskSignature.IsWellFormedKioskId(id))
        {
            return false;
        }

        var change = new TableEntity(id, RowKey)
        {
            ["Status"] = status.ToString(),
            ["StatusChangedAt"] = clock.GetUtcNow(),
        };
        try
        {
            await Kiosks.UpdateEntityAsync(change, ETag.All, TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    TableEntity ToRow(Kiosk kiosk) => new(kiosk.Id, RowKey)
    {
        ["ProvinceCode"] = kiosk.ProvinceCode,
        ["CommuneCode"] = kiosk.CommuneCode,
        ["Status"] = kiosk.Status.ToString(),
        ["Mobile"] = kiosk.Mobile,
        ["Secret"] = kiosk.Secret,
        ["RegisteredAt"] = clock.GetUtcNow(),
    };

    static Kiosk FromRow(TableEntity row) => new(
        row.PartitionKey,
        row.GetString("ProvinceCode"),
        row.GetString("CommuneCode"),
        // Anything but an explicit Active (a typo in a hand-edited row) counts as disabled.
        Enum.TryParse(row.GetString("Status"), ignoreCase: false, out KioskStatus status) ? status : KioskStatus.Disabled,
        row.GetBoolean("Mobile") ?? false,
        row.GetString("Secret"));
}
