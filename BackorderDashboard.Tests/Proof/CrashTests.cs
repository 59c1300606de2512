using System.Diagnostics;
using BackorderDashboard.Data;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace BackorderDashboard.Tests.Proof;

/// <summary>A store with one product sold out and thousands of customers waiting for it, and the order that restocks it.</summary>
public static class CrashStore
{
    public const string Sku = "BIG";

    /// <summary>Waiting lines (one unit each) and the purchase order's units: the receipt fills every one.</summary>
    public static readonly int Waiting = FromEnvironment("CRASH_TEST_LINES", 2000);

    public static async Task<int> SeedAsync(AppDbContext db)
    {
        var now = ProofStore.Start.UtcDateTime;
        var (category, supplier) = await TestData.AddCatalogAsync(db);
        var product = TestData.Product(category, supplier, Sku);
        product.LeadTimeDays = 20;
        db.Products.Add(product);
        var customer = TestData.Customer("Waiting customer", "waiting@example.com");
        db.Customers.Add(customer);
        var po = new PurchaseOrder
        {
            Number = "PO-BIG", Supplier = supplier, Status = PurchaseOrderStatus.Ordered, OrderedAt = now.AddDays(-5), CreatedAt = now.AddDays(-5),
            ExpectedDate = ProofStore.Today.AddDays(3), OriginalExpectedDate = ProofStore.Today.AddDays(3),
            Lines = [new PurchaseOrderLine { Product = product, QtyOrdered = Waiting, UnitCostCents = 100 }],
        };
        db.PurchaseOrders.Add(po);
        for (var i = 0; i < Waiting; i++)
        {
            var placed = now.AddMinutes(-Waiting + i);
            var order = TestData.Order(customer, $"SO-{200000 + i}", placed);
            order.Lines.Add(new OrderLine { Product = product, Qty = 1, UnitPriceCents = 1000, QueuedAt = placed, QtyBackorderedAtPlacement = 1 });
            db.Orders.Add(order);
        }
        await db.SaveChangesAsync();
        return po.Id;
    }

    internal static int FromEnvironment(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) && value > 0 ? value : fallback;
}

