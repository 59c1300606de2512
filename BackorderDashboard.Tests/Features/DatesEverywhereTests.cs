using System.Text.RegularExpressions;
using BackorderDashboard.Data;
using BackorderDashboard.Data.Demo;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Backorders;
using BackorderDashboard.Features.Customers;
using BackorderDashboard.Features.Orders;
using BackorderDashboard.Features.Products;
using BackorderDashboard.Features.Restock;
using BackorderDashboard.Features.Settings;
using BackorderDashboard.Features.Shipping;
using BackorderDashboard.Features.Tracking;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Features;

/// <summary>The demo store as a first run makes it, generated once; each test works on its own copy of the file.</summary>
public sealed class DemoStoreTemplate : IAsyncLifetime
{
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 15, 30, 0, TimeSpan.Zero);

    private SqliteTestDatabase _template = null!;

    public async Task InitializeAsync()
    {
        _template = await SqliteTestDatabase.CreateAsync();
        await using var db = _template.CreateDbContext();
        var settings = new MerchantSettings { TimeZoneId = "America/New_York", UpdatedAt = Now.UtcDateTime };
        db.MerchantSettings.Add(settings);
        await db.SaveChangesAsync();
        var clock = new MerchantClock(new FixedTimeProvider(Now), MerchantClock.FindZone(settings.TimeZoneId));
        await DatabaseSetup.InsertAsync(db, new DemoDataGenerator().Generate(clock, settings.DefaultHandlingDays));
    }

    /// <summary>A fresh database holding exactly the demo store.</summary>
    public async Task<SqliteTestDatabase> CopyAsync()
    {
        var copy = await SqliteTestDatabase.CreateAsync();
        await using var from = new SqliteConnection(_template.ConnectionString);
        await using var to = new SqliteConnection(copy.ConnectionString);
        await from.OpenAsync();
        await to.OpenAsync();
        from.BackupDatabase(to);
        return copy;
    }

    public async Task DisposeAsync() => await _template.DisposeAsync();
}

/// <summary>
/// One date everywhere: after each kind of change a user can make to the demo store, every waiting line's date by the
/// rule (the ETA walk over the state after the change) is the date every reader gives: the queue page, the product
/// page, the order page and its suggested answer, the customer's tracking page, and the message the change sent
/// about that line, if it sent one.
/// </summary>
public sealed partial class DatesEverywhereTests(DemoStoreTemplate template) : IClassFixture<DemoStoreTemplate>, IAsyncLifetime
{
    private SqliteTestDatabase _db = null!;
    private TestServices _app = null!;

    public async Task InitializeAsync()
    {
        _db = await template.CopyAsync();
        _app = TestServices.Create(_db, new FixedTimeProvider(DemoStoreTemplate.Now));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _db.DisposeAsync();
    }

    /// <summary>A change made through the app's service as a user would; returns why it failed, or null.</summary>
    private delegate Task<string?> Change(DatesEverywhereTests test);

    /// <summary>
    /// A kind of change: what sets the store up for it (under a daily capacity of one unit every place in line has its
    /// own day, so a change of order moves dates), the change itself, and whether it must move some stored date.
    /// </summary>
    private sealed record Case(Change Act, Change? Setup = null, bool MovesDates = true);

    private static readonly Change CapacityOfOne = t => t.SaveSettingsAsync(s => s.DailyFulfilmentCapacity = 1);

