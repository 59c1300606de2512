using System.ComponentModel.DataAnnotations;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Audit;
using BackorderDashboard.Features.Backorders;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Features.Customers;

public sealed record CustomerQuery(string? Search = null, CustomerTier? Tier = null, bool OpenBackordersOnly = false, int Page = 0, int PageSize = 50);

/// <summary>One customer in the list: contact, tier, how many orders, what still waits, when they last ordered.</summary>
public sealed record CustomerRow(int Id, string Name, string Email, string? Phone, CustomerTier Tier, int Orders, int OpenLines, long UnitsWaiting,
    DateTime? LastOrderAt);

public sealed record CustomerListPage(IReadOnlyList<CustomerRow> Rows, int Total);

/// <summary>Where an order stands, as a whole, in the words of the customer page.</summary>
public enum CustomerOrderState
{
    Waiting,
    ReadyToShip,
    Shipped,
    Cancelled,
}

public sealed record CustomerOrderRow(string Number, DateTime PlacedAt, CustomerOrderState State, int Lines, int LinesWaiting, long TotalCents);

/// <summary>A line of the customer's still waiting for stock: its place in the product's queue and its dates.</summary>
public sealed record CustomerBackorderRow(string OrderNumber, string Sku, string ProductName, int Waiting, int Place, DateOnly? Promised, DateOnly? Eta)
{
    public bool Late => Eta > Promised;
}

public sealed record CustomerWaitlistRow(int Id, string Sku, string ProductName, DateTime Since, DateTime? NotifiedAt);

public sealed record CustomerMessageRow(long Id, string Subject, MessageState State, DateTime CreatedAt, DateTime? SentAt, string? OrderNumber);

public sealed record CustomerDetail(
    int Id, string Name, string Email, string? Phone, CustomerTier Tier, DateTime CreatedAt, int OrderCount,
    IReadOnlyList<CustomerOrderRow> Orders, IReadOnlyList<CustomerBackorderRow> Backorders, IReadOnlyList<CustomerWaitlistRow> Waitlist,
    IReadOnlyList<CustomerMessageRow> Messages);

/// <summary>A customer's contact details and tier, as the order desk edits them.</summary>
public sealed class CustomerInput
{
    [Required(ErrorMessage = "Enter the customer's name.")]
    [MaxLength(Limits.MaxNameLength, ErrorMessage = "The name can be at most 200 characters long.")]
    public string Name { get; set; } = "";

    [Required(ErrorMessage = "Enter an e-mail address.")]
    [EmailRule]
    public string Email { get; set; } = "";

    [MaxLength(Limits.MaxPhoneLength, ErrorMessage = "The phone number can be at most 50 characters long.")]
    public string? Phone { get; set; }

    public CustomerTier Tier { get; set; }
}

