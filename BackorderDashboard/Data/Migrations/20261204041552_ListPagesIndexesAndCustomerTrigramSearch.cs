using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackorderDashboard.Data.Migrations
{
    /// <inheritdoc />
    public partial class ListPagesIndexesAndCustomerTrigramSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_PurchaseOrders_SupplierId",
                table: "PurchaseOrders");

            migrationBuilder.DropIndex(
                name: "IX_Orders_CustomerId",
                table: "Orders");

            migrationBuilder.CreateIndex(
                name: "IX_PurchaseOrders_SupplierId_Status_ExpectedDate",
                table: "PurchaseOrders",
                columns: new[] { "SupplierId", "Status", "ExpectedDate" });

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_Kind_CreatedAt",
                table: "Outbox",
                columns: new[] { "Kind", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_State_Kind_CreatedAt",
                table: "Outbox",
                columns: new[] { "State", "Kind", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Orders_CustomerId_PlacedAt",
                table: "Orders",
                columns: new[] { "CustomerId", "PlacedAt" });

            // The support search finds part of an e-mail, a name or a phone through trigrams instead of reading every
            // customer. The index reads the customers through a view that adds the phone's digits (so "555 0199" finds
            // "+1 555-0199"); triggers keep it in the same transaction as each change; 'rebuild' fills it once.
            foreach (var sql in new[]
            {
                $"CREATE VIEW CustomerSearchSource AS SELECT Id, Email, Name, Phone, {Digits("Phone")} AS PhoneDigits FROM Customers",
                "CREATE VIRTUAL TABLE CustomerSearch USING fts5(Email, Name, Phone, PhoneDigits, content='CustomerSearchSource', content_rowid='Id', tokenize='trigram')",
                $"CREATE TRIGGER CustomerSearch_Insert AFTER INSERT ON Customers BEGIN {Add("NEW")} END",
                $"CREATE TRIGGER CustomerSearch_Delete AFTER DELETE ON Customers BEGIN {Remove("OLD")} END",
                $"CREATE TRIGGER CustomerSearch_Update AFTER UPDATE OF Id, Email, Name, Phone ON Customers BEGIN {Remove("OLD")} {Add("NEW")} END",
                "INSERT INTO CustomerSearch(CustomerSearch) VALUES('rebuild')",
            })
            {
                migrationBuilder.Sql(sql);
            }
        }

        /// <summary>The phone without the punctuation people write it with, as the search rule compares digits.</summary>
        private static string Digits(string phone) =>
            new[] { " ", "-", "(", ")", "+", ".", "/" }.Aggregate(phone, (expression, c) => $"replace({expression}, '{c}', '')");

        private static string Add(string row) =>
            $"INSERT INTO CustomerSearch(rowid, Email, Name, Phone, PhoneDigits) VALUES ({row}.Id, {row}.Email, {row}.Name, {row}.Phone, {Digits(row + ".Phone")});";

        private static string Remove(string row) =>
            $"INSERT INTO CustomerSearch(CustomerSearch, rowid, Email, Name, Phone, PhoneDigits) VALUES ('delete', {row}.Id, {row}.Email, {row}.Name, {row}.Phone, {Digits(row + ".Phone")});";

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var sql in new[]
            {
                "DROP TRIGGER CustomerSearch_Update", "DROP TRIGGER CustomerSearch_Delete", "DROP TRIGGER CustomerSearch_Insert",
                "DROP TABLE CustomerSearch", "DROP VIEW CustomerSearchSource",
            })
            {
                migrationBuilder.Sql(sql);
            }

            migrationBuilder.DropIndex(
                name: "IX_PurchaseOrders_SupplierId_Status_ExpectedDate",
                table: "PurchaseOrders");

            migrationBuilder.DropIndex(
                name: "IX_Outbox_Kind_CreatedAt",
                table: "Outbox");

            migrationBuilder.DropIndex(
                name: "IX_Outbox_State_Kind_CreatedAt",
                table: "Outbox");

            migrationBuilder.DropIndex(
                name: "IX_Orders_CustomerId_PlacedAt",
                table: "Orders");

            migrationBuilder.CreateIndex(
                name: "IX_PurchaseOrders_SupplierId",
                table: "PurchaseOrders",
                column: "SupplierId");

            migrationBuilder.CreateIndex(
                name: "IX_Orders_CustomerId",
                table: "Orders",
                column: "CustomerId");
        }
    }
}
