using CitizenWorkflows.Local.Runtime;
using CitizenWorkflows.Workflow.Production;
using Microsoft.Extensions.Configuration;
using CitizenWorkflows.Local.Credentials;

namespace CitizenWorkflows.Tests.Production;

public sealed class DevelopmentCardSigningKeyTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("cw-card-key-").FullName;

    string KeyFile => Path.Combine(folder, ".local", "card-signing-key.pem");

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void The_key_is_generated_on_first_load_and_reused_on_the_second()
    {
        Assert.False(File.Exists(KeyFile));

        string first = DevelopmentCardSigningKey.LoadOrCreate(KeyFile);
        string second = DevelopmentCardSigningKey.LoadOrCreate(KeyFile);

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

        DevelopmentCardSigningKey.LoadOrCreate(KeyFile);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile));
    }

    [Fact]
    public void A_configured_key_wins_over_the_development_file_and_no_file_is_made()
    {
        using CardSigningKey configured = CardSigningKey.Generate();
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [CardSigningKey.ConfigurationKey] = configured.ExportPrivateKeyPem(),
            [CardSigningKey.DevelopmentKeyFileKey] = KeyFile,
        });

        Assert.Null(LocalCardSigningKeyFile.UseUnlessKeyConfigured(configuration));
        using CardSigningKey loaded = CardSigningKey.FromConfiguration(configuration);
        Assert.Equal(configured.KeyId, loaded.KeyId);
        Assert.False(File.Exists(KeyFile));
    }

    [Fact]
    public void The_development_file_is_made_on_first_use_and_gives_the_same_key_afterwards()
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?> { [CardSigningKey.DevelopmentKeyFileKey] = KeyFile });

        using CardSigningKey first = CardSigningKey.FromConfiguration(configuration);
        using CardSigningKey again = CardSigningKey.FromConfiguration(configuration);

        Assert.True(File.Exists(KeyFile));
        Assert.Equal(first.KeyId, again.KeyId);
        using CardSigningKey fromFile = CardSigningKey.FromPem(File.ReadAllText(KeyFile));
        Assert.Equal(first.KeyId, fromFile.KeyId);
    }

    [Fact]
    public void The_development_file_is_refused_in_Azure_and_none_is_made()
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [CardSigningKey.DevelopmentKeyFileKey] = KeyFile,
            [CardSigningKey.AzureInstanceKey] = "0a1b2c3d4e5f",
        });

        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => CardSigningKey.FromConfiguration(configuration));

        Assert.Contains(CardSigningKey.ConfigurationKey, e.Message, StringComparison.Ordinal);
        Assert.Contains("Key Vault", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(KeyFile));
    }

    [Fact]
    public void Without_a_key_or_a_file_start_up_says_what_to_configure()
    {
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => CardSigningKey.FromConfiguration(new ConfigurationManager()));

        Assert.Contains(CardSigningKey.ConfigurationKey, e.Message, StringComparison.Ordinal);
        Assert.Contains(CardSigningKey.DevelopmentKeyFileKey, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_Local_host_defaults_to_its_file_and_names_it_in_configuration()
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?> { [CardSigningKey.DevelopmentKeyFileKey] = KeyFile });

        Assert.Equal(KeyFile, LocalCardSigningKeyFile.UseUnlessKeyConfigured(configuration));

        Assert.True(File.Exists(KeyFile), "made at start-up, not at the first card");
        Assert.Equal(KeyFile, configuration[CardSigningKey.DevelopmentKeyFileKey]);
    }

    [Fact]
    public void The_storage_tools_use_only_a_key_file_the_host_made()
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?> { [CardSigningKey.DevelopmentKeyFileKey] = KeyFile });

        Assert.Null(LocalCardSigningKeyFile.UseUnlessKeyConfigured(configuration, onlyIfItExists: true));

        Assert.False(File.Exists(KeyFile), "verifying against a fresh key would prove nothing");
    }

    [Fact]
    public void A_damaged_key_file_stops_the_host_with_a_clear_message()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(KeyFile)!);
        File.WriteAllText(KeyFile, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");

        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => DevelopmentCardSigningKey.LoadOrCreate(KeyFile));
        Assert.Contains("delete it", e.Message, StringComparison.Ordinal);
    }
}
