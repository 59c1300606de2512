using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackorderDashboard.Data.Migrations
{
    /// <inheritdoc />
    public partial class KpiRollups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_OrderLines_Queue",
                table: "OrderLines");

            // The rollup tables are read and rebuilt by ranges of their primary key, so they are stored in its order
            // (WITHOUT ROWID): a range of days is one sequential read.
            migrationBuilder.Sql("""
                CREATE TABLE "BackorderValueDays" (
                    "Day" TEXT NOT NULL,
                    "CategoryId" INTEGER NOT NULL,
                    "SupplierId" INTEGER NOT NULL,
                    "Lines" INTEGER NOT NULL,
                    "Units" INTEGER NOT NULL,
                    "ValueCents" INTEGER NOT NULL,
                    CONSTRAINT "PK_BackorderValueDays" PRIMARY KEY ("Day", "CategoryId", "SupplierId")
                ) WITHOUT ROWID;
                """);

            // The value history recorded per product so far, summed per category and supplier.
            migrationBuilder.Sql("""
                INSERT INTO BackorderValueDays (Day, CategoryId, SupplierId, Lines, Units, ValueCents)
                SELECT s.Day, p.CategoryId, p.SupplierId, SUM(s.Lines), SUM(s.Units), SUM(s.ValueCents)
                FROM BackorderSnapshots s JOIN Products p ON p.Id = s.ProductId
                GROUP BY s.Day, p.CategoryId, p.SupplierId;
                """);

            migrationBuilder.DropTable(
                name: "BackorderSnapshots");

            migrationBuilder.Sql("""
                CREATE TABLE "KpiDays" (
                    "Day" TEXT NOT NULL,
                    "Channel" INTEGER NOT NULL,
                    "CategoryId" INTEGER NOT NULL,
                    "SupplierId" INTEGER NOT NULL,
                    "Orders" INTEGER NOT NULL,
                    "BackorderedOrders" INTEGER NOT NULL,
                    "ShippedOrders" INTEGER NOT NULL,
                    "FirstShipmentComplete" INTEGER NOT NULL,
                    "FirstShipmentUnits" INTEGER NOT NULL,
                    "ShippedOrderUnits" INTEGER NOT NULL,
                    "ClosedOrders" INTEGER NOT NULL,
                    "PerfectOrders" INTEGER NOT NULL,
                    "ShippedLines" INTEGER NOT NULL,
                    "FirstShipmentCompleteLines" INTEGER NOT NULL,
                    "BackorderedClosed" INTEGER NOT NULL,
                    "BackorderedCancelled" INTEGER NOT NULL,
                    "BackorderedShipped" INTEGER NOT NULL,
                    "BackorderedOnTime" INTEGER NOT NULL,
                    CONSTRAINT "PK_KpiDays" PRIMARY KEY ("Day", "CategoryId", "SupplierId", "Channel")
                ) WITHOUT ROWID;
                """);

            migrationBuilder.Sql("""
                CREATE TABLE "KpiProductDays" (
                    "Day" TEXT NOT NULL,
                    "ProductId" INTEGER NOT NULL,
                    "Channel" INTEGER NOT NULL,
                    "BackorderedUnits" INTEGER NOT NULL,
                    "WaitLines" INTEGER NOT NULL,
                    "WaitDays" REAL NOT NULL,
                    CONSTRAINT "PK_KpiProductDays" PRIMARY KEY ("Day", "ProductId", "Channel")
                ) WITHOUT ROWID;
                """);

            migrationBuilder.CreateTable(
                name: "KpiRollupState",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    TimeZoneId = table.Column<string>(type: "TEXT", nullable: false),
                    BuiltAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KpiRollupState", x => x.Id);
                });

            migrationBuilder.Sql("""
                CREATE TABLE "KpiStaleDays" (
                    "UtcDay" TEXT NOT NULL,
                    "Source" INTEGER NOT NULL,
                    CONSTRAINT "PK_KpiStaleDays" PRIMARY KEY ("UtcDay", "Source")
                ) WITHOUT ROWID;
                """);

            migrationBuilder.Sql("""
                CREATE TABLE "KpiStockoutDays" (
                    "Day" TEXT NOT NULL,
                    "ProductId" INTEGER NOT NULL,
                    "Stockouts" INTEGER NOT NULL,
                    CONSTRAINT "PK_KpiStockoutDays" PRIMARY KEY ("Day", "ProductId")
                ) WITHOUT ROWID;
                """);

            migrationBuilder.CreateIndex(
                name: "IX_OrderLines_Queue",
                table: "OrderLines",
                columns: new[] { "ProductId", "Priority", "QueuedAt", "Id", "QtyUnfilled", "CurrentEta", "PromisedShipDate", "UnitPriceCents" },
                descending: new[] { false, true, false, false, false, false, false, false },
                filter: "QtyUnfilled > 0");


            foreach (var trigger in StaleTriggers)
            {
                migrationBuilder.Sql(trigger);
            }
        }

        /// <summary>The orders' UTC placement day of an order id, marked stale for the order rollups.</summary>
        private static string MarkOrder(string orderId) =>
            $"INSERT OR IGNORE INTO KpiStaleDays (UtcDay, Source) SELECT substr(PlacedAt, 1, 10), 0 FROM Orders WHERE Id = {orderId};";

        private static string MarkLine(string lineId) =>
            $"INSERT OR IGNORE INTO KpiStaleDays (UtcDay, Source) SELECT substr(o.PlacedAt, 1, 10), 0 FROM OrderLines l JOIN Orders o ON o.Id = l.OrderId WHERE l.Id = {lineId};";

        /// <summary>
        /// Every change that can move a KPI marks the day it belongs to, whoever writes it: orders (placement day,
        /// channel), the quantities and promise of their lines (not allocation, queue order or ETA, which no KPI
        /// counts), parcels, a product's category or supplier, and stock ledger entries.
        /// </summary>
        public static readonly string[] StaleTriggers =
        [
            "CREATE TRIGGER KpiStale_OrderInsert AFTER INSERT ON Orders BEGIN INSERT OR IGNORE INTO KpiStaleDays (UtcDay, Source) VALUES (substr(NEW.PlacedAt, 1, 10), 0); END;",
            "CREATE TRIGGER KpiStale_OrderUpdate AFTER UPDATE OF PlacedAt, Channel ON Orders WHEN OLD.PlacedAt IS NOT NEW.PlacedAt OR OLD.Channel IS NOT NEW.Channel " +
            "BEGIN INSERT OR IGNORE INTO KpiStaleDays (UtcDay, Source) VALUES (substr(OLD.PlacedAt, 1, 10), 0), (substr(NEW.PlacedAt, 1, 10), 0); END;",
            "CREATE TRIGGER KpiStale_OrderDelete AFTER DELETE ON Orders BEGIN INSERT OR IGNORE INTO KpiStaleDays (UtcDay, Source) VALUES (substr(OLD.PlacedAt, 1, 10), 0); END;",
            $"CREATE TRIGGER KpiStale_LineInsert AFTER INSERT ON OrderLines BEGIN {MarkOrder("NEW.OrderId")} END;",
            "CREATE TRIGGER KpiStale_LineUpdate AFTER UPDATE OF Qty, QtyShipped, QtyCancelled, QtyBackorderedAtPlacement, PromisedShipDate, ProductId, OrderId ON OrderLines " +
            "WHEN OLD.Qty IS NOT NEW.Qty OR OLD.QtyShipped IS NOT NEW.QtyShipped OR OLD.QtyCancelled IS NOT NEW.QtyCancelled " +
            "OR OLD.QtyBackorderedAtPlacement IS NOT NEW.QtyBackorderedAtPlacement OR OLD.PromisedShipDate IS NOT NEW.PromisedShipDate " +
            $"OR OLD.ProductId IS NOT NEW.ProductId OR OLD.OrderId IS NOT NEW.OrderId BEGIN {MarkOrder("OLD.OrderId")} {MarkOrder("NEW.OrderId")} END;",
            $"CREATE TRIGGER KpiStale_LineDelete AFTER DELETE ON OrderLines BEGIN {MarkOrder("OLD.OrderId")} END;",
            $"CREATE TRIGGER KpiStale_ShipmentInsert AFTER INSERT ON Shipments BEGIN {MarkOrder("NEW.OrderId")} END;",
            $"CREATE TRIGGER KpiStale_ShipmentUpdate AFTER UPDATE OF ShippedAt, OrderId ON Shipments BEGIN {MarkOrder("OLD.OrderId")} {MarkOrder("NEW.OrderId")} END;",
            $"CREATE TRIGGER KpiStale_ShipmentDelete AFTER DELETE ON Shipments BEGIN {MarkOrder("OLD.OrderId")} END;",
            $"CREATE TRIGGER KpiStale_ShipmentLineInsert AFTER INSERT ON ShipmentLines BEGIN {MarkLine("NEW.OrderLineId")} END;",
            $"CREATE TRIGGER KpiStale_ShipmentLineUpdate AFTER UPDATE OF Qty, OrderLineId, ShipmentId ON ShipmentLines BEGIN {MarkLine("OLD.OrderLineId")} {MarkLine("NEW.OrderLineId")} END;",
            $"CREATE TRIGGER KpiStale_ShipmentLineDelete AFTER DELETE ON ShipmentLines BEGIN {MarkLine("OLD.OrderLineId")} END;",
            "CREATE TRIGGER KpiStale_ProductGroup AFTER UPDATE OF CategoryId, SupplierId ON Products " +
            "WHEN OLD.CategoryId IS NOT NEW.CategoryId OR OLD.SupplierId IS NOT NEW.SupplierId " +
            "BEGIN INSERT OR IGNORE INTO KpiStaleDays (UtcDay, Source) SELECT DISTINCT substr(o.PlacedAt, 1, 10), 0 FROM OrderLines l JOIN Orders o ON o.Id = l.OrderId WHERE l.ProductId = NEW.Id; END;",
            "CREATE TRIGGER KpiStale_LedgerInsert AFTER INSERT ON StockLedger WHEN NEW.OnHandDelta <> NEW.AllocatedDelta " +
            "BEGIN INSERT OR IGNORE INTO KpiStaleDays (UtcDay, Source) VALUES (substr(NEW.At, 1, 10), 1); END;",
        ];

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var trigger in StaleTriggers)
            {
                migrationBuilder.Sql($"DROP TRIGGER IF EXISTS {trigger.Split(' ')[2]};");
            }

            migrationBuilder.DropTable(
                name: "BackorderValueDays");

            migrationBuilder.DropTable(
                name: "KpiDays");

            migrationBuilder.DropTable(
                name: "KpiProductDays");

            migrationBuilder.DropTable(
                name: "KpiRollupState");

            migrationBuilder.DropTable(
                name: "KpiStaleDays");

            migrationBuilder.DropTable(
                name: "KpiStockoutDays");

            migrationBuilder.DropIndex(
                name: "IX_OrderLines_Queue",
                table: "OrderLines");

            migrationBuilder.CreateTable(
                name: "BackorderSnapshots",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ProductId = table.Column<int>(type: "INTEGER", nullable: false),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Lines = table.Column<int>(type: "INTEGER", nullable: false),
                    Units = table.Column<int>(type: "INTEGER", nullable: false),
                    ValueCents = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BackorderSnapshots", x => x.Id);
                    table.ForeignKey(
                        name: "FK_BackorderSnapshots_Products_ProductId",
                        column: x => x.ProductId,
                        principalTable: "Products",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_OrderLines_Queue",
                table: "OrderLines",
                columns: new[] { "ProductId", "Priority", "QueuedAt", "Id", "QtyUnfilled", "CurrentEta", "PromisedShipDate" },
                descending: new[] { false, true, false, false, false, false, false },
                filter: "QtyUnfilled > 0");

            migrationBuilder.CreateIndex(
                name: "IX_BackorderSnapshots_Day_ProductId",
                table: "BackorderSnapshots",
                columns: new[] { "Day", "ProductId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_BackorderSnapshots_ProductId",
                table: "BackorderSnapshots",
                column: "ProductId");
        }
    }
}
