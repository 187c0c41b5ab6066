using CitizenWorkflows.Local.Runtime;
using CitizenWorkflows.Workflow.Production;
using Microsoft.Extensions.Configuration;

namespace CitizenWorkflows.Tests.Production;

public sealed class LocalCardSigningKeyTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("cw-card-key-").FullName;

    string KeyFile => Path.Combine(folder, ".local", "card-signing-key.pem");

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void The_key_is_generated_on_first_load_and_reused_on_the_second()
    {
        Assert.False(File.Exists(KeyFile));

        string first = LocalCardSigningKey.LoadOrCreate(KeyFile);
        string second = LocalCardSigningKey.LoadOrCreate(KeyFile);

        Assert.True(File.Exists(KeyFile));
        Assert.Equal(first, second);
        using CardSigningKey a = CardSigningKey.FromPem(first);
        using CardSigningKey b = CardSigningKey.FromPem(second);
        Assert.Equal(a.KeyId, b.KeyId);
        Assert.True(new CardSigner(b).Verify(new CardSigner(a).Sign(CardSamples.Chip())).IsValid);
    }

    [Fact]
    public void The_key_file_is_readable_by_its_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes only; Windows relies on the profile folder's ACLs.
        }

        LocalCardSigningKey.LoadOrCreate(KeyFile);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile));
    }

    [Fact]
    public void A_configured_key_is_left_alone_and_no_file_is_made()
    {
        using CardSigningKey configured = CardSigningKey.Generate();
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?> { [CardSigningKey.ConfigurationKey] = configured.ExportPrivateKeyPem() });

        Assert.Null(LocalCardSigningKey.AddIfMissing(configuration, KeyFile));
        Assert.False(File.Exists(KeyFile));
        using CardSigningKey loaded = CardSigningKey.FromConfiguration(configuration);
        Assert.Equal(configured.KeyId, loaded.KeyId);
    }

    [Fact]
    public void Without_a_configured_key_the_local_file_is_added_to_configuration()
    {
        var configuration = new ConfigurationManager();

        Assert.Equal(KeyFile, LocalCardSigningKey.AddIfMissing(configuration, KeyFile));

        Assert.Equal(File.ReadAllText(KeyFile), configuration[CardSigningKey.ConfigurationKey]);
    }

    [Fact]
    public void A_damaged_key_file_stops_the_host_with_a_clear_message()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(KeyFile)!);
        File.WriteAllText(KeyFile, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");

        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => LocalCardSigningKey.LoadOrCreate(KeyFile));
        Assert.Contains("delete it", e.Message, StringComparison.Ordinal);
    }
}
