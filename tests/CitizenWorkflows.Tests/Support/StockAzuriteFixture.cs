using System.Diagnostics;

namespace CitizenWorkflows.Tests.Support;

/// <summary>
/// An UNPATCHED Azurite of the version package.json pins (scripts/stock-azurite.sh installs it from npm into a cache
/// folder on first use), on free ports: the reference the patched emulator is compared with.
/// </summary>
public sealed class StockAzuriteFixture : AzuriteFixture
{
    protected override async Task<string> LocateScriptAsync()
    {
        var install = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        install.ArgumentList.Add(Path.Combine(RepoPaths.Root, "scripts", "stock-azurite.sh"));
        using Process process = Process.Start(install) ?? throw new InvalidOperationException("Could not start bash for scripts/stock-azurite.sh.");
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        string script = output.Trim();
        if (process.ExitCode != 0 || !File.Exists(script))
        {
            throw new InvalidOperationException($"scripts/stock-azurite.sh failed ({process.ExitCode}): {await error}");
        }

        return script;
    }
}
