using System.Diagnostics;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Products;
using BackorderDashboard.Tests.TestSupport;
using CsCheck;
using Xunit.Abstractions;

namespace BackorderDashboard.Tests.Proof;

/// <summary>
/// Model-based random work: sequences of orders (VIP and standard customers, one to three lines, shipping complete or
/// what is available), receipts (whole and partial purchase order lines, ad hoc), partial shipments, cancellations by
/// staff (with and without the waitlist) and by the customer, expedites, ship-policy switches, new purchase orders and
/// new expected dates, each through the app's services on its own fresh SQLite store. After every step the store
/// must keep <see cref="StoreInvariants"/> and each product's queue, as the product page reads it, must be in queue
/// order. A failure is shrunk by CsCheck to a short sequence and printed with its seed; set <c>CsCheck_Seed</c> to
/// replay it. <c>RANDOM_WORK_RUNS</c> and <c>RANDOM_WORK_STEPS</c> make the run longer.
/// </summary>
[Trait("Category", "Proof")]
public class RandomWorkTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly int Runs = FromEnvironment("RANDOM_WORK_RUNS", 24);
    private static readonly int Steps = FromEnvironment("RANDOM_WORK_STEPS", 60);

    private SqliteTestDatabase _template = null!;
    private long _steps;

    /// <summary>Kinds weighted as a day's work goes: mostly orders and receipts. Low numbers shrink towards orders.</summary>
    private static readonly Gen<WorkKind> Kind = Gen.Int[0, 99].Select(n => n switch
    {
        < 24 => WorkKind.PlaceOrder,
        < 38 => WorkKind.Receive,
        < 47 => WorkKind.Ship,
        < 54 => WorkKind.CancelLine,
        < 62 => WorkKind.CancelAndWaitlist,
        < 66 => WorkKind.CustomerCancel,
        < 73 => WorkKind.Expedite,
        < 81 => WorkKind.SwitchShipPolicy,
        < 90 => WorkKind.RedatePurchaseOrder,
        _ => WorkKind.NewPurchaseOrder,
    });

    public static readonly Gen<Work> OneStep = Gen.Select(Kind, Gen.Int[0, 1000], Gen.Int[0, 1000], Gen.Int[0, 4095], (k, a, b, c) => new Work(k, a, b, c));

    public async Task InitializeAsync()
    {
        _template = await SqliteTestDatabase.CreateAsync();
        await using var db = _template.CreateDbContext();
        await ProofStore.SeedAsync(db);
    }

    public async Task DisposeAsync() => await _template.DisposeAsync();

    [Fact]
    public async Task Random_work_keeps_every_store_invariant_after_every_step()
    {
        var watch = Stopwatch.StartNew();
        await OneStep.Array[Math.Max(1, Steps / 3), Steps].SampleAsync(RunAsync, writeLine: output.WriteLine, iter: Runs, threads: Math.Max(1, Environment.ProcessorCount),
            print: steps => string.Join(", ", steps));
        output.WriteLine($"{Runs} runs, {Interlocked.Read(ref _steps)} steps (shrinking included) in {watch.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>One run: a fresh copy of the store, the steps in order, every invariant checked after each.</summary>
    private async Task RunAsync(Work[] steps)
    {
        await using var database = await _template.CopyAsync();
        var clock = new FixedTimeProvider(ProofStore.Start);
        await using var services = TestServices.Create(database, clock);
        var work = new RandomWork(services, database);
        var products = services.Get<ProductService>();
        var done = new List<string>();
        for (var i = 0; i < steps.Length; i++)
        {
            // A minute between steps: lines queue at different times, and the store's day stays the same.
            clock.Now = ProofStore.Start.AddMinutes(i + 1);
            string what;
            try
            {
                what = await work.DoAsync(steps[i]);
            }
            catch (Exception e)
            {
                throw new InvariantException($"Step {i + 1} {steps[i]} threw {e.GetType().Name}: {e.Message} {e.InnerException?.Message}\nSteps before it:\n{string.Join("\n", done)}");
            }
            Interlocked.Increment(ref _steps);
            done.Add($"{i + 1}. {what}");
            await using var db = database.CreateDbContext();
            var problems = await StoreInvariants.ViolationsAsync(db, ProofStore.Today);
            problems.AddRange(await StoreInvariants.QueueOrderViolationsAsync(db, products));
            if (problems.Count > 0)
            {
                throw new InvariantException($"After step {i + 1} {steps[i]}: {string.Join(" ", problems)}\nSteps:\n{string.Join("\n", done)}");
            }
        }
    }

    private static int FromEnvironment(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) && value > 0 ? value : fallback;
}
