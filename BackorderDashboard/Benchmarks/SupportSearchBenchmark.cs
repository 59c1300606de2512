using BackorderDashboard.Data;
using BackorderDashboard.Features.Home;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Benchmarks;

/// <summary>
/// Times the support search box on the large store: part of one customer's e-mail address, and a whole order number,
/// each a page of 11 (10 shown, one to know there are more), through the app's service against one hand-written
/// statement doing the same search.
/// </summary>
public static class SupportSearchBenchmark
{
    public static async Task<IReadOnlyList<BenchmarkResult>> RunAsync(string connectionString, int runs, CancellationToken ct = default)
    {
        await using var services = BenchmarkServices.Create(connectionString);
        var (factory, counter) = (services.Factory, services.Counter);
        var home = services.Get<HomeService>();
        string email, number;
        await using (var db = factory.CreateDbContext())
        {
            // A customer in the middle of the table with several orders, and an order in the middle of the numbers.
            var customers = await db.Customers.CountAsync(ct);
            var customer = await db.Customers.OrderBy(c => c.Id).Skip(customers / 2).Where(c => db.Orders.Count(o => o.CustomerId == c.Id) >= 3)
                .Select(c => c.Email).FirstAsync(ct);
            email = customer[1..(customer.IndexOf('@') + 4)];
            var orders = await db.Orders.CountAsync(ct);
            number = await db.Orders.OrderBy(o => o.Id).Skip(orders / 2).Select(o => o.Number).FirstAsync(ct);
        }
        await using var raw = await Benchmark.OpenRawAsync(connectionString, ct);

        var results = new List<BenchmarkResult>();
        foreach (var (label, text) in new[] { ($"Support search: part of an e-mail (“{email}”)", email), ($"Support search: a whole order number ({number})", number) })
        {
            var app = (await home.FindOrdersAsync(text, 11, 0, ct)).Select(h => h.Number).ToList();
            var hand = await RawSearchAsync(raw, text, ct);
            if (app.Count == 0 || !app.SequenceEqual(hand))
            {
                throw new InvalidOperationException($"The raw SQL search for “{text}” differs from the app's: the comparison would be meaningless.");
            }
            results.Add(await Benchmark.MeasureAsync($"{label}, {app.Count} order{(app.Count == 1 ? "" : "s")}", runs, counter,
                () => home.FindOrdersAsync(text, 11, 0, ct), () => RawSearchAsync(raw, text, ct)));
        }
        return results;
    }

    /// <summary>A hit as the search box lists it.</summary>
    private sealed record SearchHit(string Number, string Customer, string Email, DateTime PlacedAt, int Lines, int WaitingLines, DateOnly? LatestEta);

    /// <summary>The same search in one statement: matching customers' orders, plus the order with that number, newest first.</summary>
    private static async Task<List<string>> RawSearchAsync(SqliteConnection connection, string text, CancellationToken ct)
    {
        var hits = await connection.Command("""
            SELECT o.Number, c.Name AS Customer, c.Email, o.PlacedAt,
                   (SELECT COUNT(*) FROM OrderLines l WHERE l.OrderId = o.Id) AS Lines,
                   (SELECT COUNT(*) FROM OrderLines l WHERE l.OrderId = o.Id AND l.QtyUnfilled > 0) AS WaitingLines,
                   (SELECT MAX(l.CurrentEta) FROM OrderLines l WHERE l.OrderId = o.Id AND l.QtyUnfilled > 0) AS LatestEta
            FROM Orders o JOIN Customers c ON c.Id = o.CustomerId
            WHERE o.Id IN (
                SELECT Id FROM Orders WHERE CustomerId IN (
                    SELECT Id FROM Customers WHERE Email LIKE $p ESCAPE '\' OR Name LIKE $p ESCAPE '\' OR Phone LIKE $p ESCAPE '\')
                UNION SELECT Id FROM Orders WHERE Number = $n)
            ORDER BY o.PlacedAt DESC, o.Id DESC LIMIT 11
            """, ("$p", $"%{text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_")}%"), ("$n", text.ToUpperInvariant()))
            .ListAsync<SearchHit>(ct);
        return hits.Select(h => h.Number).ToList();
    }
}
