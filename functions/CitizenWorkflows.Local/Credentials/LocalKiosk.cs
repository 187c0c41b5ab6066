using System.Security.Cryptography;
using System.Text.Json;
using CitizenWorkflows.Workflow.Kiosks;

namespace CitizenWorkflows.Local.Credentials;

/// <summary>
/// The kiosk the demo submits as: registered on first use (a mobile team, so it may take applications anywhere) and
/// remembered with its secret in <c>.local/kiosk.json</c>, ignored by git.
/// </summary>
public static class LocalKiosk
{
    public sealed record Credentials(string Id, string Secret);

    /// <summary>The demo kiosk's province: where its applications are counted as taken.</summary>
    public const string Province = "001";

    public static string DefaultPath => Path.Combine(Directory.GetCurrentDirectory(), ".local", "kiosk.json");

    public static async Task<Credentials> EnsureAsync(KioskRegistry registry, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (File.Exists(path)
            && JsonSerializer.Deserialize<Credentials>(await File.ReadAllTextAsync(path, cancellationToken), JsonSerializerOptions.Web) is { } saved
            && await registry.GetAsync(saved.Id, cancellationToken) is { Status: KioskStatus.Active } known
            && known.Secret == saved.Secret)
        {
            return saved;
        }

        // A fresh store (or a fresh checkout): register a new demo kiosk rather than guess at an old one.
        string id = "DEMO-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4));
        Kiosk kiosk = await registry.RegisterAsync(id, Province, communeCode: null, mobile: true, cancellationToken)
            ?? throw new InvalidOperationException($"Kiosk {id} already exists.");
        var credentials = new Credentials(kiosk.Id, kiosk.Secret);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(credentials, JsonSerializerOptions.Web), cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return credentials;
    }
}
