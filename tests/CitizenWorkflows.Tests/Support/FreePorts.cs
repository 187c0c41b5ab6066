using System.Net;
using System.Net.Sockets;

namespace CitizenWorkflows.Tests.Support;

public static class FreePorts
{
    /// <summary>Ports the OS reports free right now (held open together so they differ).</summary>
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }

    public static async Task WaitUntilListeningAsync(int port, TimeSpan timeout)
    {
        DateTime until = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < until)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Waits until nothing accepts connections on <paramref name="port"/> (a service stopped).</summary>
    public static async Task WaitUntilClosedAsync(int port, TimeSpan timeout)
    {
        DateTime until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
            }
            catch (SocketException)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Port {port} still accepts connections after {timeout}.");
    }
}