    private static readonly Dictionary<string, Case> Changes = new()
    {
        ["store handling days"] = new(t => t.SaveSettingsAsync(s => s.DefaultHandlingDays += 3)),
        ["store daily capacity"] = new(t => t.SaveSettingsAsync(s => s.DailyFulfilmentCapacity = 2)),
        ["store time zone"] = new(t => t.SaveSettingsAsync(s => s.TimeZoneId = "Pacific/Kiritimati")),
        ["VIP first"] = new(t => t.SaveSettingsAsync(s => s.VipFirstInQueue = !s.VipFirstInQueue), Setup: CapacityOfOne),
        ["product lead time"] = new(t => t.SavePolicyAsync(estimated: true, (input, detail) => input.LeadTimeDays = (detail.OwnLeadTimeDays ?? detail.SupplierLeadTimeDays) + 9)),
        ["product handling days"] = new(t => t.SavePolicyAsync(estimated: false, (input, _) => input.HandlingDays = (input.HandlingDays ?? 1) + 2)),
        ["purchase order expected date"] = new(async t =>
        {
            var po = await t.BusiestOpenPoAsync();
            return (await t._app.Get<PurchaseOrderService>().ChangeExpectedDateAsync(po.Id, po.Version, po.ExpectedDate.AddDays(10), TestActors.Merchant, commit: true)).Failed();
        }),
        ["purchase order received in full"] = new(async t =>
        {
            var po = await t.BusiestOpenPoAsync();
            return await t.ReceiveAsync(po.Id, po.Lines.Select(l => (l.Sku, l.Outstanding)));
        }),
        ["purchase order received in part"] = new(async t =>
        {
            var po = await t.BusiestOpenPoAsync();
            var line = po.Lines.OrderByDescending(l => l.Outstanding).First();
            return await t.ReceiveAsync(po.Id, [(line.Sku, Math.Max(1, line.Outstanding / 2))]);
        }),
        ["purchase order cancelled"] = new(async t =>
        {
            var po = await t.BusiestOpenPoAsync();
            return (await t._app.Get<PurchaseOrderService>().CancelAsync(po.Id, po.Version, "The supplier can't deliver", TestActors.Merchant, commit: true)).Failed();
        }),
        ["purchase order line quantity"] = new(async t =>
        {
            var po = await t.BusiestOpenPoAsync();
            var line = po.Lines.OrderByDescending(l => l.Outstanding).First();
            return (await t._app.Get<PurchaseOrderService>().ChangeLineQuantityAsync(po.Id, po.Version, line.Id, line.Received + Math.Max(1, line.Outstanding / 3),
                TestActors.Merchant, commit: true)).Failed();
        }),
        ["purchase order placed"] = new(async t =>
        {
            var product = await t.LongestQueueAsync(nothingOnOrder: true);
            var (id, errors) = await t._app.Get<PurchaseOrderService>().CreateAsync(product.SupplierId, new DateOnly(2026, 11, 24),
                [new PoLineInput(product.Sku, product.QueuedUnits)], place: true, null, TestActors.Merchant);
            return id is null ? string.Join(" ", errors) : null;
        }),
        ["expedite"] = new(async t =>
        {
            var last = (await t.LongestQueueAsync()).Lines[^1];
            return (await t._app.Get<BackorderService>().SetExpeditedAsync(last.Id, last.Version, expedite: true, TestActors.Merchant)).Failed();
        }, Setup: CapacityOfOne),
        ["customer tier"] = new(async t =>
        {
            var last = (await t.LongestQueueAsync()).Lines[^1];
            int customerId;
            await using (var db = t._db.CreateDbContext())
            {
                customerId = await db.OrderLines.Where(l => l.Id == last.Id).Select(l => l.Order.CustomerId).SingleAsync();
            }
            var customers = t._app.Get<CustomerService>();
            var input = CustomerService.ToInput((await customers.GetAsync(customerId))!);
            input.Tier = input.Tier == CustomerTier.Vip ? CustomerTier.Standard : CustomerTier.Vip;
            var errors = await customers.UpdateAsync(customerId, input, TestActors.Support);
            return errors.Count == 0 ? null : string.Join(" ", errors.Values);
        }, Setup: t => t.SaveSettingsAsync(s => (s.DailyFulfilmentCapacity, s.VipFirstInQueue) = (1, true))),
        ["order line cancelled"] = new(async t =>
        {
            var first = (await t.LongestQueueAsync()).Lines[0];
            return (await t._app.Get<BackorderService>().CancelAsync(first.Id, first.Version, "The customer changed their mind", joinWaitlist: false, TestActors.Support)).Failed();
        }),
        ["new order"] = new(async t =>
        {
            var product = await t.LongestQueueAsync();
            var result = await t._app.Get<OrderIntakeService>().PlaceAsync(new NewOrderInput
            {
                CustomerName = "Nia Neworder", CustomerEmail = "nia.neworder@example.com", Lines = [new NewOrderLineInput { Sku = product.Sku, Qty = 3 }],
            }, TestActors.Support);
            return result.OrderNumber is null ? string.Join(" ", result.Errors) : null;
        }),
        ["supplier lead time quote"] = new(async t =>
        {
            await using var db = t._db.CreateDbContext();
            var supplier = await db.Suppliers.AsNoTracking().OrderByDescending(s => db.OrderLines.Count(l => l.QtyUnfilled > 0 && l.Product.SupplierId == s.Id
                && l.Product.LeadTimeDays == null && !db.PurchaseOrderLines.Any(pl => pl.ProductId == l.ProductId && pl.QtyOrdered > pl.QtyReceived
                    && (pl.PurchaseOrder.Status == PurchaseOrderStatus.Ordered || pl.PurchaseOrder.Status == PurchaseOrderStatus.PartiallyReceived))))
                .ThenBy(s => s.Id).FirstAsync();
            // With too few receipts the quote dates the estimates; with a history, a quote of none stops them.
            var input = new SupplierInput { Name = supplier.Name, ContactName = supplier.ContactName, Email = supplier.Email, Phone = supplier.Phone,
                DefaultLeadTimeDays = 0 };
            return (await t._app.Get<SupplierService>().SaveAsync(supplier.Id, input, TestActors.Merchant)).FirstOrDefault();
        }),
        ["order switched to ship what's available"] = new(async t =>
        {
            await using var db = t._db.CreateDbContext();
            var order = await db.Orders.AsNoTracking().Where(o => o.ShipPolicy == ShipPolicy.ShipComplete && o.Lines.Any(l => l.QtyUnfilled > 0))
                .OrderBy(o => o.Id).FirstAsync();
            return (await t._app.Get<BackorderService>().SetShipPolicyAsync(order.Id, order.Version, ShipPolicy.ShipAvailable, TestActors.Support)).Failed();
        }, MovesDates: false),
        ["parcel shipped"] = new(async t =>
        {
            var (ready, _) = await t._app.Get<ShippingService>().GetReadyAsync();
            var order = ready[0];
            return (await t._app.Get<ShippingService>().ShipAsync(order.OrderId, order.Version, null, "UPS", "1Z999", TestActors.Merchant)).Failed();
        }, MovesDates: false),
    };

