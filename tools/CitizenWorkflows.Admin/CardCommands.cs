using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using CitizenWorkflows.Workflow.Production;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Admin;

/// <summary>
/// <c>card verify --file chip.json</c> or <c>card verify --application ID</c>: checks a card's signed chip data against
/// the configured card-signing key (the same check as <c>POST /api/v1/cards/verify</c>). Exit code 0 when valid.
/// </summary>
public static class CardCommands
{
    const string Usage = "usage: card verify --file chip.json | card verify --application APPLICATION_ID";

    public static async Task<int> RunAsync(string[] args, IServiceProvider services, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(output);
        string? Option(string name) => Array.IndexOf(args, name) is int at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        if (args.FirstOrDefault() != "verify" || (Option("--file") is null && Option("--application") is null))
        {
            await output.WriteLineAsync(Usage);
            return 2;
        }

        byte[] json;
        if (Option("--file") is { } file)
        {
            json = await File.ReadAllBytesAsync(file);
        }
        else
        {
            string blob = DocumentStore.BlobNameFor(Option("--application")!, PersonaliseCard.ChipDocument);
            try
            {
                json = (await services.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(StorageNames.DocumentsContainer)
                    .GetBlobClient(blob).DownloadContentAsync()).Value.Content.ToArray();
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                await output.WriteLineAsync($"No signed chip data at {blob}: the application has not been personalised.");
                return 1;
            }
        }

        // chip.json holds the JWS flattened JSON serialisation; a reader's dump may hold the compact one.
        string text = Encoding.UTF8.GetString(json).Trim();
        SignedChipData? signed;
        try
        {
            signed = text.StartsWith('{') ? JsonSerializer.Deserialize<SignedChipData>(text, JsonSerializerOptions.Web) : SignedChipData.FromCompact(text);
        }
        catch (JsonException e)
        {
            await output.WriteLineAsync($"Not signed chip data: {e.Message}");
            return 1;
        }

        if (signed is null)
        {
            await output.WriteLineAsync("Not signed chip data: neither a JWS JSON object nor a JWS compact serialisation.");
            return 1;
        }

        ChipSignatureCheck check = services.GetRequiredService<CardSigner>().Verify(signed);
        if (!check.IsValid)
        {
            await output.WriteLineAsync($"INVALID ({check.Status}): {check.Reason}");
            return 1;
        }

        ChipData chip = check.Data!;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"VALID: signed with key {check.KeyId}; card {chip.CardNumber}, issued {chip.IssueDate:yyyy-MM-dd}, {(chip.ExpiryDate is { } expiry ? $"expires {expiry:yyyy-MM-dd}" : "valid for life")}; portrait SHA-256 {chip.PortraitSha256}; {chip.Fingerprints.Count} fingerprint digest(s)"));
        return 0;
    }
}
