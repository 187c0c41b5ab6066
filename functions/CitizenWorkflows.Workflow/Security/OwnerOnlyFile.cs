namespace CitizenWorkflows.Workflow.Security;

/// <summary>A secret kept in a file under <c>.local/</c>, created readable by its owner only.</summary>
public static class OwnerOnlyFile
{
    /// <summary>The text in <paramref name="path"/>, or <paramref name="create"/>'s written to a new file when there is none.</summary>
    public static string ReadOrCreate(string path, Func<string> create)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(create);
        if (File.Exists(path))
        {
            return File.ReadAllText(path);
        }

        string text = create();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Created owner-only, not tightened afterwards, so the secret is never readable by others even briefly.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var writer = new StreamWriter(path, options);
            writer.Write(text);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another host on this machine created it first; everyone must use that one.
            return File.ReadAllText(path);
        }

        return text;
    }
}