    public static TheoryData<string> ChangeKinds() => new(Changes.Keys);

    [Theory]
    [MemberData(nameof(ChangeKinds))]
    public async Task Change_EveryWaitingLine_EveryReaderGivesTheRulesDate(string change)
    {
        var kind = Changes[change];
        if (kind.Setup is { } setup)
        {
            Assert.Null(await setup(this));
        }
        long lastMessage;
        await using (var db = _db.CreateDbContext())
        {
            lastMessage = await db.Outbox.MaxAsync(m => (long?)m.Id) ?? 0;
        }

        Assert.Null(await kind.Act(this));

        var mismatches = await MismatchesAsync(lastMessage);
        Assert.True(mismatches.Count == 0, $"After “{change}”, {mismatches.Count} readers differ from the rule:\n" + string.Join("\n", mismatches.Take(30)));
    }

    [Fact]
    public async Task Changes_EachMovesSomeStoredDate_SoTheTheoryComparesMovedDates()
    {
        // Without movement the theory would compare old dates with old dates.
        var still = new List<string>();
        foreach (var (name, kind) in Changes.Where(c => c.Value.MovesDates))
        {
            await using var copy = await template.CopyAsync();
            await using var app = TestServices.Create(copy, new FixedTimeProvider(DemoStoreTemplate.Now));
            var test = new DatesEverywhereTests(template) { _db = copy, _app = app };
            if (kind.Setup is { } setup)
            {
                Assert.Null(await setup(test));
            }
            var before = await StoredEtasAsync(copy);
            Assert.Null(await kind.Act(test));
            if (before.SequenceEqual(await StoredEtasAsync(copy)))
            {
                still.Add(name);
            }
        }
        Assert.Empty(still);
    }

