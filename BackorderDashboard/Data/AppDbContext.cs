using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace BackorderDashboard.Data;

public class AppDbContext(DbContextOptions<AppDbContext> options) : IdentityDbContext<ApplicationUser>(options)
{
    public DbSet<Category> Categories => Set<Category>();
    public DbSet<Supplier> Suppliers => Set<Supplier>();
    public DbSet<Product> Products => Set<Product>();
    public DbSet<PurchaseOrder> PurchaseOrders => Set<PurchaseOrder>();
    public DbSet<PurchaseOrderLine> PurchaseOrderLines => Set<PurchaseOrderLine>();
    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<OrderLine> OrderLines => Set<OrderLine>();
    public DbSet<Shipment> Shipments => Set<Shipment>();
    public DbSet<ShipmentLine> ShipmentLines => Set<ShipmentLine>();
    public DbSet<StockLedgerEntry> StockLedger => Set<StockLedgerEntry>();
    public DbSet<MerchantSettings> MerchantSettings => Set<MerchantSettings>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<BackorderValueDay> BackorderValueDays => Set<BackorderValueDay>();
    public DbSet<KpiDay> KpiDays => Set<KpiDay>();
    public DbSet<KpiProductDay> KpiProductDays => Set<KpiProductDay>();
    public DbSet<KpiStockoutDay> KpiStockoutDays => Set<KpiStockoutDay>();
    public DbSet<KpiStaleDay> KpiStaleDays => Set<KpiStaleDay>();
    public DbSet<KpiRollupState> KpiRollupState => Set<KpiRollupState>();
    public DbSet<OrderEvent> OrderEvents => Set<OrderEvent>();
    public DbSet<WaitlistEntry> Waitlist => Set<WaitlistEntry>();
    public DbSet<OrderConsolation> Consolations => Set<OrderConsolation>();
    public DbSet<Receipt> Receipts => Set<Receipt>();
    public DbSet<ReceiptLine> ReceiptLines => Set<ReceiptLine>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<ImportRun> ImportRuns => Set<ImportRun>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<WebhookSubscription> WebhookSubscriptions => Set<WebhookSubscription>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<WebhookAttempt> WebhookAttempts => Set<WebhookAttempt>();
    public DbSet<ApiIdempotencyRecord> ApiIdempotency => Set<ApiIdempotencyRecord>();
    public DbSet<WebhookInboxDelivery> WebhookInbox => Set<WebhookInboxDelivery>();
    public DbSet<StoreOrderState> StoreOrderStates => Set<StoreOrderState>();
    public DbSet<StoreConnection> StoreConnections => Set<StoreConnection>();

    /// <summary>
    /// Identity's table layout (version 3 has passkeys). Identity reads it from IdentityOptions, so anything that
    /// builds this context outside the app (tests) must set the same version or it sees another model.
    /// </summary>
    public static readonly Version IdentitySchema = IdentitySchemaVersions.Version3;

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Times are stored as UTC; SQLite keeps no kind, so it is restored on the way out.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<Category>().HasIndex(c => c.Name).IsUnique();
        builder.Entity<Supplier>().HasIndex(s => s.Name).IsUnique();

        builder.Entity<Product>(p =>
        {
            p.HasIndex(x => x.Sku).IsUnique();
            p.HasIndex(x => x.Name);
            p.HasIndex(x => x.CategoryId);
            p.HasIndex(x => x.SupplierId);
            p.HasIndex(x => x.ArchivedAt);
            p.HasOne(x => x.Category).WithMany().OnDelete(DeleteBehavior.Restrict);
            p.HasOne(x => x.Supplier).WithMany().OnDelete(DeleteBehavior.Restrict);
            p.ToTable(t =>
            {
                t.HasCheckConstraint("CK_Product_OnHand", "OnHand >= 0");
                t.HasCheckConstraint("CK_Product_Allocated", "Allocated >= 0 AND Allocated <= OnHand");
            });
        });

