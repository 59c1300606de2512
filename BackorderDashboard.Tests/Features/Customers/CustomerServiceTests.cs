using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Customers;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Features.Customers;

/// <summary>
/// The store puts VIP customers first. A kettle with none in stock: PO-1 brings 1 unit on Dec 1, PO-2 ten on Dec 10;
/// one handling day. Bea (standard) waits for 1, promised Dec 2; Vic (standard, phone +1 555-0199) waits for 1 after
/// her, promised Dec 11; Eve (VIP) has a mug shipped long ago and is on the kettle's waitlist.
/// </summary>
public class CustomerServiceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 17, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Dec2 = new(2026, 12, 2);
    private static readonly DateOnly Dec11 = new(2026, 12, 11);
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private CustomerService _service = null!;
    private readonly Dictionary<string, int> _customers = [];
    private int _waitlistEntry;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db, new FixedTimeProvider(Now));
        _service = _services.Get<CustomerService>();

        await using var db = _db.CreateDbContext();
        db.MerchantSettings.Add(new MerchantSettings { TimeZoneId = "America/New_York", VipFirstInQueue = true, DefaultHandlingDays = 1, UpdatedAt = Now.UtcDateTime });
        var (category, supplier) = await TestData.AddCatalogAsync(db);
        var kettle = TestData.Product(category, supplier, "KET");
        kettle.HandlingDays = 1;
        var mug = TestData.Product(category, supplier, "MUG");
        db.AddRange(kettle, mug);
        db.PurchaseOrders.AddRange(
            new PurchaseOrder { Number = "PO-1", Supplier = supplier, Status = PurchaseOrderStatus.Ordered, ExpectedDate = new DateOnly(2026, 12, 1),
                Lines = [new PurchaseOrderLine { Product = kettle, QtyOrdered = 1 }] },
            new PurchaseOrder { Number = "PO-2", Supplier = supplier, Status = PurchaseOrderStatus.Ordered, ExpectedDate = new DateOnly(2026, 12, 10),
                Lines = [new PurchaseOrderLine { Product = kettle, QtyOrdered = 10 }] });
        var bea = TestData.Order(TestData.Customer("Bea Brown", "bea@example.com"), "SO-BEA", Now.UtcDateTime.AddDays(-3));
        bea.Lines.Add(new OrderLine { Product = kettle, Qty = 1, QueuedAt = bea.PlacedAt, QtyBackorderedAtPlacement = 1, PromisedShipDate = Dec2, CurrentEta = Dec2 });
        var vic = TestData.Order(TestData.Customer("Vic Vance", "Vic.Vance@Example.com", "+1 555-0199"), "SO-VIC", Now.UtcDateTime.AddDays(-2));
        vic.Lines.Add(new OrderLine { Product = kettle, Qty = 1, QueuedAt = vic.PlacedAt, QtyBackorderedAtPlacement = 1, PromisedShipDate = Dec11, CurrentEta = Dec11 });
        var eveCustomer = TestData.Customer("Eve Early", "eve@example.com");
        eveCustomer.Tier = CustomerTier.Vip;
        var eve = TestData.Order(eveCustomer, "SO-EVE", Now.UtcDateTime.AddDays(-30));
        eve.Lines.Add(new OrderLine { Product = mug, Qty = 2, QtyShipped = 2 });
        db.Orders.AddRange(bea, vic, eve);
        var entry = new WaitlistEntry { Product = kettle, Customer = eveCustomer, CreatedAt = Now.UtcDateTime.AddDays(-1) };
        db.Waitlist.Add(entry);
        await db.SaveChangesAsync();
        _customers["Bea"] = bea.CustomerId;
        _customers["Vic"] = vic.CustomerId;
        _customers["Eve"] = eve.CustomerId;
        _waitlistEntry = entry.Id;
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    private async Task<CustomerInput> InputAsync(string name) => CustomerService.ToInput((await _service.GetAsync(_customers[name]))!);

    private async Task<OrderLine> KettleLineAsync(string orderNumber)
    {
        await using var db = _db.CreateDbContext();
        return await db.OrderLines.AsNoTracking().SingleAsync(l => l.Order.Number == orderNumber);
    }

    [Theory]
    [InlineData("VANCE@example", "Vic Vance")]
    [InlineData("bea", "Bea Brown")]
    [InlineData("555 0199", "Vic Vance")]
    [InlineData("5550199", "Vic Vance")]
    public async Task GetPage_SearchByPartOfNameEmailOrPhoneInAnyCase_FindsTheCustomer(string search, string expected)
    {
        var page = await _service.GetPageAsync(new CustomerQuery(search));

        Assert.Equal(expected, Assert.Single(page.Rows).Name);
        Assert.Equal(1, page.Total);
    }

    [Fact]
    public async Task GetPage_TierAndOpenBackorderFilters_KeepOnlyThoseCustomers()
    {
        var vip = await _service.GetPageAsync(new CustomerQuery(Tier: CustomerTier.Vip));
        var waiting = await _service.GetPageAsync(new CustomerQuery(OpenBackordersOnly: true));

        Assert.Equal(["Eve Early"], vip.Rows.Select(r => r.Name));
        Assert.Equal(["Bea Brown", "Vic Vance"], waiting.Rows.Select(r => r.Name));
        Assert.Equal(2, waiting.Total);
    }

    [Fact]
    public async Task GetPage_Rows_CountOrdersWaitingLinesUnitsAndLastOrder()
    {
        var rows = (await _service.GetPageAsync(new CustomerQuery())).Rows.ToDictionary(r => r.Name);

        Assert.Equal((1, 1, 1L), (rows["Bea Brown"].Orders, rows["Bea Brown"].OpenLines, rows["Bea Brown"].UnitsWaiting));
        Assert.Equal((1, 0, 0L), (rows["Eve Early"].Orders, rows["Eve Early"].OpenLines, rows["Eve Early"].UnitsWaiting));
        Assert.Equal(Now.UtcDateTime.AddDays(-30), rows["Eve Early"].LastOrderAt);
    }

    [Fact]
    public async Task Get_Customer_ShowsOrdersPlaceInLineAndWaitlist()
    {
        var vic = (await _service.GetAsync(_customers["Vic"]))!;
        var eve = (await _service.GetAsync(_customers["Eve"]))!;

        var line = Assert.Single(vic.Backorders);
        Assert.Equal(("SO-VIC", "KET", 1, 2, Dec11), (line.OrderNumber, line.Sku, line.Waiting, line.Place, line.Eta));
        Assert.Equal(CustomerOrderState.Waiting, Assert.Single(vic.Orders).State);
        Assert.Equal(CustomerOrderState.Shipped, Assert.Single(eve.Orders).State);
        Assert.Equal(("KET", (DateTime?)null), (Assert.Single(eve.Waitlist).Sku, eve.Waitlist[0].NotifiedAt));
    }

    [Fact]
    public async Task Update_MakingACustomerVip_MovesTheirLineAheadAndTellsTheOneNowLate()
    {
        var input = await InputAsync("Vic");
        input.Tier = CustomerTier.Vip;

        var errors = await _service.UpdateAsync(_customers["Vic"], input, TestActors.Support);

        Assert.Empty(errors);
        var vic = await KettleLineAsync("SO-VIC");
        var bea = await KettleLineAsync("SO-BEA");
        Assert.Equal((QueuePriority.Vip, Dec2), (vic.Priority, vic.CurrentEta));
        Assert.Equal((QueuePriority.Standard, Dec11, Dec2), (bea.Priority, bea.CurrentEta, bea.PromisedShipDate));
        await using var db = _db.CreateDbContext();
        var delay = await db.Outbox.SingleAsync(m => m.Kind == MessageKind.Delay);
        Assert.Equal("bea@example.com", delay.ToEmail);
        var moved = await db.OrderEvents.SingleAsync(e => e.Kind == OrderEventKind.CustomerTierChanged);
        Assert.Equal((vic.OrderId, "support@example.com"), (moved.OrderId, moved.UserName));
        var audit = await db.AuditEntries.SingleAsync(a => a.Kind == AuditKind.CustomerChanged);
        Assert.Equal("Tier Standard → VIP", audit.Summary);
    }

    [Fact]
    public async Task Update_VipFirstOff_TierChangesButTheQueueStays()
    {
        await using (var db = _db.CreateDbContext())
        {
            await db.MerchantSettings.ExecuteUpdateAsync(s => s.SetProperty(m => m.VipFirstInQueue, false));
        }
        var input = await InputAsync("Vic");
        input.Tier = CustomerTier.Vip;

        Assert.Empty(await _service.UpdateAsync(_customers["Vic"], input, TestActors.Support));

        var vic = await KettleLineAsync("SO-VIC");
        Assert.Equal((QueuePriority.Standard, Dec11), (vic.Priority, vic.CurrentEta));
        Assert.Equal(CustomerTier.Vip, (await _service.GetAsync(_customers["Vic"]))!.Tier);
    }

    [Fact]
    public async Task Update_ExpeditedLineOfACustomerMadeStandard_StaysExpedited()
    {
        await using (var db = _db.CreateDbContext())
        {
            await db.Customers.Where(c => c.Id == _customers["Vic"]).ExecuteUpdateAsync(s => s.SetProperty(c => c.Tier, CustomerTier.Vip));
            await db.OrderLines.Where(l => l.Order.Number == "SO-VIC").ExecuteUpdateAsync(s => s.SetProperty(l => l.Priority, QueuePriority.Expedited));
        }
        var input = await InputAsync("Vic");
        input.Tier = CustomerTier.Standard;

        Assert.Empty(await _service.UpdateAsync(_customers["Vic"], input, TestActors.Merchant));

        Assert.Equal(QueuePriority.Expedited, (await KettleLineAsync("SO-VIC")).Priority);
    }

    [Fact]
    public async Task Update_EmailOfAnotherCustomerInOtherCase_RefusedAtTheFieldAndNothingSaved()
    {
        var input = await InputAsync("Bea");
        input.Email = "VIC.vance@example.COM";
        input.Phone = "555 1234";

        var errors = await _service.UpdateAsync(_customers["Bea"], input, TestActors.Support);

        Assert.Equal("Another customer already has the e-mail address VIC.vance@example.COM.", errors[nameof(CustomerInput.Email)]);
        var bea = (await _service.GetAsync(_customers["Bea"]))!;
        Assert.Equal(("bea@example.com", (string?)null), (bea.Email, bea.Phone));
    }

    [Theory]
    [InlineData("not an address", nameof(CustomerInput.Email))]
    [InlineData("", nameof(CustomerInput.Email))]
    public async Task Update_BadEmail_RefusedAtTheField(string email, string field)
    {
        var input = await InputAsync("Bea");
        input.Email = email;

        var errors = await _service.UpdateAsync(_customers["Bea"], input, TestActors.Support);

        Assert.True(errors.ContainsKey(field));
        Assert.Equal("bea@example.com", (await _service.GetAsync(_customers["Bea"]))!.Email);
    }

    [Fact]
    public async Task Update_NameTooLong_RefusedAtTheField()
    {
        var input = await InputAsync("Bea");
        input.Name = new string('n', Limits.MaxNameLength + 1);

        var errors = await _service.UpdateAsync(_customers["Bea"], input, TestActors.Support);

        Assert.Equal("The name can be at most 200 characters long.", errors[nameof(CustomerInput.Name)]);
    }

    [Fact]
    public async Task Update_Phone_SavedTrimmedAndAudited()
    {
        var input = await InputAsync("Bea");
        input.Phone = "  +44 20 7946 0000 ";

        Assert.Empty(await _service.UpdateAsync(_customers["Bea"], input, TestActors.Support));

        Assert.Equal("+44 20 7946 0000", (await _service.GetAsync(_customers["Bea"]))!.Phone);
        await using var db = _db.CreateDbContext();
        var audit = await db.AuditEntries.SingleAsync(a => a.Kind == AuditKind.CustomerChanged);
        Assert.Equal(("bea@example.com", "Phone (none) → +44 20 7946 0000"), (audit.Subject, audit.Summary));
    }

    [Fact]
    public async Task Update_ByManager_RefusedWithoutWriting()
    {
        var input = await InputAsync("Bea");
        input.Name = "Someone Else";

        var errors = await _service.UpdateAsync(_customers["Bea"], input, TestActors.Manager);

        Assert.Equal("Managers can't edit customers.", errors[""]);
        Assert.Equal("Bea Brown", (await _service.GetAsync(_customers["Bea"]))!.Name);
    }

    [Fact]
    public async Task RemoveWaitlistEntry_BySupport_EntryGoneAndAudited()
    {
        var result = await _service.RemoveWaitlistEntryAsync(_waitlistEntry, TestActors.Support);

        Assert.True(result.Succeeded, result.Message);
        Assert.Empty((await _service.GetAsync(_customers["Eve"]))!.Waitlist);
        await using var db = _db.CreateDbContext();
        var audit = await db.AuditEntries.SingleAsync(a => a.Kind == AuditKind.WaitlistEntryRemoved);
        Assert.Equal("eve@example.com", audit.Subject);
        Assert.Contains("KET", audit.Summary);
    }

    [Fact]
    public async Task RemoveWaitlistEntry_Twice_SecondSaysItIsGone()
    {
        await _service.RemoveWaitlistEntryAsync(_waitlistEntry, TestActors.Support);

        var again = await _service.RemoveWaitlistEntryAsync(_waitlistEntry, TestActors.Support);

        Assert.False(again.Succeeded);
    }

    [Fact]
    public async Task RemoveWaitlistEntry_ByManager_RefusedAndKept()
    {
        var result = await _service.RemoveWaitlistEntryAsync(_waitlistEntry, TestActors.Manager);

        Assert.False(result.Succeeded);
        Assert.Single((await _service.GetAsync(_customers["Eve"]))!.Waitlist);
    }

    [Fact]
    public async Task Stream_WithFilters_WritesTheRowsOfTheList()
    {
        var query = new CustomerQuery(OpenBackordersOnly: true);
        var streamed = new List<CustomerRow>();
        await foreach (var row in _service.StreamAsync(query))
        {
            streamed.Add(row);
        }

        Assert.Equal((await _service.GetPageAsync(query)).Rows, streamed);
    }
}
