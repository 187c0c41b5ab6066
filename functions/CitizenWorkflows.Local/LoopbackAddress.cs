namespace CitizenWorkflows.Local;

/// <summary>Turns a listening address such as <c>http://+:7071</c> into one a client on this machine can call.</summary>
public static class LoopbackAddress
{
    static readonly string[] Wildcards = ["://+", "://*", "://[::]", "://0.0.0.0"];

    public static Uri From(string listeningUrl)
    {
        ArgumentNullException.ThrowIfNull(listeningUrl);
        string url = listeningUrl;
        foreach (string wildcard in Wildcards)
        {
            url = url.Replace(wildcard, "://127.0.0.1", StringComparison.Ordinal);
        }

        return new Uri(url);
    }
}
