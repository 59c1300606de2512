using System.Net;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Admin;
using BackorderDashboard.Features.Audit;
using BackorderDashboard.Features.Backorders;
using BackorderDashboard.Features.Products;
using BackorderDashboard.Features.Restock;
using BackorderDashboard.Features.Settings;
using BackorderDashboard.Features.Tracking;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Features.Audit;

/// <summary>
/// Each kind of audit entry, written by the service that makes the change, on real SQLite. Kettles: none in stock;
/// Ann waits for 2 (promised Dec 1, now Dec 9: late, and told so), Ben for 1 (on time). PO-1 brings 4.
/// </summary>
public class AuditLogTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 17, 0, 0, TimeSpan.Zero);
    private static readonly Actor Ada = Actor.User("ada@example.com", [Roles.Admin], displayName: "Ada Admin", userId: "user-ada");
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private string _annToken = "";
    private int _annLine;
    private int _benLine;
    private int _po;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db, new FixedTimeProvider(Now));
        var roles = _services.Get<RoleManager<IdentityRole>>();
        foreach (var role in Roles.All)
        {
            await roles.CreateAsync(new IdentityRole(role));
        }
        await using var db = _db.CreateDbContext();
        var (category, supplier) = await TestData.AddCatalogAsync(db);
        var kettle = TestData.Product(category, supplier, "KET");
        var placed = Now.UtcDateTime.AddDays(-5);
        var ann = TestData.Order(TestData.Customer("Ann Lee", "ann@example.com"), "SO-ANN", placed);
        ann.Lines.Add(new OrderLine { Product = kettle, Qty = 2, UnitPriceCents = 1000, QueuedAt = placed, QtyBackorderedAtPlacement = 2,
            PromisedShipDate = new(2026, 12, 1), CurrentEta = new(2026, 12, 9) });
        var ben = TestData.Order(TestData.Customer("Ben Ode", "ben@example.com"), "SO-BEN", placed.AddHours(1));
        ben.Lines.Add(new OrderLine { Product = kettle, Qty = 1, UnitPriceCents = 1000, QueuedAt = placed.AddHours(1), QtyBackorderedAtPlacement = 1,
            PromisedShipDate = new(2026, 12, 9), CurrentEta = new(2026, 12, 9) });
        var po = new PurchaseOrder { Number = "PO-1", Supplier = supplier, Status = PurchaseOrderStatus.Ordered, OrderedAt = placed,
            ExpectedDate = new DateOnly(2026, 12, 8), OriginalExpectedDate = new DateOnly(2026, 12, 8), Lines = [new PurchaseOrderLine { Product = kettle, QtyOrdered = 4 }] };
        db.AddRange(ann, ben, po);
        await db.SaveChangesAsync();
        db.Tell(ann, MessageTemplates.Delay("Product KET", "SO-ANN", ann.Lines[0].Id, new(2026, 12, 9), new(2026, 12, 1)), Actor.System, Now.UtcDateTime);
        await db.SaveChangesAsync();
        (_annToken, _annLine, _benLine, _po) = (ann.TrackingToken, ann.Lines[0].Id, ben.Lines[0].Id, po.Id);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    private async Task<List<AuditEntry>> EntriesAsync(AuditKind? kind = null)
    {
        await using var db = _db.CreateDbContext();
        return await db.AuditEntries.AsNoTracking().Where(e => kind == null || e.Kind == kind).OrderBy(e => e.Id).ToListAsync();
    }

    private async Task<string> CreateUserAsync(string email, params string[] roles)
    {
        var created = await _services.Get<UserAdminService>().CreateAsync(
            new NewUserInput { Email = email, Password = "long enough passphrase", Roles = [.. roles] }, Ada);
        Assert.True(created.Succeeded, string.Join(" ", created.Errors));
        await using var db = _db.CreateDbContext();
        return await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
    }

    [Fact]
    public async Task Triggers_RefuseEveryUpdateAndDelete_SoNoEntryCanBeEdited()
    {
        await _services.Get<AuditLog>().RecordAsync(AuditKind.StockCorrection, Ada, "KET", "On hand 5 → 3");
        await using var db = _db.CreateDbContext();

        var update = await Assert.ThrowsAsync<SqliteException>(() => db.Database.ExecuteSqlRawAsync("UPDATE AuditEntries SET Summary = 'nothing happened'"));
        var delete = await Assert.ThrowsAsync<SqliteException>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM AuditEntries"));
        var viaEf = await Assert.ThrowsAsync<SqliteException>(() => db.AuditEntries.ExecuteDeleteAsync());

        Assert.Contains("append-only", update.Message);
        Assert.Contains("append-only", delete.Message);
        Assert.Contains("append-only", viaEf.Message);
        var entry = Assert.Single(await EntriesAsync());
        Assert.Equal("On hand 5 → 3", entry.Summary);
    }

    [Fact]
    public async Task SignIns_SuccessWrongPasswordUnknownAccountAndLockout_AreRecordedWithTheAddress()
    {
        var patId = await CreateUserAsync("pat@example.com", Roles.Merchant);
        await CreateUserAsync("kim@example.com", Roles.Manager);
        _services.Get<IHttpContextAccessor>().HttpContext = new DefaultHttpContext
        {
            RequestServices = _services.Services, Connection = { RemoteIpAddress = IPAddress.Parse("203.0.113.7") },
        };
        var signIn = _services.Get<SignInManager<ApplicationUser>>();

        Assert.True((await signIn.PasswordSignInAsync("kim@example.com", "long enough passphrase", false, lockoutOnFailure: true)).Succeeded);
        Assert.False((await signIn.PasswordSignInAsync("nobody@example.com", "long enough passphrase", false, lockoutOnFailure: true)).Succeeded);
        for (var i = 0; i < 5; i++)
        {
            await signIn.PasswordSignInAsync("pat@example.com", "wrong password!!", false, lockoutOnFailure: true);
        }

        var entries = (await EntriesAsync()).Where(e => e.Kind is AuditKind.SignIn or AuditKind.SignInFailed or AuditKind.SignInLockedOut).ToList();
        Assert.Equal([AuditKind.SignIn, AuditKind.SignInFailed, AuditKind.SignInFailed, AuditKind.SignInFailed, AuditKind.SignInFailed,
            AuditKind.SignInFailed, AuditKind.SignInLockedOut], entries.Select(e => e.Kind));
        Assert.All(entries, e => Assert.Equal("203.0.113.7", e.Address));
        Assert.Equal("kim@example.com", entries[0].Who);
        Assert.Equal(("nobody@example.com", (string?)null), (entries[1].Who, entries[1].UserId));
        Assert.Contains("no account", entries[1].Summary);
        Assert.Equal(patId, entries[2].UserId);
        Assert.Contains("wrong password (1 in a row from this address)", entries[2].Summary);
        Assert.Contains("locked out", entries[^1].Summary);
    }

    [Fact]
    public async Task UserChanges_CreateRolesDeactivateReactivateResetUnlockAndDelete_EachRecordedWithWhoDidIt()
    {
        var users = _services.Get<UserAdminService>();
        await CreateUserAsync("ada@example.com", Roles.Admin);
        var patId = await CreateUserAsync("pat@example.com", Roles.Merchant);

        Assert.True((await users.SetRolesAsync(patId, [Roles.CustomerService, Roles.Manager], Ada)).Succeeded);
        Assert.True((await users.DeactivateAsync(patId, Ada)).Succeeded);
        Assert.True((await users.ReactivateAsync(patId, Ada)).Succeeded);
        Assert.True((await users.ResetPasswordAsync(patId, null, Ada)).Succeeded);
        Assert.True((await users.UnlockAsync(patId, Ada)).Succeeded);
        var pat = Actor.User("pat@example.com", [Roles.CustomerService, Roles.Manager], userId: patId);
        Assert.True((await users.DeleteOwnAccountAsync(patId, pat)).Succeeded);

        var entries = (await EntriesAsync()).Where(e => e.Subject == "pat@example.com").ToList();
        Assert.Equal([AuditKind.UserCreated, AuditKind.RolesChanged, AuditKind.UserDeactivated, AuditKind.UserReactivated, AuditKind.PasswordReset,
            AuditKind.UserUnlocked, AuditKind.UserDeleted], entries.Select(e => e.Kind));
        Assert.Equal("Roles Merchant (operations) → Customer service, Manager.", entries[1].Summary);
        Assert.Equal(("user-ada", "ada@example.com", "Ada Admin"), (entries[1].UserId, entries[1].Who, entries[1].WhoName));
        Assert.Equal(patId, entries[^1].UserId);
        Assert.Equal("pat@example.com", entries[^1].Who);
    }

    [Fact]
    public async Task RefusedChange_WritesNoEntry()
    {
        var patId = await CreateUserAsync("pat@example.com", Roles.Merchant);
        var before = (await EntriesAsync()).Count;

        Assert.False((await _services.Get<UserAdminService>().SetRolesAsync(patId, [Roles.Admin], TestActors.Manager)).Succeeded);
        var refused = await _services.Get<ReceivingService>().CommitAsync(new ReceiptInput
        {
            IdempotencyKey = "k-1", PurchaseOrderId = _po, Lines = [new ReceiptLineInput { Sku = "KET", Qty = 1 }],
        }, TestActors.Manager);

        Assert.False(refused.Succeeded);
        Assert.Equal(before, (await EntriesAsync()).Count);
    }

    [Fact]
    public async Task StoreSettings_Change_RecordsEachSettingOldToNew_AndAnUnchangedSaveRecordsNothing()
    {
        var store = _services.Get<StoreSettingsService>();
        var input = SettingsService.ToInput(await store.GetAsync());
        var handling = input.DefaultHandlingDays;
        input.DefaultHandlingDays = handling + 2;
        input.StoreName = "Pinecrest Goods";

        Assert.Empty(await store.SaveAsync(input, Ada));
        Assert.Empty(await store.SaveAsync(input, Ada));

        var entry = Assert.Single(await EntriesAsync(AuditKind.SettingsChanged));
        Assert.Equal("store settings", entry.Subject);
        Assert.Contains("Store name", entry.Summary);
        Assert.Contains("→ Pinecrest Goods", entry.Summary);
        Assert.Contains($"Handling days {handling} → {handling + 2}", entry.Summary);
        Assert.DoesNotContain("Time zone", entry.Summary);
    }

    [Fact]
    public async Task ProductSettings_Change_RecordsWhatChangedOldToNew()
    {
        var result = await _services.Get<ProductService>().UpdatePolicyAsync("KET",
            new ProductPolicyInput { BackorderPolicy = BackorderPolicy.Allowed, HandlingDays = 3, BackorderCap = 40 }, TestActors.Merchant);

        Assert.Empty(result);
        var entry = Assert.Single(await EntriesAsync(AuditKind.ProductSettingsChanged));
        Assert.Equal(("KET", "merchant@example.com"), (entry.Subject, entry.Who));
        Assert.Equal("Backorder cap (none) → 40; Handling days (none) → 3", entry.Summary);
    }

    [Fact]
    public async Task Receipt_RecordsThePurchaseOrderAndUnitsPerSku_ButAPreviewRecordsNothing()
    {
        var receiving = _services.Get<ReceivingService>();
        var input = new ReceiptInput { IdempotencyKey = "r-1", PurchaseOrderId = _po, Lines = [new ReceiptLineInput { Sku = "KET", Qty = 3 }] };

        Assert.True((await receiving.PreviewAsync(input, TestActors.Merchant)).Succeeded);
        Assert.Empty(await EntriesAsync(AuditKind.Receipt));
        Assert.True((await receiving.CommitAsync(input, TestActors.Merchant)).Succeeded);
        Assert.True((await receiving.CommitAsync(input, TestActors.Merchant)).Succeeded); // the same key again: applied once

        var entry = Assert.Single(await EntriesAsync(AuditKind.Receipt));
        Assert.Equal(("PO-1", "3 units received: KET × 3."), (entry.Subject, entry.Summary));
    }

    [Fact]
    public async Task Cancellations_ByStaffAndByTheCustomerOnTheTrackingPage_AreRecordedWithUnits()
    {
        await using (var db = _db.CreateDbContext())
        {
            var version = await db.OrderLines.Where(l => l.Id == _benLine).Select(l => l.Version).SingleAsync();
            Assert.True((await _services.Get<BackorderService>().CancelAsync(_benLine, version, "found it elsewhere", false, TestActors.Support)).Succeeded);
        }
        Assert.True((await _services.Get<TrackingService>().CancelDelayedLineAsync(_annToken, _annLine, Actor.Customer("SO-ANN"), units: 2)).Succeeded);

        var entries = await EntriesAsync(AuditKind.Cancellation);
        Assert.Equal(2, entries.Count);
        Assert.Equal(("SO-BEN", "support@example.com"), (entries[0].Subject, entries[0].Who));
        Assert.StartsWith("1 unit of KET (Product KET) cancelled: found it elsewhere", entries[0].Summary);
        Assert.Equal(("SO-ANN", AuditLog.CustomerWho), (entries[1].Subject, entries[1].Who));
        Assert.StartsWith("2 units of KET (Product KET) cancelled by the customer", entries[1].Summary);
    }

    [Fact]
    public async Task StockCorrection_IsWrittenInTheCallersTransaction_AndOnlyWhenItCommits()
    {
        var audit = _services.Get<AuditLog>();
        await using var db = _db.CreateDbContext();
        await using (var rolledBack = await db.BeginWriteAsync())
        {
            await audit.RecordStockCorrectionAsync(db, TestActors.Merchant, "KET", 5, 3, "two broken in the warehouse");
            await rolledBack.RollbackAsync();
        }
        Assert.Empty(await EntriesAsync(AuditKind.StockCorrection));
        db.ChangeTracker.Clear();

        await using (var committed = await db.BeginWriteAsync())
        {
            await audit.RecordStockCorrectionAsync(db, TestActors.Merchant, "KET", 5, 3, "two broken in the warehouse");
            await committed.CommitAsync();
        }

        var entry = Assert.Single(await EntriesAsync(AuditKind.StockCorrection));
        Assert.Equal(("KET", "On hand 5 → 3 (-2): two broken in the warehouse"), (entry.Subject, entry.Summary));
    }

    [Fact]
    public async Task CommandLineAndSystem_AreNamedAsSuch()
    {
        var audit = _services.Get<AuditLog>();
        await audit.RecordAsync(AuditKind.UserCreated, Actor.SystemVia(ActorChannel.CommandLine), "first@example.com", "Account created.");
        await audit.RecordAsync(AuditKind.StockCorrection, Actor.System, "KET", "On hand 1 → 0");

        Assert.Equal([AuditLog.CommandLineWho, "system"], (await EntriesAsync()).Select(e => e.Who));
    }
}
