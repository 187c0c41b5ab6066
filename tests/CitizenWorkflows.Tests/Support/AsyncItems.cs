namespace CitizenWorkflows.Tests.Support;

/// <summary>Drains an async sequence (System.Linq.Async and .NET 10 both define ToListAsync, ambiguously).</summary>
public static class AsyncItems
{
    public static async Task<List<T>> AllAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (T item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
