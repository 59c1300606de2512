namespace BackorderDashboard.Tests.TestSupport;

/// <summary>Assertions over every item of a list that first make sure there is an item to check.</summary>
public static class AssertAll
{
    /// <summary><c>Assert.All</c> that fails on an empty list, which would otherwise pass without checking anything.</summary>
    public static void NonEmpty<T>(IEnumerable<T> items, Action<T> check)
    {
        var list = items.ToList();
        Assert.NotEmpty(list);
        Assert.All(list, check);
    }
}