/// <summary>
/// The store's customers: the list, one customer with their orders, waiting lines, waitlist entries and messages,
/// changes to their contact details and tier, and their removal from a product's waitlist.
/// </summary>
public sealed class CustomerService(IDbContextFactory<AppDbContext> dbFactory, QueueMaintenance queue, SettingsService settings, TimeProvider time,
    AuditLog audit)
{
    /// <summary>How many of a customer's orders and messages the page lists (newest first); the export has every order.</summary>
    public const int DetailListSize = 50;

    public async Task<CustomerListPage> GetPageAsync(CustomerQuery query, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var customers = Filter(db, query);
        var total = await customers.CountAsync(ct);
        var rows = await Rows(db, customers).Skip(Math.Max(0, query.Page) * query.PageSize).Take(query.PageSize).ToListAsync(ct);
        return new CustomerListPage(rows, total);
    }

    /// <summary>Every customer the filters match, in the list's order, read as the caller writes them (an export).</summary>
    public async IAsyncEnumerable<CustomerRow> StreamAsync(CustomerQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await foreach (var row in Rows(db, Filter(db, query)).AsAsyncEnumerable().WithCancellation(ct))
        {
            yield return row;
        }
    }

    private static IQueryable<Customer> Filter(AppDbContext db, CustomerQuery query)
    {
        var customers = db.Customers.AsNoTracking();
        if (query.Search?.Trim() is { Length: > 0 } search)
        {
            customers = customers.Matching(search);
        }
        if (query.Tier is { } tier)
        {
            customers = customers.Where(c => c.Tier == tier);
        }
        if (query.OpenBackordersOnly)
        {
            customers = customers.Where(c => db.OrderLines.Any(l => l.Order.CustomerId == c.Id && l.QtyUnfilled > 0));
        }
        return customers;
    }

    private static IQueryable<CustomerRow> Rows(AppDbContext db, IQueryable<Customer> customers) =>
        customers.OrderBy(c => c.Name).ThenBy(c => c.Id)
            .Select(c => new CustomerRow(c.Id, c.Name, c.Email, c.Phone, c.Tier,
                db.Orders.Count(o => o.CustomerId == c.Id),
                db.OrderLines.Count(l => l.Order.CustomerId == c.Id && l.QtyUnfilled > 0),
                db.OrderLines.Where(l => l.Order.CustomerId == c.Id && l.QtyUnfilled > 0).Sum(l => (long)l.QtyUnfilled),
                db.Orders.Where(o => o.CustomerId == c.Id).Max(o => (DateTime?)o.PlacedAt)));

    public async Task<CustomerDetail?> GetAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var customer = await db.Customers.AsNoTracking().Where(c => c.Id == id)
            .Select(c => new { c.Id, c.Name, c.Email, c.Phone, c.Tier, c.CreatedAt, Orders = db.Orders.Count(o => o.CustomerId == c.Id) })
            .SingleOrDefaultAsync(ct);
        if (customer is null)
        {
            return null;
        }
        var orders = (await db.Orders.AsNoTracking().Where(o => o.CustomerId == id)
                .OrderByDescending(o => o.PlacedAt).ThenByDescending(o => o.Id).Take(DetailListSize)
                .Select(o => new
                {
                    o.Number, o.PlacedAt, Lines = o.Lines.Count, Waiting = o.Lines.Count(l => l.QtyUnfilled > 0),
                    Allocated = o.Lines.Sum(l => l.QtyAllocated), Shipped = o.Lines.Sum(l => l.QtyShipped),
                    Open = o.Lines.Sum(l => l.Qty - l.QtyCancelled), Total = o.Lines.Sum(l => l.UnitPriceCents * (l.Qty - l.QtyCancelled)),
                })
                .ToListAsync(ct))
            .Select(o => new CustomerOrderRow(o.Number, o.PlacedAt,
                o.Open == 0 ? CustomerOrderState.Cancelled
                : o.Waiting > 0 ? CustomerOrderState.Waiting
                : o.Allocated > 0 ? CustomerOrderState.ReadyToShip
                : CustomerOrderState.Shipped,
                o.Lines, o.Waiting, o.Total))
            .ToList();
        var backorders = await db.OrderLines.AsNoTracking().Where(l => l.Order.CustomerId == id && l.QtyUnfilled > 0)
            .OrderBy(l => l.Order.PlacedAt).ThenBy(l => l.Id)
            .Select(l => new CustomerBackorderRow(l.Order.Number, l.Product.Sku, l.Product.Name, l.QtyUnfilled,
                db.OrderLines.LinesAhead(l).Count() + 1, l.PromisedShipDate, l.CurrentEta))
            .WithRules()
            .ToListAsync(ct);
        var waitlist = await db.Waitlist.AsNoTracking().Where(w => w.CustomerId == id)
            .OrderBy(w => w.CreatedAt).ThenBy(w => w.Id)
            .Select(w => new CustomerWaitlistRow(w.Id, w.Product.Sku, w.Product.Name, w.CreatedAt, w.NotifiedAt))
            .ToListAsync(ct);
        // The messages about the customer's orders, and those about no order (a waitlist's back-in-stock note) sent to them.
        var messages = await db.Outbox.AsNoTracking()
            .Where(m => (m.OrderId != null && m.Order!.CustomerId == id) || (m.OrderId == null && m.ToEmail == customer.Email))
            .OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Take(DetailListSize)
            .Select(m => new CustomerMessageRow(m.Id, m.Subject, m.State, m.CreatedAt, m.SentAt, m.Order != null ? m.Order.Number : null))
            .ToListAsync(ct);
        return new CustomerDetail(customer.Id, customer.Name, customer.Email, customer.Phone, customer.Tier, customer.CreatedAt, customer.Orders,
            orders, backorders, waitlist, messages);
    }

    public static CustomerInput ToInput(CustomerDetail detail) =>
        new() { Name = detail.Name, Email = detail.Email, Phone = detail.Phone, Tier = detail.Tier };

    /// <summary>
    /// Saves a customer's contact details and tier. Orders keep their lines and promises; with VIP customers first in
    /// the queue, a new tier moves the customer's waiting lines (expedited ones stay on top) and their products' queues
    /// are dated again in the same transaction, so whoever a move makes late gets their delay message.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> UpdateAsync(int id, CustomerInput input, Actor actor, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.EditCustomer) is { } refused)
        {
            return new Dictionary<string, string> { [""] = refused };
        }
        var errors = InputValidation.Errors(input);
        if (errors.Count > 0)
        {
            return errors;
        }
        var name = input.Name.Trim();
        var email = input.Email.Trim();
        var phone = string.IsNullOrWhiteSpace(input.Phone) ? null : input.Phone.Trim();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var customer = await db.Customers.SingleOrDefaultAsync(c => c.Id == id, ct);
        if (customer is null)
        {
            return new Dictionary<string, string> { [""] = "This customer no longer exists." };
        }
        // Orders find their customer by e-mail: two customers with one address would merge their orders.
        var lower = email.ToLowerInvariant();
        if (await db.Customers.AnyAsync(c => c.Id != id && c.Email.ToLower() == lower, ct))
        {
            return new Dictionary<string, string> { [nameof(CustomerInput.Email)] = $"Another customer already has the e-mail address {email}." };
        }
        var before = (customer.Name, customer.Email, customer.Phone, customer.Tier);
        customer.Name = name;
        customer.Email = email;
        customer.Phone = phone;
        customer.Tier = input.Tier;
        var changes = AuditLog.Changes(
            ("Name", before.Name, name), ("E-mail", before.Email, email), ("Phone", before.Phone, phone), ("Tier", TierText(before.Tier), TierText(input.Tier)));
        if (changes.Length == 0)
        {
            return errors;
        }
        audit.Add(db, AuditKind.CustomerChanged, actor, email, changes);
        await db.SaveChangesAsync(ct);
        if (before.Tier != input.Tier && (await settings.GetAsync(ct)).VipFirstInQueue)
        {
            await RequeueAsync(db, customer, actor, ct);
        }
        await tx.CommitAsync(ct);
        return errors;
    }

    /// <summary>The customer's waiting lines take the priority of their new tier; each product's queue is dated again.</summary>
    private async Task RequeueAsync(AppDbContext db, Customer customer, Actor actor, CancellationToken ct)
    {
        var priority = QueuePriorities.For(customer.Tier, vipFirst: true);
        var lines = await db.OrderLines.Include(l => l.Product)
            .Where(l => l.Order.CustomerId == customer.Id && l.QtyUnfilled > 0 && l.Priority != QueuePriority.Expedited && l.Priority != priority)
            .OrderBy(l => l.Id)
            .ToListAsync(ct);
        if (lines.Count == 0)
        {
            return;
        }
        var now = time.GetUtcNow().UtcDateTime;
        var tier = TierText(customer.Tier);
        foreach (var line in lines)
        {
            line.Priority = priority;
            line.Version++;
            db.Record(line.OrderId, OrderEventKind.CustomerTierChanged,
                customer.Tier == CustomerTier.Vip
                    ? $"{customer.Name} is now a VIP customer: {line.Product.Name} moves ahead of standard customers in its queue."
                    : $"{customer.Name} is now a {tier} customer: {line.Product.Name} queues with standard customers again.",
                actor, now, line.Id);
        }
        await db.SaveChangesAsync(ct);
        await queue.RecomputeEtasAsync(db, lines.Select(l => l.ProductId), $"{customer.Name} became a {tier} customer", actor, ct);
    }

    /// <summary>Takes the customer off the product's waitlist: they will not be told it is back in stock.</summary>
    public async Task<ActionResult> RemoveWaitlistEntryAsync(int entryId, Actor actor, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.RemoveWaitlistEntry) is { } refused)
        {
            return ActionResult.Fail(refused);
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var entry = await db.Waitlist.Include(w => w.Customer).Include(w => w.Product).SingleOrDefaultAsync(w => w.Id == entryId, ct);
        if (entry is null)
        {
            return ActionResult.Fail("That waitlist entry was removed a moment ago.");
        }
        db.Waitlist.Remove(entry);
        audit.Add(db, AuditKind.WaitlistEntryRemoved, actor, entry.Customer.Email,
            $"{entry.Customer.Name} removed from the waitlist of {entry.Product.Sku} ({entry.Product.Name}){(entry.NotifiedAt is null ? ", not told yet" : ", already told")}.");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return ActionResult.Ok($"{entry.Customer.Name} is off the waitlist for {entry.Product.Name}.");
    }

    public static string TierText(CustomerTier tier) => tier == CustomerTier.Vip ? "VIP" : "Standard";

    public static string StateText(CustomerOrderState state) => state switch
    {
        CustomerOrderState.Waiting => "Waiting for stock",
        CustomerOrderState.ReadyToShip => "Ready to ship",
        CustomerOrderState.Shipped => "Shipped",
        _ => "Cancelled",
    };
}