/// <summary>
/// The app's process killed (SIGKILL) in the middle of a large receipt, <see cref="Kills"/> times at points spread over
/// it: the child (<see cref="CrashChild"/>, the app's services in a process of their own) reports each SQL statement
/// it has run, and is killed on the marker chosen for that round, either stopped there or running on. Each time the
/// file must pass <c>PRAGMA integrity_check</c>, hold the receipt wholly or not at all, and keep
/// <see cref="StoreInvariants"/> (the ledger sums to the totals). <c>CRASH_TEST_KILLS</c> and <c>CRASH_TEST_LINES</c> change the size.
/// </summary>
[Trait("Category", "Proof")]
public class CrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly int Kills = CrashStore.FromEnvironment("CRASH_TEST_KILLS", 20);

    private SqliteTestDatabase _template = null!;
    private int _purchaseOrderId;

    public async Task InitializeAsync()
    {
        _template = await SqliteTestDatabase.CreateAsync();
        await using var db = _template.CreateDbContext();
        _purchaseOrderId = await CrashStore.SeedAsync(db);
    }

    public async Task DisposeAsync() => await _template.DisposeAsync();

    [Fact]
    public async Task A_receipt_killed_at_any_point_is_applied_wholly_or_not_at_all()
    {
        var watch = Stopwatch.StartNew();

        // A first run to the end counts the receipt's markers (statements, not time), so the kills can spread over them.
        int markers;
        await using (var dry = await _template.CopyAsync())
        {
            var (lines, exit) = await RunChildAsync(dry.FilePath, stopAt: 0, killAt: 0);
            Assert.True(exit == 0, $"The receipt did not run through: {string.Join("\n", lines)}");
            markers = lines.Count(l => l.StartsWith("marker "));
            Assert.True(markers >= 10, $"Only {markers} markers: {string.Join("\n", lines)}");
            await using var db = dry.CreateDbContext();
            await AssertWholeOrNothingAsync(dry, expectApplied: true);
        }

        var beforeCommit = 0;
        var landed = 0;
        for (var round = 0; round < Kills; round++)
        {
            // Markers 1..N over the rounds; every other round the child runs on after the marker, so the kill lands
            // wherever it happens to be (inside a statement, say) rather than exactly between two.
            var k = 1 + (int)((long)round * (markers - 1) / Math.Max(1, Kills - 1));
            var stop = round % 2 == 0;
            await using var copy = await _template.CopyAsync();
            var (lines, _) = await RunChildAsync(copy.FilePath, stopAt: stop ? k : 0, killAt: k);
            var killed = !lines.Any(l => l.StartsWith("done"));
            landed += killed ? 1 : 0;
            var applied = await AssertWholeOrNothingAsync(copy, expectApplied: null);
            beforeCommit += applied ? 0 : 1;
            output.WriteLine($"round {round + 1}: kill at marker {k}/{markers} ({(stop ? "stopped there" : "running on")}, last seen: {lines.LastOrDefault()}) → {(killed ? "killed" : "finished first")}, receipt {(applied ? "applied" : "not applied")}");
        }
        output.WriteLine($"{Kills} kills, {landed} landed before the child finished, {beforeCommit} before the commit; {watch.Elapsed.TotalSeconds:F1} s");
        Assert.True(beforeCommit >= Kills / 2, $"Only {beforeCommit} of {Kills} kills landed before the commit.");
        Assert.True(beforeCommit < Kills, "No kill landed after the commit: the rounds do not reach the end of the receipt.");
    }

    /// <summary>Integrity, all-or-nothing and the invariants; returns whether the receipt is in the file.</summary>
    private async Task<bool> AssertWholeOrNothingAsync(SqliteTestDatabase database, bool? expectApplied)
    {
        SqliteConnection.ClearAllPools();
        await using var db = database.CreateDbContext();
        var integrity = await db.Database.SqlQueryRaw<string>("PRAGMA integrity_check").ToListAsync();
        Assert.Equal(["ok"], integrity);

        var receipts = await db.Receipts.AsNoTracking().CountAsync(r => r.IdempotencyKey == CrashChild.ReceiptKey);
        var product = await db.Products.AsNoTracking().SingleAsync(p => p.Sku == CrashStore.Sku);
        var lines = await db.OrderLines.AsNoTracking().Where(l => l.ProductId == product.Id)
            .GroupBy(_ => 1).Select(g => new { Allocated = g.Sum(l => l.QtyAllocated), Waiting = g.Count(l => l.QtyUnfilled > 0) }).SingleAsync();
        var ledger = await db.StockLedger.AsNoTracking().Where(e => e.ProductId == product.Id).CountAsync();
        var poLine = await db.PurchaseOrderLines.AsNoTracking().SingleAsync(l => l.PurchaseOrderId == _purchaseOrderId);
        var applied = receipts == 1;
        var n = CrashStore.Waiting;
        var whole = (receipts, product.OnHand, product.Allocated, lines.Allocated, lines.Waiting, poLine.QtyReceived, ledger) == (1, n, n, n, 0, n, 1 + n);
        var nothing = (receipts, product.OnHand, product.Allocated, lines.Allocated, lines.Waiting, poLine.QtyReceived, ledger) == (0, 0, 0, 0, n, 0, 0);
        Assert.True(whole || nothing, $"Half a receipt: {receipts} receipt rows, on hand {product.OnHand}, allocated {product.Allocated} (lines {lines.Allocated}), "
            + $"{lines.Waiting} lines waiting, {poLine.QtyReceived} received on the PO line, {ledger} ledger rows.");
        if (expectApplied is { } expected)
        {
            Assert.Equal(expected, applied);
        }
        await StoreInvariants.AssertAsync(db, ProofStore.Today, checkEtas: false);
        return applied;
    }

    /// <summary>Runs the child on the file; with <paramref name="killAt"/> above 0, SIGKILLs it on reading that marker.</summary>
    private async Task<(List<string> Lines, int Exit)> RunChildAsync(string file, int stopAt, int killAt)
    {
        var assembly = typeof(CrashChild).Assembly.Location;
        var host = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var arg in new[] { "exec", assembly, CrashChild.Command, file, _purchaseOrderId.ToString(), CrashStore.Waiting.ToString(), stopAt.ToString() })
        {
            start.ArgumentList.Add(arg);
        }
        using var child = Process.Start(start)!;
        var stderr = child.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        var watch = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            while (await child.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                lines.Add($"{line} ({watch.ElapsedMilliseconds} ms)");
                if (killAt > 0 && line.StartsWith($"marker {killAt} "))
                {
                    Kill(child);
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The child did not end in 120 s; its output: {string.Join("\n", lines)}");
        }
        finally
        {
            Kill(child);
            await child.WaitForExitAsync();
        }
        var errors = await stderr;
        if (errors.Length > 0)
        {
            lines.Add("stderr: " + errors);
        }
        return (lines, child.ExitCode);
    }

    /// <summary>SIGKILL (what <see cref="Process.Kill()"/> sends on Linux), unless the child has already ended.</summary>
    private static void Kill(Process child)
    {
        try
        {
            if (!child.HasExited)
            {
                child.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // It ended between the check and the kill.
        }
    }
}