    private static async Task<List<(int, DateOnly?)>> StoredEtasAsync(SqliteTestDatabase database)
    {
        await using var db = database.CreateDbContext();
        return (await db.OrderLines.AsNoTracking().Where(l => l.QtyUnfilled > 0).OrderBy(l => l.Id).Select(l => new { l.Id, l.CurrentEta }).ToListAsync())
            .Select(l => (l.Id, l.CurrentEta)).ToList();
    }

    /// <summary>Every waiting line's date by the rule, against what each reader says; one text per disagreement.</summary>
    private async Task<List<string>> MismatchesAsync(long messagesAfter)
    {
        var expected = await RuleDatesAsync();
        var mismatches = new List<string>();
        void Check(string reader, int lineId, DateOnly? said)
        {
            if (!expected.TryGetValue(lineId, out var rule))
            {
                mismatches.Add($"{reader}: line {lineId} is not waiting by the rule");
            }
            else if (said != rule.Eta)
            {
                mismatches.Add($"{reader}: line {lineId} ({rule.Number}, {rule.Sku}) says {said?.ToString() ?? "none"}, the rule {rule.Eta?.ToString() ?? "none"}");
            }
        }
        void CheckText(string reader, int lineId, string text)
        {
            var rule = expected[lineId];
            var wanted = rule.Eta is { } eta ? $"around {MessageTemplates.Date(eta)}" : "as soon as the supplier delivers";
            if (!text.Contains(wanted, StringComparison.Ordinal))
            {
                mismatches.Add($"{reader}: line {lineId} ({rule.Number}, {rule.Sku}) reads “{text}”, the rule says {wanted}");
            }
        }

        var queue = await _app.Get<BackorderService>().GetQueueAsync(new QueueQuery(PageSize: 100_000));
        Assert.Equal(expected.Count, queue.Total);
        foreach (var row in queue.Rows)
        {
            Check("queue page", row.LineId, row.Eta);
        }

        foreach (var sku in expected.Values.Select(l => l.Sku).Distinct())
        {
            foreach (var row in (await _app.Get<ProductService>().GetQueueAsync(sku))!)
            {
                Check($"product page {sku}", row.OrderLineId, row.Eta);
            }
        }

        foreach (var (number, token) in expected.Values.Select(l => (l.Number, l.Token)).Distinct())
        {
            var order = (await _app.Get<OrderService>().GetAsync(number))!;
            var answer = order.SuggestedAnswer;
            foreach (var line in order.Lines.Where(l => l.Unfilled > 0))
            {
                Check($"order page {number}", line.LineId, line.Eta);
                CheckText($"suggested answer {number}", line.LineId, Sentence(answer, line.ProductName));
            }
            var tracked = (await _app.Get<TrackingService>().GetAsync(token))!;
            foreach (var line in tracked.Lines.Where(l => l.Waiting > 0))
            {
                Check($"tracking page {number}", line.LineId, line.Eta);
                CheckText($"tracking page {number}", line.LineId, line.Status);
            }
        }

        await using var db = _db.CreateDbContext();
        var messages = await db.Outbox.AsNoTracking().Where(m => m.Id > messagesAfter && m.OrderId != null)
            .OrderBy(m => m.Id).Select(m => new { m.Kind, m.OrderId, m.OrderLineId, m.BodyText }).ToListAsync();
        foreach (var message in messages.Where(m => m.Kind == MessageKind.Delay && m.OrderLineId is { } id && expected.ContainsKey(id)))
        {
            Check("delay message", message.OrderLineId!.Value, ParseDate(DelayDate().Match(message.BodyText).Groups["date"].Value));
        }
        foreach (var message in messages.Where(m => m.Kind == MessageKind.BackorderConfirmation))
        {
            foreach (var line in expected.Values.Where(l => l.OrderId == message.OrderId))
            {
                var item = message.BodyText.Split('\n').Single(t => t.Contains($"× {line.ProductName}:", StringComparison.Ordinal));
                Check("confirmation", line.LineId, ParseDate(ConfirmationDate().Match(item).Groups["date"].Value));
            }
        }
        return mismatches;
    }

    private sealed record RuleLine(int LineId, int OrderId, string Number, string Token, string Sku, string ProductName, DateOnly? Eta);

