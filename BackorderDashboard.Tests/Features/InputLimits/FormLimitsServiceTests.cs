using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Admin;
using BackorderDashboard.Features.Backorders;
using BackorderDashboard.Features.Messages;
using BackorderDashboard.Features.Orders;
using BackorderDashboard.Features.Products;
using BackorderDashboard.Features.Restock;
using BackorderDashboard.Features.Settings;
using BackorderDashboard.Features.Shipping;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace BackorderDashboard.Tests.Features.InputLimits;

/// <summary>
/// The service side of the bad-input sweep: every way a form writes is called with values past the business limits
/// (or not values at all), and each is refused with a reason while the store stays exactly as it was.
/// </summary>
public class FormLimitsServiceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private int _orderId;
    private int _poId;
    private int _supplierId;
    private int _tried;
    private string _store = "";

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db);
        foreach (var role in Roles.All)
        {
            await _services.Get<RoleManager<IdentityRole>>().CreateAsync(new IdentityRole(role));
        }
        await using var db = _db.CreateDbContext();
        var (category, supplier) = await TestData.AddCatalogAsync(db);
        var kettle = TestData.Product(category, supplier, "KET", onHand: 5, allocated: 1);
        db.Add(kettle);
        var order = TestData.Order(TestData.Customer("Ada", "ada@example.com"), "SO-1", TestServices.DefaultNow.UtcDateTime.AddDays(-1));
        order.Lines.Add(new OrderLine { Product = kettle, Qty = 1, QtyAllocated = 1, UnitPriceCents = 1000 });
        db.Add(order);
        var po = new PurchaseOrder
        {
            Number = "PO-1", Supplier = supplier, Status = PurchaseOrderStatus.Ordered, ExpectedDate = new DateOnly(2026, 12, 20),
            Lines = [new PurchaseOrderLine { Product = kettle, QtyOrdered = 10 }],
        };
        db.Add(po);
        await db.SaveChangesAsync();
        (_orderId, _poId, _supplierId) = (order.Id, po.Id, supplier.Id);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    /// <summary>Everything a refused write could have touched, to compare before and after.</summary>
    private async Task<string> StoreAsync()
    {
        await using var db = _db.CreateDbContext();
        var products = await db.Products.OrderBy(p => p.Id).Select(p => $"{p.Sku}:{p.OnHand}/{p.Allocated}/{p.BackorderCap}/{p.LeadTimeDays}/{p.PreorderReleaseDate}").ToListAsync();
        var pos = await db.PurchaseOrders.OrderBy(p => p.Id).Select(p => $"{p.Number}:{p.ExpectedDate}:{p.Lines.Sum(l => (long)l.QtyOrdered)}").ToListAsync();
        var settings = await db.MerchantSettings.Select(s => $"{s.TimeZoneId}/{s.DefaultHandlingDays}/{s.DailyFulfilmentCapacity}/{s.DefaultLowStockThreshold}").ToListAsync();
        return string.Join("|", [
            .. products, .. pos, .. settings,
            $"orders {await db.Orders.CountAsync()}", $"lines {await db.OrderLines.CountAsync()}", $"customers {await db.Customers.CountAsync()}",
            $"receipts {await db.Receipts.CountAsync()}", $"ledger {await db.StockLedger.CountAsync()}", $"consolations {await db.Consolations.CountAsync()}",
            $"shipments {await db.Shipments.CountAsync()}", $"outbox {await db.Outbox.CountAsync()}", $"users {await db.Users.CountAsync()}",
            $"suppliers {string.Join(",", await db.Suppliers.Select(s => s.Name + s.Email).ToListAsync())}",
        ]);
    }

    /// <summary>Runs one bad input: it must be refused with a reason, and change nothing.</summary>
    private async Task RefusedAsync(string what, Func<Task<(bool Succeeded, string Reason)>> write)
    {
        _tried++;
        var (succeeded, reason) = await write();
        Assert.False(succeeded, $"{what} was accepted.");
        Assert.False(string.IsNullOrWhiteSpace(reason), $"{what} was refused without a reason.");
        Assert.Equal(_store, await StoreAsync());
    }

    private async Task<int> PoVersionAsync()
    {
        await using var db = _db.CreateDbContext();
        return await db.PurchaseOrders.Where(p => p.Id == _poId).Select(p => p.Version).SingleAsync();
    }

    private async Task<int> OrderVersionAsync()
    {
        await using var db = _db.CreateDbContext();
        return await db.Orders.Where(o => o.Id == _orderId).Select(o => o.Version).SingleAsync();
    }

    private static string Join(IEnumerable<string> errors) => string.Join(" ", errors);

    [Fact]
    public async Task EveryWrite_ValuesPastTheLimits_IsRefusedAndStoresNothing()
    {
        var intake = _services.Get<OrderIntakeService>();
        var purchasing = _services.Get<PurchaseOrderService>();
        var receiving = _services.Get<ReceivingService>();
        var backorders = _services.Get<BackorderService>();
        var settings = _services.Get<StoreSettingsService>();
        var products = _services.Get<ProductService>();
        var suppliers = _services.Get<SupplierService>();
        var users = _services.Get<UserAdminService>();
        var shipping = _services.Get<ShippingService>();
        var messages = _services.Get<CustomerMessageService>();
        var today = DateOnly.FromDateTime(TestServices.DefaultNow.UtcDateTime);
        _store = await StoreAsync();

        NewOrderInput Order(string name = "Ada", string email = "ada@example.com", int qty = 1, string sku = "KET", string? phone = null) => new()
        {
            CustomerName = name, CustomerEmail = email, CustomerPhone = phone, Lines = [new NewOrderLineInput { Sku = sku, Qty = qty }],
        };
        async Task<(bool, string)> Place(NewOrderInput input)
        {
            var result = await intake.PlaceAsync(input, TestActors.Support);
            return (result.Succeeded, Join(result.Errors));
        }
        foreach (var qty in new[] { int.MaxValue, int.MinValue, -1, 0, Limits.MaxUnitsPerOrderLine + 1 })
        {
            await RefusedAsync($"an order line of {qty}", () => Place(Order(qty: qty)));
        }
        await RefusedAsync("two lines of one SKU adding up past an int", () => Place(new NewOrderInput
        {
            CustomerName = "Ada", CustomerEmail = "ada@example.com",
            Lines = [new() { Sku = "KET", Qty = int.MaxValue }, new() { Sku = "ket", Qty = int.MaxValue }],
        }));
        foreach (var email in BadInputs.Emails.Append("").Append("   "))
        {
            await RefusedAsync($"a customer e-mail “{email[..Math.Min(20, email.Length)]}”", () => Place(Order(email: email)));
        }
        await RefusedAsync("a 10,000-character name", () => Place(Order(name: BadInputs.LongText)));
        await RefusedAsync("a 10,000-character phone", () => Place(Order(phone: BadInputs.LongText)));
        await RefusedAsync("a 10,000-character SKU", () => Place(Order(sku: BadInputs.LongText)));
        await RefusedAsync("a script for a SKU", () => Place(Order(sku: BadInputs.Script)));

        async Task<(bool, string)> Create(int qty = 5, DateOnly? expected = null, string? notes = null, string sku = "KET")
        {
            var (id, errors) = await purchasing.CreateAsync(_supplierId, expected ?? today.AddDays(10), [new PoLineInput(sku, qty)], place: true, notes, TestActors.Merchant);
            return (id is not null, Join(errors));
        }
        foreach (var qty in new[] { int.MaxValue, -1, 0, Limits.MaxUnitsPerPoLine + 1 })
        {
            await RefusedAsync($"a PO line of {qty}", () => Create(qty));
        }
        foreach (var date in new[] { new DateOnly(1100, 1, 1), new DateOnly(9999, 12, 31), today.AddYears(Limits.YearsAhead).AddDays(1), today.AddDays(-1) })
        {
            await RefusedAsync($"a PO expected {date}", () => Create(expected: date));
            await RefusedAsync($"a PO re-dated to {date}", async () =>
            {
                var impact = await purchasing.ChangeExpectedDateAsync(_poId, await PoVersionAsync(), date, TestActors.Merchant, commit: true);
                return (impact.Succeeded, impact.Message);
            });
        }
        await RefusedAsync("10,000 characters of PO notes", () => Create(notes: BadInputs.LongText));
        await RefusedAsync("a PO line changed to 2,147,483,647", async () =>
        {
            await using var db = _db.CreateDbContext();
            var line = await db.PurchaseOrderLines.FirstAsync();
            var impact = await purchasing.ChangeLineQuantityAsync(_poId, await PoVersionAsync(), line.Id, int.MaxValue, TestActors.Merchant, commit: true);
            return (impact.Succeeded, impact.Message);
        });

        foreach (var qty in new[] { int.MaxValue, -1, 0, Limits.MaxUnitsPerPoLine + 1 })
        {
            await RefusedAsync($"a receipt of {qty}", async () =>
            {
                var outcome = await receiving.CommitAsync(new ReceiptInput
                {
                    IdempotencyKey = Guid.NewGuid().ToString("N"), PurchaseOrderId = _poId, AllowOverReceipt = true, Lines = [new() { Sku = "KET", Qty = qty }],
                }, TestActors.Merchant);
                return (outcome.Succeeded, Join(outcome.Errors));
            });
        }

        foreach (var (kind, percent, cents) in new (ConsolationKind, int?, long?)[]
        {
            (ConsolationKind.AmountDiscount, null, long.MaxValue), (ConsolationKind.AmountDiscount, null, Limits.MaxMoneyCents + 1),
            (ConsolationKind.AmountDiscount, null, 0), (ConsolationKind.AmountDiscount, null, -1), (ConsolationKind.AmountDiscount, null, null),
            (ConsolationKind.PercentDiscount, 0, null), (ConsolationKind.PercentDiscount, 101, null), (ConsolationKind.PercentDiscount, int.MaxValue, null),
            (ConsolationKind.PercentDiscount, null, null),
        })
        {
            await RefusedAsync($"a consolation {kind} {percent} {cents}", async () =>
            {
                var result = await backorders.AddConsolationAsync(_orderId, kind, percent, cents, "Sorry for the wait", TestActors.Support);
                return (result.Succeeded, result.Message);
            });
        }
        await RefusedAsync("a consolation with a 10,000-character reason", async () =>
        {
            var result = await backorders.AddConsolationAsync(_orderId, ConsolationKind.FreeShipping, null, null, BadInputs.LongText, TestActors.Support);
            return (result.Succeeded, result.Message);
        });

        SettingsInput Settings() => new() { StoreName = "Store", TimeZoneId = "America/New_York", DefaultHandlingDays = 1, DefaultLowStockThreshold = 3 };
        foreach (var change in new Action<SettingsInput>[]
        {
            s => s.DefaultHandlingDays = -1, s => s.DefaultHandlingDays = int.MaxValue, s => s.DailyFulfilmentCapacity = 0,
            s => s.DailyFulfilmentCapacity = int.MaxValue, s => s.DefaultLowStockThreshold = -1, s => s.DefaultLowStockThreshold = int.MaxValue,
            s => s.TimeZoneId = "Mars/Olympus", s => s.TimeZoneId = BadInputs.Script, s => s.TimeZoneId = "", s => s.StoreName = BadInputs.LongText,
            s => s.StoreName = "   ",
        })
        {
            await RefusedAsync("a settings value past its range", async () =>
            {
                var input = Settings();
                change(input);
                var errors = await settings.SaveAsync(input, TestActors.Admin);
                return (errors.Count == 0, Join(errors.Values));
            });
        }

        foreach (var change in new Action<ProductPolicyInput>[]
        {
            p => p.BackorderCap = -1, p => p.BackorderCap = int.MaxValue, p => p.LowStockThreshold = int.MaxValue, p => p.HandlingDays = -1,
            p => p.LeadTimeDays = 0, p => p.LeadTimeDays = int.MaxValue,
            p => (p.IsPreorder, p.PreorderReleaseDate) = (true, new DateTime(9999, 12, 31)),
            p => (p.IsPreorder, p.PreorderReleaseDate) = (true, new DateTime(1100, 1, 1)),
            p => (p.IsPreorder, p.PreorderReleaseDate) = (true, null),
        })
        {
            await RefusedAsync("a product setting past its range", async () =>
            {
                var input = new ProductPolicyInput { BackorderPolicy = BackorderPolicy.Allowed };
                change(input);
                var errors = await products.UpdatePolicyAsync("KET", input, TestActors.Merchant);
                return (errors.Count == 0, Join(errors.Values));
            });
        }

        foreach (var change in new Action<SupplierInput>[]
        {
            s => s.Email = BadInputs.LongText + "@example.com", s => s.Email = "not an address", s => s.Email = BadInputs.Script,
            s => s.Name = BadInputs.LongText, s => s.Name = "", s => s.DefaultLeadTimeDays = -1, s => s.DefaultLeadTimeDays = int.MaxValue,
            s => s.Phone = BadInputs.LongText, s => s.ContactName = BadInputs.LongText,
        })
        {
            await RefusedAsync("a supplier value past its limit", async () =>
            {
                var input = new SupplierInput { Name = "Acme", Email = "sales@acme.example.com" };
                change(input);
                var errors = await suppliers.SaveAsync(null, input, TestActors.Merchant);
                return (errors.Count == 0, Join(errors));
            });
        }

        foreach (var email in BadInputs.Emails.Append(""))
        {
            await RefusedAsync($"a user e-mail “{email[..Math.Min(20, email.Length)]}”", async () =>
            {
                var result = await users.CreateAsync(new NewUserInput { Email = email, Password = "correct horse battery", Roles = [Roles.Merchant] }, TestActors.Admin);
                return (result.Succeeded, Join(result.Errors));
            });
        }
        await RefusedAsync("a user name of 10,000 characters", async () =>
        {
            var result = await users.CreateAsync(new NewUserInput { Email = "pat@example.com", DisplayName = BadInputs.LongText, Password = "correct horse battery" }, TestActors.Admin);
            return (result.Succeeded, Join(result.Errors));
        });

        foreach (var (carrier, tracking) in new[] { (BadInputs.LongText, "1Z"), ("UPS", BadInputs.LongText) })
        {
            await RefusedAsync("a parcel with a 10,000-character carrier or tracking number", async () =>
            {
                var result = await shipping.ShipAsync(_orderId, await OrderVersionAsync(), null, carrier, tracking, TestActors.Merchant);
                return (result.Succeeded, result.Message);
            });
        }
        foreach (var qty in new[] { int.MaxValue, -1 })
        {
            await RefusedAsync($"a parcel of {qty} units", async () =>
            {
                await using var db = _db.CreateDbContext();
                var line = await db.OrderLines.FirstAsync();
                var result = await shipping.ShipAsync(_orderId, await OrderVersionAsync(), new Dictionary<int, int> { [line.Id] = qty }, "UPS", null, TestActors.Merchant);
                return (result.Succeeded, result.Message);
            });
        }

        foreach (var (subject, body) in new[] { (BadInputs.LongText, "Hello"), ("Hello", BadInputs.LongText + BadInputs.LongText), ("", "Hello"), ("Hello", "  ") })
        {
            await RefusedAsync("an update past its length", async () =>
            {
                var result = await messages.SendUpdateAsync(_orderId, subject, body, TestActors.Support);
                return (result.Succeeded, result.Message);
            });
        }

        await RefusedAsync("a cancellation with a 10,000-character reason", async () =>
        {
            await using var db = _db.CreateDbContext();
            var line = await db.OrderLines.FirstAsync();
            var result = await backorders.CancelAsync(line.Id, line.Version, BadInputs.LongText, false, TestActors.Support);
            return (result.Succeeded, result.Message);
        });

        output.WriteLine($"Service sweep: {_tried} bad inputs tried, every one refused with a reason and nothing stored.");
        Assert.Equal(102, _tried);
    }
}
