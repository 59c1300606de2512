namespace BackorderDashboard.Tests.TestSupport;

/// <summary>
/// Runs actions truly at the same time: each on a dedicated thread of its own, all released together by a barrier.
/// <c>Task.WhenAll</c> over the app's async methods is not enough, as Microsoft.Data.Sqlite runs its "async" calls
/// synchronously: the first action would run to its end before the second one even started.
/// </summary>
public static class AtOnce
{
    /// <summary>What one action gave back, or the exception it threw.</summary>
    public sealed record Outcome<T>(T? Value, Exception? Error);

    /// <summary>Runs every action on its own thread, released together; returns each one's outcome in the given order.</summary>
    public static async Task<IReadOnlyList<Outcome<T>>> RunAsync<T>(IReadOnlyList<Func<Task<T>>> actions)
    {
        var outcomes = new Outcome<T>[actions.Count];
        using var barrier = new Barrier(actions.Count);
        var threads = actions.Select((action, i) => new Thread(() =>
        {
            try
            {
                barrier.SignalAndWait();
                outcomes[i] = new Outcome<T>(action().GetAwaiter().GetResult(), null);
            }
            catch (Exception e)
            {
                outcomes[i] = new Outcome<T>(default, e);
            }
        }) { IsBackground = true, Name = $"at-once-{i}" }).ToList();
        threads.ForEach(t => t.Start());
        await Task.Run(() => threads.ForEach(t => t.Join()));
        return outcomes;
    }

    /// <summary>Runs the actions at once and asserts that none threw: a refusal must be an answer, never an exception.</summary>
    public static async Task<IReadOnlyList<T>> ValuesAsync<T>(IReadOnlyList<Func<Task<T>>> actions)
    {
        var outcomes = await RunAsync(actions);
        var errors = outcomes.Where(o => o.Error is not null).Select(o => o.Error!).ToList();
        Assert.True(errors.Count == 0, $"{errors.Count} of {outcomes.Count} actions threw:\n{string.Join("\n", errors.Select(Describe).Distinct())}");
        return outcomes.Select(o => o.Value!).ToList();
    }

    /// <summary>The exception and its innermost cause (the database's own words: "database is locked", say).</summary>
    private static string Describe(Exception e)
    {
        var inner = e;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }
        return inner == e ? $"{e.GetType().Name}: {e.Message}" : $"{e.GetType().Name}: {e.Message} ({inner.GetType().Name}: {inner.Message})";
    }
}