    /// <summary>The rule from the state as stored: settings, the supplier history read afresh, the open purchase orders and the queues.</summary>
    private async Task<Dictionary<int, RuleLine>> RuleDatesAsync()
    {
        var availability = _app.Get<AvailabilityService>();
        await using var db = _db.CreateDbContext();
        var context = await availability.GetContextAsync();
        context = context with { LeadTimes = await SupplierLeadTimes.LoadAsync(db) };
        var lines = await db.OrderLines.AsNoTracking().Where(l => l.QtyUnfilled > 0)
            .OrderBy(l => l.ProductId).ThenInQueueOrder()
            .Select(l => new { l.Id, l.OrderId, l.ProductId, l.QtyUnfilled, l.Order.Number, l.Order.TrackingToken, l.Product.Sku, l.Product.Name })
            .ToListAsync();
        var products = lines.Select(l => l.ProductId).Distinct().ToList();
        var rows = await availability.Rows(db, context).Where(r => products.Contains(r.ProductId)).ForRule().ToListAsync();
        var evaluated = await availability.EvaluateAsync(db, rows, context);
        var result = new Dictionary<int, RuleLine>();
        foreach (var queue in lines.GroupBy(l => l.ProductId))
        {
            var waiting = queue.ToList();
            var etas = AvailabilityRule.QueueEtas(evaluated[queue.Key].Facts, waiting.Select(l => l.QtyUnfilled).ToList(), context.Today,
                context.Settings.DailyFulfilmentCapacity);
            for (var i = 0; i < waiting.Count; i++)
            {
                var l = waiting[i];
                result[l.Id] = new RuleLine(l.Id, l.OrderId, l.Number, l.TrackingToken, l.Sku, l.Name, etas[i]);
            }
        }
        return result;
    }

    /// <summary>The sentence of the suggested answer about one product ("Your 2 × Blue Kettle ship around Dec 5; …").</summary>
    private static string Sentence(string answer, string product) =>
        Regex.Match(answer, $@"Your (\d+ × )?{Regex.Escape(product)} .*?\.(?= Your |$)").Value;

    private static DateOnly? ParseDate(string text) =>
        DateOnly.TryParseExact($"{text} {DemoStoreTemplate.Now.Year}", "MMM d yyyy", MessageTemplates.Culture, System.Globalization.DateTimeStyles.None, out var day)
            ? (day < DateOnly.FromDateTime(DemoStoreTemplate.Now.UtcDateTime).AddDays(-30) ? day.AddYears(1) : day)
            : null;

    [GeneratedRegex(@"now ships around (?<date>[A-Z][a-z]{2} \d{1,2}),")]
    private static partial Regex DelayDate();

    [GeneratedRegex(@"expected to ship (?<date>[A-Z][a-z]{2} \d{1,2})")]
    private static partial Regex ConfirmationDate();

    private async Task<string?> SaveSettingsAsync(Action<SettingsInput> change)
    {
        var input = SettingsService.ToInput(await _app.Get<SettingsService>().GetAsync());
        change(input);
        var errors = await _app.Get<StoreSettingsService>().SaveAsync(input, TestActors.Admin);
        return errors.Count == 0 ? null : string.Join(" ", errors.Values);
    }

    /// <summary>
    /// Saves the backorder settings of the product with the most waiting lines (with <paramref name="estimated"/>, of
    /// those with nothing on order, whose dates come from the lead time).
    /// </summary>
    private async Task<string?> SavePolicyAsync(bool estimated, Action<ProductPolicyInput, ProductDetail> change)
    {
        string sku;
        await using (var db = _db.CreateDbContext())
        {
            sku = await db.Products.AsNoTracking()
                .Where(p => !estimated || !db.PurchaseOrderLines.Any(l => l.ProductId == p.Id && l.QtyOrdered > l.QtyReceived
                    && (l.PurchaseOrder.Status == PurchaseOrderStatus.Ordered || l.PurchaseOrder.Status == PurchaseOrderStatus.PartiallyReceived)))
                .OrderByDescending(p => db.OrderLines.Count(l => l.ProductId == p.Id && l.QtyUnfilled > 0)).ThenBy(p => p.Id)
                .Select(p => p.Sku).FirstAsync();
        }
        var products = _app.Get<ProductService>();
        var detail = (await products.GetDetailAsync(sku))!;
        var input = ProductService.ToInput(detail);
        change(input, detail);
        var errors = await products.UpdatePolicyAsync(sku, input, TestActors.Merchant);
        return errors.Count == 0 ? null : string.Join(" ", errors.Values);
    }

