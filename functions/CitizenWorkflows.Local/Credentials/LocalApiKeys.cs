using System.Security.Cryptography;
using System.Text.Json;
using CitizenWorkflows.Workflow.Security;

namespace CitizenWorkflows.Local.Credentials;

/// <summary>
/// When no API keys are configured, the Local host makes the kiosk's key (its status reads) on first run and keeps it
/// in <c>.local/api-keys.json</c> (ignored by git), so a fresh checkout runs without any secret in the repository.
/// People and partners sign in at the local OpenID provider instead (Identity/); their keys, left in the file by an
/// older version, are not loaded.
/// </summary>
public static class LocalApiKeys
{
    public static readonly (string Role, string Principal, string? Province)[] Defaults =
    [
        (Roles.Kiosk, "kiosk-hn-001", "001"),
    ];

    static readonly JsonSerializerOptions Indented = new(JsonSerializerOptions.Web) { WriteIndented = true };

    public static string DefaultPath => Path.Combine(Directory.GetCurrentDirectory(), ".local", "api-keys.json");

    /// <summary>Adds the generated keys to configuration unless <c>Security:ApiKeys</c> already has some.</summary>
    public static string? AddIfMissing(ConfigurationManager configuration, string path)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.GetSection($"{SecurityOptions.SectionName}:ApiKeys").GetChildren().Any())
        {
            return null;
        }

        List<ApiCredential> keys = File.Exists(path)
            ? JsonSerializer.Deserialize<List<ApiCredential>>(File.ReadAllText(path), JsonSerializerOptions.Web) ?? []
            : [];
        // A default key added since the file was written is appended; existing keys never change.
        var missing = Defaults.Where(d => !keys.Any(k => k.Principal == d.Principal)).ToList();
        if (missing.Count > 0)
        {
            keys.AddRange(missing.Select(d => new ApiCredential
            {
                Key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)),
                Role = d.Role,
                Principal = d.Principal,
                Province = d.Province,
            }));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, JsonSerializer.Serialize(keys, Indented));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        var settings = new Dictionary<string, string?>();
        keys = [.. keys.Where(k => k.Role == Roles.Kiosk)];
        for (int i = 0; i < keys.Count; i++)
        {
            string prefix = $"{SecurityOptions.SectionName}:ApiKeys:{i}:";
            settings[prefix + "Key"] = keys[i].Key;
            settings[prefix + "Role"] = keys[i].Role;
            settings[prefix + "Principal"] = keys[i].Principal;
            settings[prefix + "Province"] = keys[i].Province;
            settings[prefix + "District"] = keys[i].District;
            settings[prefix + "Commune"] = keys[i].Commune;
        }

        configuration.AddInMemoryCollection(settings);
        return path;
    }
}
