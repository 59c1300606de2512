using System.ComponentModel.DataAnnotations;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Features.Restock;

/// <summary>How a supplier has kept its word: lead time (ordered → received) and the share received by the date agreed.</summary>
public sealed record SupplierReliability(int Receipts, double? MeanDays, double? StdDevDays, double? OnTimePercent)
{
    /// <summary>Mean, population standard deviation and on-time share of received purchase orders.</summary>
    public static SupplierReliability From(IReadOnlyList<(double LeadDays, bool OnTime)> receipts)
    {
        if (receipts.Count == 0)
        {
            return new SupplierReliability(0, null, null, null);
        }
        var mean = receipts.Average(r => r.LeadDays);
        var variance = receipts.Average(r => (r.LeadDays - mean) * (r.LeadDays - mean));
        return new SupplierReliability(receipts.Count, mean, Math.Sqrt(variance), 100.0 * receipts.Count(r => r.OnTime) / receipts.Count);
    }
}

public sealed record SupplierRow(int Id, string Name, string? ContactName, string? Email, string? Phone, int DefaultLeadTimeDays,
    int OpenOrders, int Products, SupplierReliability Reliability, LeadTimeRange? Range);

public sealed class SupplierInput
{
    [Required(ErrorMessage = "Enter the supplier's name.")]
    [MaxLength(Limits.MaxNameLength, ErrorMessage = "The name can be at most 200 characters long.")]
    public string Name { get; set; } = "";

    [MaxLength(Limits.MaxNameLength, ErrorMessage = "The contact's name can be at most 200 characters long.")]
    public string? ContactName { get; set; }

    [EmailRule]
    public string? Email { get; set; }

    [MaxLength(Limits.MaxPhoneLength, ErrorMessage = "The phone number can be at most 50 characters long.")]
    public string? Phone { get; set; }

    [Range(0, 365, ErrorMessage = "A lead time is between 0 and 365 days.")]
    public int DefaultLeadTimeDays { get; set; } = 14;
}

/// <summary>Suppliers with their contact, quoted lead time and measured reliability.</summary>
public sealed class SupplierService(IDbContextFactory<AppDbContext> dbFactory, SupplierLeadTimes leadTimes, SettingsService settings, QueueMaintenance queue,
    StockNotifier notifier)
{
    public async Task<IReadOnlyList<SupplierRow>> ListAsync(CancellationToken ct = default)
    {
        var clock = await settings.GetClockAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var suppliers = await db.Suppliers.AsNoTracking().OrderBy(s => s.Name)
            .Select(s => new
            {
                Supplier = s,
                Open = db.PurchaseOrders.Count(p => p.SupplierId == s.Id && p.Status.IsOpen()),
                Products = db.Products.Count(p => p.SupplierId == s.Id),
            })
            .WithRules()
            .ToListAsync(ct);
        var received = await db.PurchaseOrders.AsNoTracking()
            .Where(p => p.Status == PurchaseOrderStatus.Received && p.OrderedAt != null && p.ReceivedAt != null)
            .Select(p => new { p.SupplierId, Ordered = p.OrderedAt!.Value, Received = p.ReceivedAt!.Value, Due = p.OriginalExpectedDate ?? p.ExpectedDate })
            .ToListAsync(ct);
        var bySupplier = received.ToLookup(r => r.SupplierId, r =>
            ((r.Received - r.Ordered).TotalDays, DateOnly.FromDateTime(clock.ToLocal(r.Received)) <= r.Due));
        var ranges = await leadTimes.GetAsync(ct);
        return suppliers.Select(s => new SupplierRow(s.Supplier.Id, s.Supplier.Name, s.Supplier.ContactName, s.Supplier.Email, s.Supplier.Phone,
            s.Supplier.DefaultLeadTimeDays, s.Open, s.Products, SupplierReliability.From(bySupplier[s.Supplier.Id].ToList()),
            ranges.TryGetValue(s.Supplier.Id, out var range) ? range : null)).ToList();
    }

    public async Task<IReadOnlyList<(int Id, string Name)>> NamesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await db.Suppliers.AsNoTracking().OrderBy(s => s.Name).Select(s => new { s.Id, s.Name }).ToListAsync(ct))
            .Select(s => (s.Id, s.Name)).ToList();
    }

    /// <summary>Creates a supplier (no id) or saves one; returns the errors, none when saved.</summary>
    public async Task<IReadOnlyList<string>> SaveAsync(int? id, SupplierInput input, Actor actor, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.EditSupplier) is { } refused)
        {
            return [refused];
        }
        var errors = InputValidation.Errors(input);
        if (errors.Count > 0)
        {
            return errors.Values.ToList();
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var name = input.Name.Trim();
        if (await db.Suppliers.AnyAsync(s => s.Name == name && s.Id != id, ct))
        {
            return [$"There is already a supplier called “{name}”."];
        }
        var supplier = id is { } existing ? await db.Suppliers.SingleOrDefaultAsync(s => s.Id == existing, ct) : db.Suppliers.Add(new Supplier { Name = name }).Entity;
        if (supplier is null)
        {
            return ["That supplier no longer exists."];
        }
        supplier.Name = name;
        supplier.ContactName = Blank(input.ContactName);
        supplier.Email = Blank(input.Email);
        supplier.Phone = Blank(input.Phone);
        var quoteChanged = id is not null && supplier.DefaultLeadTimeDays != input.DefaultLeadTimeDays;
        supplier.DefaultLeadTimeDays = input.DefaultLeadTimeDays;
        await db.SaveChangesAsync(ct);
        // The quote dates every waiting line of the supplier's products that no purchase order covers: walk them again
        // in the same save, with a delay message for each line it makes late.
        if (quoteChanged)
        {
            await queue.RecomputeSupplierEtasAsync(db, supplier.Id, $"{name}'s quoted lead time changed", actor, ct);
        }
        await tx.CommitAsync(ct);
        if (quoteChanged)
        {
            await notifier.PublishAsync(await db.Products.Where(p => p.SupplierId == supplier.Id).Select(p => p.Id).ToListAsync(ct));
        }
        return [];
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