    private sealed record PoTarget(int Id, int Version, DateOnly ExpectedDate, IReadOnlyList<PoLineTarget> Lines);

    private sealed record PoLineTarget(int Id, string Sku, int Received, int Outstanding);

    /// <summary>The open purchase order whose products have the most waiting lines.</summary>
    private async Task<PoTarget> BusiestOpenPoAsync()
    {
        await using var db = _db.CreateDbContext();
        var po = await db.PurchaseOrders.AsNoTracking()
            .Where(p => p.Status == PurchaseOrderStatus.Ordered || p.Status == PurchaseOrderStatus.PartiallyReceived)
            .OrderByDescending(p => db.OrderLines.Count(l => l.QtyUnfilled > 0 && p.Lines.Any(pl => pl.ProductId == l.ProductId))).ThenBy(p => p.Id)
            .Select(p => new { p.Id, p.Version, p.ExpectedDate })
            .FirstAsync();
        var lines = await db.PurchaseOrderLines.AsNoTracking().Where(l => l.PurchaseOrderId == po.Id && l.QtyOrdered > l.QtyReceived).OrderBy(l => l.Id)
            .Select(l => new PoLineTarget(l.Id, l.Product.Sku, l.QtyReceived, l.QtyOrdered - l.QtyReceived)).ToListAsync();
        return new PoTarget(po.Id, po.Version, po.ExpectedDate, lines);
    }

    private async Task<string?> ReceiveAsync(int poId, IEnumerable<(string Sku, int Qty)> lines)
    {
        var outcome = await _app.Get<ReceivingService>().CommitAsync(new ReceiptInput
        {
            IdempotencyKey = Guid.NewGuid().ToString("N"), PurchaseOrderId = poId,
            Lines = lines.Select(l => new ReceiptLineInput { Sku = l.Sku, Qty = l.Qty }).ToList(),
        }, TestActors.Merchant);
        return outcome.Succeeded ? null : string.Join(" ", outcome.Errors);
    }

    private sealed record QueueTarget(string Sku, int SupplierId, int QueuedUnits, IReadOnlyList<(int Id, int Version)> Lines);

    /// <summary>The product with the longest queue (of those with nothing on order, if asked), its lines in queue order.</summary>
    private async Task<QueueTarget> LongestQueueAsync(bool nothingOnOrder = false)
    {
        await using var db = _db.CreateDbContext();
        var product = await db.Products.AsNoTracking().Where(p => p.BackorderPolicy != BackorderPolicy.NotAllowed && !p.Discontinued && p.BackorderCap == null)
            .Where(p => !nothingOnOrder || !db.PurchaseOrderLines.Any(l => l.ProductId == p.Id && l.QtyOrdered > l.QtyReceived
                && (l.PurchaseOrder.Status == PurchaseOrderStatus.Ordered || l.PurchaseOrder.Status == PurchaseOrderStatus.PartiallyReceived)))
            .OrderByDescending(p => db.OrderLines.Count(l => l.ProductId == p.Id && l.QtyUnfilled > 0)).ThenBy(p => p.Id)
            .Select(p => new { p.Id, p.Sku, p.SupplierId }).FirstAsync();
        var lines = await db.OrderLines.AsNoTracking().Where(l => l.ProductId == product.Id && l.QtyUnfilled > 0).InQueueOrder()
            .Select(l => new { l.Id, l.Version, l.QtyUnfilled }).ToListAsync();
        return new QueueTarget(product.Sku, product.SupplierId, lines.Sum(l => l.QtyUnfilled), lines.Select(l => (l.Id, l.Version)).ToList());
    }
}

internal static class ChangeResults
{
    public static string? Failed(this ActionResult result) => result.Succeeded ? null : result.Message;

    public static string? Failed(this PoImpact impact) => impact.Succeeded ? null : impact.Message;
}
