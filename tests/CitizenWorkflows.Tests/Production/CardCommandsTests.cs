using System.Text.Json;
using CitizenWorkflows.Admin;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Production;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace CitizenWorkflows.Tests.Production;

/// <summary>The operator's <c>card verify</c> command, on a file and on an application's stored chip data.</summary>
public sealed class CardCommandsTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("cw-card-").FullName;
    readonly CardSigningKey key = CardSigningKey.FromPem(LocalHostProcess.CardSigningKeyPem);

    public void Dispose()
    {
        key.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        using ServiceProvider withSigner = new ServiceCollection().AddSingleton(azurite.Blobs).AddSingleton(new CardSigner(key)).BuildServiceProvider();
        int exit = await CardCommands.RunAsync(args, withSigner, output);
        return (exit, output.ToString());
    }

    [Fact]
    public async Task A_signed_card_file_verifies_and_a_changed_byte_does_not()
    {
        SignedChipData signed = new CardSigner(key).Sign(CardSamples.Chip());
        string file = Path.Combine(folder, "chip.json");
        await File.WriteAllBytesAsync(file, JsonSerializer.SerializeToUtf8Bytes(signed, JsonSerializerOptions.Web));

        (int exit, string output) = await RunAsync("verify", "--file", file);
        Assert.Equal(0, exit);
        Assert.StartsWith($"VALID: signed with key {key.KeyId}; card 001191000123, issued 2026-11-26, expires 2031-04-07", output, StringComparison.Ordinal);

        // The compact serialisation, as a chip reader would dump it, verifies too.
        await File.WriteAllTextAsync(file, signed.ToCompact());
        (exit, output) = await RunAsync("verify", "--file", file);
        Assert.Equal(0, exit);

        byte[] chip = System.Buffers.Text.Base64Url.DecodeFromChars(signed.Payload);
        chip[10] ^= 0x20;
        await File.WriteAllBytesAsync(file, JsonSerializer.SerializeToUtf8Bytes(signed with { Payload = System.Buffers.Text.Base64Url.EncodeToString(chip) }, JsonSerializerOptions.Web));
        (exit, output) = await RunAsync("verify", "--file", file);
        Assert.Equal(1, exit);
        Assert.StartsWith("INVALID (SignatureMismatch)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_application_s_stored_chip_data_verifies_by_its_id()
    {
        string id = Guid.CreateVersion7().ToString("N");
        await azurite.Blobs.GetBlobContainerClient(StorageNames.DocumentsContainer).CreateIfNotExistsAsync();
        await new DocumentStore(azurite.Blobs).StoreAsync(
            id, PersonaliseCard.ChipDocument, JsonSerializer.SerializeToUtf8Bytes(new CardSigner(key).Sign(CardSamples.Chip()), JsonSerializerOptions.Web), "application/json", default);

        (int exit, string output) = await RunAsync("verify", "--application", id);
        Assert.Equal(0, exit);
        Assert.Contains("4 fingerprint digest(s)", output, StringComparison.Ordinal);

        (exit, output) = await RunAsync("verify", "--application", Guid.CreateVersion7().ToString("N"));
        Assert.Equal(1, exit);
        Assert.Contains("has not been personalised", output, StringComparison.Ordinal);

        (exit, output) = await RunAsync("check");
        Assert.Equal(2, exit);
        Assert.StartsWith("usage: card verify", output, StringComparison.Ordinal);
    }
}
