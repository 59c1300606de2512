using System.Data.Common;
using BackorderDashboard.Data;
using BackorderDashboard.Features.Restock;
using BackorderDashboard.Hosting;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace BackorderDashboard.Tests.Proof;

/// <summary>
/// The process the crash test kills: it opens a store file and commits one receipt through the app's
/// <see cref="ReceivingService"/>, writing a progress marker on standard output after every SQL statement, before
/// the commit and after it. Given a marker number it stops there (for at most 30 s) so the kill lands exactly at that
/// point, however loaded the machine; without one it runs through and reports how many markers there were.
/// Started as <c>dotnet BackorderDashboard.Tests.dll crash-receipt FILE PO-ID UNITS [STOP-AT]</c>.
/// </summary>
public static class CrashChild
{
    public const string Command = "crash-receipt";
    public const string ReceiptKey = "crash-test-receipt";

    public static int Main(string[] args)
    {
        if (args.Length < 4 || args[0] != Command)
        {
            Console.Error.WriteLine($"usage: {Command} FILE PO-ID UNITS [STOP-AT]");
            return 2;
        }
        var stopAt = args.Length > 4 ? int.Parse(args[4]) : 0;
        RunAsync(args[1], int.Parse(args[2]), int.Parse(args[3]), stopAt).GetAwaiter().GetResult();
        return 0;
    }

    private static async Task RunAsync(string file, int purchaseOrderId, int units, int stopAt)
    {
        var markers = new ProgressMarkers(stopAt);
        var connection = new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString();
        await using var provider = TestServices.AppServices().AddBackorderDashboardDatabase(connection, markers).BuildServiceProvider();
        var factory = provider.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var services = TestServices.Create(factory, new FixedTimeProvider(ProofStore.Start));
        var receiving = services.Get<ReceivingService>();
        // Warm up (model, settings, lead times) before the receipt, so the markers count the receipt's own statements.
        await services.Get<BackorderDashboard.Domain.AvailabilityService>().GetContextAsync();
        markers.Armed = true;
        var outcome = await receiving.CommitAsync(new ReceiptInput
        {
            IdempotencyKey = ReceiptKey, PurchaseOrderId = purchaseOrderId,
            Lines = [new ReceiptLineInput { Sku = CrashStore.Sku, Qty = units }],
        }, TestActors.Merchant);
        markers.Armed = false;
        Console.Out.WriteLine(outcome.Succeeded ? $"done {markers.Count}" : $"failed {string.Join(" ", outcome.Errors)}");
        Console.Out.Flush();
    }

    /// <summary>Writes "marker N" after each statement and around the commit; waits at the one asked for.</summary>
    private sealed class ProgressMarkers(int stopAt) : DbCommandInterceptor, IDbTransactionInterceptor
    {
        public volatile bool Armed;
        public int Count;

        private void Mark(string what)
        {
            if (!Armed)
            {
                return;
            }
            var n = Interlocked.Increment(ref Count);
            Console.Out.WriteLine($"marker {n} {what}");
            Console.Out.Flush();
            if (n == stopAt)
            {
                Thread.Sleep(TimeSpan.FromSeconds(30));
            }
        }

        public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
        {
            Mark("reader");
            return result;
        }

        public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken ct = default)
        {
            Mark("reader");
            return ValueTask.FromResult(result);
        }

        public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
        {
            Mark("non-query");
            return result;
        }

        public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken ct = default)
        {
            Mark("non-query");
            return ValueTask.FromResult(result);
        }

        public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
        {
            Mark("scalar");
            return result;
        }

        public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken ct = default)
        {
            Mark("scalar");
            return ValueTask.FromResult(result);
        }

        public InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
        {
            Mark("committing");
            return result;
        }

        public ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken ct = default)
        {
            Mark("committing");
            return ValueTask.FromResult(result);
        }

        public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Mark("committed");

        public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default)
        {
            Mark("committed");
            return Task.CompletedTask;
        }
    }
}
