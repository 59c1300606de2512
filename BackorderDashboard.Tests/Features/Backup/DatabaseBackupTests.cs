using BackorderDashboard.Benchmarks;
using BackorderDashboard.Data;
using BackorderDashboard.Features.Backup;
using BackorderDashboard.Hosting;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackorderDashboard.Tests.Features.Backup;

/// <summary>Backups of a store that keeps working while they are taken, and what the daily backup keeps.</summary>
public sealed class DatabaseBackupTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"backorders-backup-{Guid.NewGuid():N}");
    private SqliteTestDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        Directory.CreateDirectory(_folder);
    }

    /// <summary>
    /// Each write is one transaction of a receipt's shape: the product's on hand up, its ledger row, and an order, so a
    /// copy that caught half of one would show totals that differ from the ledger, or orders without their ledger row.
    /// </summary>
    private static async Task WriteAsync(AppDbContext db, int productId, Customer customer, int n)
    {
        await using var tx = await db.Database.BeginTransactionAsync();
        await db.Products.Where(p => p.Id == productId).ExecuteUpdateAsync(s => s.SetProperty(p => p.OnHand, p => p.OnHand + 1));
        db.StockLedger.Add(new StockLedgerEntry { ProductId = productId, OnHandDelta = 1, Reason = StockReason.Receipt, Reference = $"W-{n}", At = DateTime.UtcNow });
        db.Orders.Add(TestData.Order(customer, $"W-{n}", DateTime.UtcNow));
        await db.SaveChangesAsync();
        await tx.CommitAsync();
    }

    [Fact]
    public async Task Backup_WhileAnotherConnectionWrites_IsAWholeMomentTheAppOpens()
    {
        int productId;
        Customer customer;
        await using (var db = _db.CreateDbContext())
        {
            var (category, supplier) = await TestData.AddCatalogAsync(db);
            var product = TestData.Product(category, supplier, "BK-1");
            customer = TestData.Customer("Dana Writer", "dana@example.com");
            db.AddRange(product, customer);
            await db.SaveChangesAsync();
            productId = product.Id;
            // Enough pages that copying them takes a while next to the writer's transactions.
            await db.Database.ExecuteSqlAsync($"""
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
                INSERT INTO StockLedger (ProductId, OnHandDelta, AllocatedDelta, Reason, Reference, At)
                SELECT {productId}, 0, 0, 4, 'padding ' || i || ' ' || hex(randomblob(40)), '2026-11-01 00:00:00' FROM n
                """);
        }

        using var stop = new CancellationTokenSource();
        var written = 0;
        // Its own thread: Microsoft.Data.Sqlite runs "async" calls synchronously, and the writer must really run beside the backups.
        var writer = Task.Factory.StartNew(async () =>
        {
            await using var db = _db.CreateDbContext();
            var attached = await db.Customers.SingleAsync(c => c.Id == customer.Id);
            while (!stop.IsCancellationRequested)
            {
                await WriteAsync(db, productId, attached, written + 1);
                Interlocked.Increment(ref written);
                db.ChangeTracker.Clear();
                attached = await db.Customers.SingleAsync(c => c.Id == customer.Id);
            }
        }, TaskCreationOptions.LongRunning).Unwrap();

        var copies = new List<(string Path, int WrittenBefore)>();
        try
        {
            while (Volatile.Read(ref written) < 5)
            {
                await Task.Delay(5);
            }
            for (var i = 0; i < 5; i++)
            {
                var before = Volatile.Read(ref written);
                var copy = Path.Combine(_folder, $"copy-{i}.db");
                await Task.Run(() => DatabaseBackup.CreateAsync(_db.ConnectionString, copy));
                copies.Add((copy, before));
                await Task.Delay(20);
            }
        }
        finally
        {
            stop.Cancel();
            await writer;
        }

        var orderCounts = new List<int>();
        foreach (var (path, writtenBefore) in copies)
        {
            await using (var raw = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                await raw.OpenAsync();
                await using var check = raw.CreateCommand();
                check.CommandText = "PRAGMA integrity_check";
                Assert.Equal("ok", (string?)await check.ExecuteScalarAsync());
            }
            // Through the app's own database registration, as the app opens a restored backup.
            await using var provider = TestServices.AppServices().AddBackorderDashboardDatabase($"Data Source={path};Pooling=False").BuildServiceProvider();
            await using var restored = await provider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            var onHand = await restored.Products.Where(p => p.Id == productId).Select(p => p.OnHand).SingleAsync();
            var ledger = await restored.StockLedger.Where(e => e.ProductId == productId).SumAsync(e => e.OnHandDelta);
            var orders = await restored.Orders.CountAsync();
            var receipts = await restored.StockLedger.CountAsync(e => e.Reference!.StartsWith("W-"));
            Assert.Equal(ledger, onHand);
            Assert.Equal(receipts, orders);
            Assert.True(orders >= writtenBefore, $"the copy has {orders} orders but {writtenBefore} were committed before it started");
            orderCounts.Add(orders);
        }
        // The writer kept committing between the copies: they are different moments of a busy store.
        Assert.True(orderCounts[^1] > orderCounts[0], $"orders in the copies: {string.Join(", ", orderCounts)}");
    }

    private async Task<(int Exit, string Output, string Error)> RunBackupAsync(string databasePath, string destination)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await Commands.RunAsync(["backup", "--to", destination, $"--ConnectionStrings:DefaultConnection=Data Source={databasePath}"],
            TextReader.Null, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task BackupCommand_NewFile_WritesTheCopyAndSaysWhereAndHowLarge()
    {
        var destination = Path.Combine(_folder, "nightly", "store.db");

        var (exit, output, error) = await RunBackupAsync(new SqliteConnectionStringBuilder(_db.ConnectionString).DataSource, destination);

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        var size = new FileInfo(destination).Length;
        Assert.Contains(destination, output);
        Assert.Contains($"{size:N0} bytes", output);
        Assert.Equal(["store.db"], Directory.GetFiles(Path.GetDirectoryName(destination)!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task BackupCommand_FileExists_RefusesAndLeavesTheFileAlone()
    {
        var destination = Path.Combine(_folder, "store.db");
        await File.WriteAllTextAsync(destination, "yesterday's backup");

        var (exit, output, error) = await RunBackupAsync(new SqliteConnectionStringBuilder(_db.ConnectionString).DataSource, destination);

        Assert.Equal(1, exit);
        Assert.Contains("already exists", error);
        Assert.Equal("", output);
        Assert.Equal("yesterday's backup", await File.ReadAllTextAsync(destination));
    }

    [Fact]
    public async Task BackupCommand_NoDatabase_RefusesWithoutCreatingOne()
    {
        var missing = Path.Combine(_folder, "missing.db");

        var (exit, _, error) = await RunBackupAsync(missing, Path.Combine(_folder, "copy.db"));

        Assert.Equal(1, exit);
        Assert.Contains("no database", error);
        Assert.False(File.Exists(missing));
        Assert.False(File.Exists(Path.Combine(_folder, "copy.db")));
    }

    [Fact]
    public void Prune_RemovesOnlyDailyBackupsOlderThanKeepDays()
    {
        string[] names =
        [
            "backorders-2026-11-01-0200.db", "backorders-2026-11-08-0159.db", "backorders-2026-11-08-0200.db",
            "backorders-2026-11-21-0200.db", "backorders-before-upgrade.db", "store-2026-01-01.db", "notes.txt",
        ];
        foreach (var name in names)
        {
            File.WriteAllText(Path.Combine(_folder, name), name);
        }

        var deleted = DatabaseBackup.Prune(_folder, keepDays: 14, localNow: new DateTime(2026, 11, 22, 2, 0, 0));

        Assert.Equal(["backorders-2026-11-01-0200.db", "backorders-2026-11-08-0159.db"], deleted.Select(Path.GetFileName).Order());
        Assert.Equal(names.Except(["backorders-2026-11-01-0200.db", "backorders-2026-11-08-0159.db"]).Order(),
            Directory.GetFiles(_folder).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task DailyBackup_RunOnce_WritesTheStoreDatedCopyAndDropsOldOnes()
    {
        File.WriteAllText(Path.Combine(_folder, "backorders-2026-10-01-0200.db"), "old");
        await using var services = TestServices.Create(_db, settings: new Dictionary<string, string?>
        {
            ["Backup:Folder"] = _folder, ["Backup:KeepDays"] = "14",
        });

        var result = await services.Get<DailyBackup>().RunOnceAsync();

        // Nov 22 2026 17:00 UTC is noon in the store's New York.
        Assert.Equal(Path.Combine(_folder, "backorders-2026-11-22-1200.db"), result.Path);
        Assert.Equal(["backorders-2026-11-22-1200.db"], Directory.GetFiles(_folder).Select(Path.GetFileName));
        await using var raw = new SqliteConnection($"Data Source={result.Path};Pooling=False");
        await raw.OpenAsync();
        await using var count = raw.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM __EFMigrationsHistory";
        Assert.True((long)(await count.ExecuteScalarAsync())! > 0);
    }

    [Theory]
    [InlineData("2026-11-22T03:00:00Z", "02:00", "2026-11-22T07:00:00Z")] // 22:00 the evening before in New York
    [InlineData("2026-11-22T06:59:00Z", "02:00", "2026-11-22T07:00:00Z")]
    [InlineData("2026-11-22T07:00:00Z", "02:00", "2026-11-23T07:00:00Z")]
    [InlineData("2027-03-13T12:00:00Z", "02:30", "2027-03-14T07:30:00Z")] // 02:30 does not exist that night: 03:30 EDT
    [InlineData("2027-03-14T12:00:00Z", "02:30", "2027-03-15T06:30:00Z")]
    public void NextRunUtc_StoreLocalTime_IsTheNextSuchMoment(string now, string at, string expected)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

        var next = DailyBackup.NextRunUtc(DateTime.Parse(now, null, System.Globalization.DateTimeStyles.AdjustToUniversal),
            TimeOnly.Parse(at), zone);

        Assert.Equal(DateTime.Parse(expected, null, System.Globalization.DateTimeStyles.AdjustToUniversal), next);
    }

    [Theory]
    [InlineData("2:30", "HH:mm")]
    [InlineData("25:00", "HH:mm")]
    [InlineData("02:30", null)]
    public void BackupOptions_DailyAt_IsCheckedWhenTheBackupIsOn(string dailyAt, string? problem)
    {
        var on = new BackupOptions { Folder = "backups", DailyAt = dailyAt };
        var off = new BackupOptions { Folder = "", DailyAt = dailyAt };

        if (problem is null)
        {
            Assert.Null(on.Problem());
        }
        else
        {
            Assert.Contains(problem, on.Problem());
        }
        Assert.Null(off.Problem());
        Assert.Contains("KeepDays", new BackupOptions { Folder = "backups", KeepDays = 0 }.Problem());
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
