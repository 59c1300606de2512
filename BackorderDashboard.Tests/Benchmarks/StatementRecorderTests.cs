using BackorderDashboard.Benchmarks;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Benchmarks;

/// <summary>What the benchmark's interceptors see: round trips are EF's commands, recorded statements the hand-written ones.</summary>
public class StatementRecorderTests : IAsyncLifetime
{
    private SqliteTestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await SqliteTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Record_HandWrittenReaderOnTheContextsConnection_IsRecordedWithItsParameters_EfQueriesAreNot()
    {
        var recorder = new StatementRecorder();
        await using var services = BenchmarkServices.Create(_db.ConnectionString, interceptors: recorder);
        var products = -1L;
        long? answer = null;

        var statements = await recorder.RecordAsync(async () =>
        {
            await using var db = await services.Factory.CreateDbContextAsync();
            products = await db.Products.CountAsync();
            await db.Database.OpenConnectionAsync();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "SELECT $answer + 1";
            var parameter = command.CreateParameter();
            parameter.ParameterName = "$answer";
            parameter.Value = 41;
            command.Parameters.Add(parameter);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            answer = reader.GetInt64(0);
        });

        Assert.Equal((0L, 42L), (products, answer));
        var statement = Assert.Single(statements);
        Assert.Equal("SELECT $answer + 1", statement.Sql);
        Assert.Equal([("$answer", (object?)41)], statement.Parameters);
        // The round trips the benchmark reports are EF's: the count, not the hand-written statement.
        Assert.Equal(1, services.Counter.Count);
    }
}
