using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Features.Backorders;

/// <summary>
/// The place in line and units ahead of the rows a page shows, and of no others, counted from each product's queue
/// index (DESIGN.md's queue order, <see cref="QueueOrder"/>): the lines ahead of a line are four index ranges (higher
/// priority; same priority without a queued-at; queued earlier; queued at the same moment with a lower id), so a
/// count costs the lines ahead of it, never the whole queue or the store. When the page shows every waiting line
/// of its products (no filter on the lines themselves), the page's lines of a product follow one another in its
/// queue: only the first is counted and the others follow from it.
/// </summary>
public static class QueuePlaces
{
    /// <summary>A line the page shows: its product and its key in queue order.</summary>
    public sealed record Line(int Id, int ProductId, QueuePriority Priority, DateTime? QueuedAt, int Unfilled);

    public sealed record Place(int LinesAhead, int UnitsAhead);

    /// <summary>
    /// One statement, the same text for any page: for each line id in the JSON array <c>$ids</c>, the count and sum
    /// of the waiting lines ahead of it in its product's queue.
    /// </summary>
    public static readonly string Sql = $"""
        SELECT f.Id,
            {Ranges("COUNT(*)", " + ")} AS LinesAhead,
            {Ranges("COALESCE(SUM(a.QtyUnfilled), 0)", " + ")} AS UnitsAhead
        FROM json_each($ids) j JOIN OrderLines f ON f.Id = j.value
        """;

    private static string Ranges(string aggregate, string plus) => string.Join(plus, new[]
    {
        "a.Priority > f.Priority",
        "a.Priority = f.Priority AND a.QueuedAt IS NULL AND (f.QueuedAt IS NOT NULL OR a.Id < f.Id)",
        "a.Priority = f.Priority AND a.QueuedAt < f.QueuedAt",
        "a.Priority = f.Priority AND a.QueuedAt = f.QueuedAt AND a.Id < f.Id",
    }.Select(range => $"(SELECT {aggregate} FROM OrderLines a INDEXED BY IX_OrderLines_Queue WHERE a.ProductId = f.ProductId AND a.QtyUnfilled > 0 AND {range})"));

    /// <summary>
    /// Each line's place, by line id. <paramref name="lines"/> are in page order; <paramref name="everyLine"/> says
    /// the page leaves out no waiting line of the products it shows between its rows.
    /// </summary>
    public static async Task<IReadOnlyDictionary<int, Place>> OfAsync(AppDbContext db, IReadOnlyList<Line> lines, bool everyLine, CancellationToken ct)
    {
        if (lines.Count == 0)
        {
            return new Dictionary<int, Place>();
        }
        var counted = everyLine ? lines.GroupBy(l => l.ProductId).Select(g => g.First()).ToList() : lines;
        var rows = await db.Database.SqlQueryRaw<PlaceRow>(Sql, new SqliteParameter("$ids", $"[{string.Join(",", counted.Select(l => l.Id))}]"))
            .ToListAsync(ct);
        var places = rows.ToDictionary(r => r.Id, r => new Place(r.LinesAhead, r.UnitsAhead));
        if (everyLine)
        {
            foreach (var product in lines.GroupBy(l => l.ProductId))
            {
                var previous = product.First();
                foreach (var line in product.Skip(1))
                {
                    var before = places[previous.Id];
                    places[line.Id] = new Place(before.LinesAhead + 1, before.UnitsAhead + previous.Unfilled);
                    previous = line;
                }
            }
        }
        return places;
    }

    private sealed class PlaceRow
    {
        public int Id { get; init; }

        public int LinesAhead { get; init; }

        public int UnitsAhead { get; init; }
    }
}
