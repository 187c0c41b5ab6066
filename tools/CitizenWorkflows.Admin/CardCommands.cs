using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using CitizenWorkflows.Workflow.Production;
using CitizenWorkflows.Workflow.Storage;
using CitizenWorkflows.Tools;

namespace CitizenWorkflows.Admin;

/// <summary>
/// <c>card verify --file chip.json</c> or <c>card verify --application ID</c>: checks a card's signed chip data against
/// the configured card-signing key (the same check as <c>POST /api/v1/cards/verify</c>). Exit code 0 when valid.
/// </summary>
public static class CardCommands
{
    const string Usage = "usage: card verify --file chip.json | card verify --application APPLICATION_ID";

    /// <summary>The <c>card verify</c> command; <paramref name="services"/> starts the storage services when it runs.</summary>
    public static Command Command(Func<CancellationToken, Task<IServiceProvider>> services, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(output);
        var file = new Option<string?>("--file") { Description = "A chip.json (JWS JSON or compact serialisation) to verify. Default: none (then --application)." };
        var application = new Option<string?>("--application") { Description = "An application whose stored signed chip data to verify. Default: none (then --file)." };
        var verify = new Command("verify", "Checks a card's signed chip data against the card-signing key (exit code 0 when valid).") { file, application };
        verify.Validators.Add(r =>
        {
            if ((r.GetResult(file) is { Implicit: false }) == (r.GetResult(application) is { Implicit: false }))
            {
                r.AddError("card verify needs exactly one of --file and --application.");
            }
        });
        verify.SetAction(async (r, ct) => await VerifyAsync(r.GetValue(file), r.GetValue(application), await services(ct), output));
        return new Command("card", "A card's signed chip data.") { verify };
    }

    /// <summary>Runs <c>verify --file F | --application ID</c> on <paramref name="services"/>; usage errors exit with 2.</summary>
    public static Task<int> RunAsync(string[] args, IServiceProvider services, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(output);
        var root = new RootCommand { Command(_ => Task.FromResult(services), output) };
        return CommandLineRun.InvokeAsync(root.Parse(["card", .. args]), output, output, Usage);
    }

    static async Task<int> VerifyAsync(string? file, string? application, IServiceProvider services, TextWriter output)
    {
        byte[] json;
        if (file is not null)
        {
            json = await File.ReadAllBytesAsync(file);
        }
        else
        {
            string blob = DocumentStore.BlobNameFor(application!, PersonaliseCard.ChipDocument);
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
