using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Home;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Benchmarks;

/// <summary>
/// Times the support search box on the large store: part of one customer's e-mail address, and a whole order number,
/// each a page of 11 (10 shown, one to know there are more), through the app's service against one hand-written
/// statement doing the same search, and the floor: reading the orders found, by their index, with what a hit shows.
/// </summary>
public static class SupportSearchBenchmark
{
    public static async Task<IReadOnlyList<BenchmarkResult>> RunAsync(string connectionString, int runs, CancellationToken ct = default)
    {
        await using var services = BenchmarkServices.Create(connectionString);
        var (factory, counter) = (services.Factory, services.Counter);
        var home = services.Get<HomeService>();
        string email, number;
        int customerId;
        await using (var db = factory.CreateDbContext())
        {
            // A customer in the middle of the table with several orders, and an order in the middle of the numbers.
            var customers = await db.Customers.CountAsync(ct);
            var customer = await db.Customers.OrderBy(c => c.Id).Skip(customers / 2).Where(c => db.Orders.Count(o => o.CustomerId == c.Id) >= 3)
                .Select(c => new { c.Id, c.Email }).FirstAsync(ct);
            customerId = customer.Id;
            email = customer.Email[1..(customer.Email.IndexOf('@') + 4)];
            var orders = await db.Orders.CountAsync(ct);
            number = await db.Orders.OrderBy(o => o.Id).Skip(orders / 2).Select(o => o.Number).FirstAsync(ct);
        }
        await using var raw = await Benchmark.OpenRawAsync(connectionString, ct);

        var results = new List<BenchmarkResult>();
        // The floors: the customer's newest 11 orders read from the (customer, placed) index, and the one order by its number, with what a hit shows.
        var scenarios = new (string Label, string Text, Func<Task<List<string>>> Floor)[]
        {
            ($"Support search: part of an e-mail (“{email}”)", email, () => FloorAsync(raw, "o.CustomerId = $c ORDER BY o.PlacedAt DESC, o.Id DESC LIMIT 11", customerId, null, ct)),
            ($"Support search: a whole order number ({number})", number, () => FloorAsync(raw, "o.Number = $n", null, number, ct)),
        };
        foreach (var (label, text, floor) in scenarios)
        {
            var app = (await home.FindOrdersAsync(text, 11, 0, ct)).Select(h => h.Number).ToList();
            var hand = await RawSearchAsync(raw, text, ct);
            if (app.Count == 0 || !app.SequenceEqual(hand) || !app.SequenceEqual(await floor()))
            {
                throw new InvalidOperationException($"The raw SQL search for “{text}” differs from the app's: the comparison would be meaningless.");
            }
            results.Add(await Benchmark.MeasureAsync($"{label}, {app.Count} order{(app.Count == 1 ? "" : "s")}", runs, counter,
                () => home.FindOrdersAsync(text, 11, 0, ct), () => RawSearchAsync(raw, text, ct), floor: floor));
        }
        return results;
    }

    /// <summary>The orders of <paramref name="where"/> with what a hit shows, and nothing else: the cheapest read of the page.</summary>
    private static async Task<List<string>> FloorAsync(SqliteConnection connection, string where, int? customerId, string? number, CancellationToken ct)
    {
        var hits = await connection.Command($"""
            SELECT o.Number, c.Name AS Customer, c.Email, c.Phone, o.PlacedAt, o.CustomerId,
                   (SELECT COUNT(*) FROM OrderLines l WHERE l.OrderId = o.Id) AS Lines,
                   (SELECT COUNT(*) FROM OrderLines l WHERE l.OrderId = o.Id AND l.QtyUnfilled > 0) AS WaitingLines,
                   (SELECT MAX(l.CurrentEta) FROM OrderLines l WHERE l.OrderId = o.Id AND l.QtyUnfilled > 0) AS LatestEta,
                   EXISTS (SELECT 1 FROM OrderLines l WHERE l.OrderId = o.Id AND l.QtyUnfilled > 0 AND l.CurrentEta > l.PromisedShipDate) AS Late
            FROM Orders o JOIN Customers c ON c.Id = o.CustomerId
            WHERE {where}
            """, ("$c", customerId), ("$n", number)).ListAsync<ShownHit>(ct);
        return hits.Select(h => h.Number).ToList();
    }

    /// <summary>Everything a hit shows.</summary>
    private sealed record ShownHit(string Number, string Customer, string Email, string? Phone, DateTime PlacedAt, int CustomerId, int Lines,
        int WaitingLines, DateOnly? LatestEta, bool Late);

    /// <summary>A hit as the search box lists it.</summary>
    private sealed record SearchHit(string Number, string Customer, string Email, DateTime PlacedAt, int Lines, int WaitingLines, DateOnly? LatestEta);

    /// <summary>
    /// The same search in one statement: matching customers' orders (the candidates from the trigram index, kept when
    /// they match), plus the order with that number, newest first.
    /// </summary>
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
                    SELECT Id FROM Customers WHERE Id IN (SELECT rowid FROM CustomerSearch WHERE CustomerSearch MATCH $m)
                      AND (Email LIKE $p ESCAPE '\' OR Name LIKE $p ESCAPE '\' OR Phone LIKE $p ESCAPE '\'))
                UNION SELECT Id FROM Orders WHERE Number = $n)
            ORDER BY o.PlacedAt DESC, o.Id DESC LIMIT 11
            """, ("$p", $"%{text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_")}%"), ("$n", text.ToUpperInvariant()),
            ("$m", CustomerSearch.IndexQuery(text))).ListAsync<SearchHit>(ct);
        return hits.Select(h => h.Number).ToList();
    }
}
