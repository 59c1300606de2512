using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackorderDashboard.Data.Migrations
{
    /// <inheritdoc />
    public partial class WiderQueueIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_OrderLines_Queue",
                table: "OrderLines");

            migrationBuilder.CreateIndex(
                name: "IX_OrderLines_Queue",
                table: "OrderLines",
                columns: new[] { "ProductId", "Priority", "QueuedAt", "Id", "QtyUnfilled", "CurrentEta", "PromisedShipDate" },
                descending: new[] { false, true, false, false, false, false, false },
                filter: "QtyUnfilled > 0");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_OrderLines_Queue",
                table: "OrderLines");

            migrationBuilder.CreateIndex(
                name: "IX_OrderLines_Queue",
                table: "OrderLines",
                columns: new[] { "ProductId", "Priority", "QueuedAt", "Id", "QtyUnfilled" },
                descending: new[] { false, true, false, false, false },
                filter: "QtyUnfilled > 0");
        }
    }
}