        builder.Entity<PurchaseOrder>(po =>
        {
            po.HasIndex(x => x.Number).IsUnique();
            // The list walks each status by expected date (open ones first): these serve it, with a supplier or without.
            po.HasIndex(x => new { x.Status, x.ExpectedDate });
            po.HasIndex(x => new { x.SupplierId, x.Status, x.ExpectedDate });
            po.HasOne(x => x.Supplier).WithMany().OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<PurchaseOrderLine>(l =>
        {
            // The ETA walk reads a product's open inbound lines; this index serves it.
            l.HasIndex(x => new { x.ProductId, x.PurchaseOrderId });
            l.HasOne(x => x.Product).WithMany().OnDelete(DeleteBehavior.Restrict);
            l.HasOne(x => x.PurchaseOrder).WithMany(x => x.Lines).OnDelete(DeleteBehavior.Cascade);
            l.ToTable(t => t.HasCheckConstraint("CK_PurchaseOrderLine_Qty", "QtyOrdered > 0 AND QtyReceived >= 0"));
        });

        builder.Entity<Receipt>(r =>
        {
            r.HasIndex(x => x.IdempotencyKey).IsUnique();
            r.HasIndex(x => x.ReceivedAt);
            r.HasOne(x => x.PurchaseOrder).WithMany().OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<ReceiptLine>(l =>
        {
            l.HasOne(x => x.Receipt).WithMany(x => x.Lines).OnDelete(DeleteBehavior.Cascade);
            l.HasOne(x => x.Product).WithMany().OnDelete(DeleteBehavior.Restrict);
            l.HasOne(x => x.PurchaseOrderLine).WithMany().OnDelete(DeleteBehavior.Restrict);
            l.ToTable(t => t.HasCheckConstraint("CK_ReceiptLine_Qty", "Qty > 0"));
        });

        builder.Entity<Customer>(c =>
        {
            c.HasIndex(x => x.Email).IsUnique();
            c.HasIndex(x => x.Name);
            c.HasIndex(x => x.Phone);
        });

        builder.Entity<Order>(o =>
        {
            o.HasIndex(x => x.Number).IsUnique();
            o.HasIndex(x => x.TrackingToken).IsUnique();
            o.HasIndex(x => x.PlacedAt);
            // A customer's orders newest first (the support search, the customer page) read from the index alone.
            o.HasIndex(x => new { x.CustomerId, x.PlacedAt });
            o.HasIndex(x => new { x.Channel, x.ExternalNumber }).IsUnique().HasFilter("ExternalNumber IS NOT NULL");
            o.HasIndex(x => x.ExternalNumber);
            o.HasOne(x => x.Customer).WithMany().OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<OrderLine>(l =>
        {
            l.Property(x => x.QtyUnfilled)
                .HasComputedColumnSql("Qty - QtyAllocated - QtyShipped - QtyCancelled", stored: true);
            // The backorder queue of a product in queue order, only over lines that still wait. It carries the
            // unfilled quantity, the two dates and the price too, so summing a queue, counting its late lines or
            // ageing and valuing all open backorders (KPI page) reads the index alone, never the table.
            l.HasIndex(x => new { x.ProductId, x.Priority, x.QueuedAt, x.Id, x.QtyUnfilled, x.CurrentEta, x.PromisedShipDate, x.UnitPriceCents })
                .HasDatabaseName("IX_OrderLines_Queue")
                .IsDescending(false, true, false, false, false, false, false, false)
                .HasFilter("QtyUnfilled > 0");
            l.HasIndex(x => x.ProductId);
            l.HasIndex(x => x.OrderId);
            l.HasOne(x => x.Product).WithMany().OnDelete(DeleteBehavior.Restrict);
            l.HasOne(x => x.Order).WithMany(x => x.Lines).OnDelete(DeleteBehavior.Cascade);
            l.ToTable(t => t.HasCheckConstraint("CK_OrderLine_Quantities",
                "Qty > 0 AND QtyAllocated >= 0 AND QtyShipped >= 0 AND QtyCancelled >= 0 AND QtyAllocated + QtyShipped + QtyCancelled <= Qty"));
        });

        builder.Entity<Shipment>(s =>
        {
            s.HasIndex(x => x.OrderId);
            s.HasIndex(x => x.ShippedAt);
        });

        builder.Entity<ShipmentLine>(s =>
        {
            s.HasIndex(x => x.OrderLineId);
            s.HasOne(x => x.OrderLine).WithMany().OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<OutboxMessage>(m =>
        {
            m.HasIndex(x => new { x.State, x.CreatedAt });
            m.HasIndex(x => new { x.State, x.NextAttemptAt });
            // The outbox page newest first: all messages, by state, by kind, by both.
            m.HasIndex(x => x.CreatedAt);
            m.HasIndex(x => new { x.Kind, x.CreatedAt });
            m.HasIndex(x => new { x.State, x.Kind, x.CreatedAt });
            m.HasIndex(x => x.OrderId);
            m.HasIndex(x => x.OrderLineId);
            m.HasOne(x => x.Order).WithMany().OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<BackorderValueDay>().HasKey(x => new { x.Day, x.CategoryId, x.SupplierId });

        // KPI rollups: rebuilt by day, so each day's rows are stored together; a filter reads one key range per day.
        builder.Entity<KpiDay>().HasKey(x => new { x.Day, x.CategoryId, x.SupplierId, x.Channel });
        builder.Entity<KpiProductDay>().HasKey(x => new { x.Day, x.ProductId, x.Channel });
        builder.Entity<KpiStockoutDay>().HasKey(x => new { x.Day, x.ProductId });
        builder.Entity<KpiStaleDay>().HasKey(x => new { x.UtcDay, x.Source });
        builder.Entity<KpiRollupState>().Property(x => x.Id).ValueGeneratedNever();

        builder.Entity<OrderEvent>(e =>
        {
            e.HasIndex(x => new { x.OrderId, x.At });
            e.HasOne(x => x.Order).WithMany().OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<WaitlistEntry>(w =>
        {
            w.HasIndex(x => new { x.ProductId, x.NotifiedAt });
            w.HasIndex(x => new { x.ProductId, x.CustomerId }).IsUnique();
            w.HasOne(x => x.Product).WithMany().OnDelete(DeleteBehavior.Cascade);
            w.HasOne(x => x.Customer).WithMany().OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<OrderConsolation>(c =>
        {
            c.HasIndex(x => x.OrderId);
            c.HasOne(x => x.Order).WithMany().OnDelete(DeleteBehavior.Cascade);
            c.ToTable(t => t.HasCheckConstraint("CK_OrderConsolation_Value",
                "(Kind = 0 AND Percent BETWEEN 1 AND 100) OR (Kind = 1 AND AmountCents > 0) OR Kind = 2"));
        });

        builder.Entity<ApiKey>(k =>
        {
            k.HasIndex(x => x.Hash).IsUnique();
        });
        builder.Entity<ApiIdempotencyRecord>(r =>
        {
            r.HasIndex(x => new { x.ApiKeyId, x.Operation, x.IdempotencyKey }).IsUnique();
            r.HasIndex(x => x.CreatedAt);
        });
        builder.Entity<ImportRun>(r =>
        {
            r.HasIndex(x => x.At);
            r.HasIndex(x => x.FileSha256);
        });

        builder.Entity<StockLedgerEntry>(e =>
        {
            e.HasIndex(x => new { x.ProductId, x.At });
            e.HasOne(x => x.Product).WithMany().OnDelete(DeleteBehavior.Restrict);
        });

        // Append-only: the migration adds triggers that refuse UPDATE and DELETE. No foreign keys, so deleting a user
        // keeps the entries that name them.
        builder.Entity<AuditEntry>(a =>
        {
            a.HasIndex(x => x.At);
            a.HasIndex(x => new { x.Kind, x.Id });
        });

        builder.ConfigureOutboundWebhooks();
        StoreWebhookModel.Configure(builder);
    }
}

internal sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
