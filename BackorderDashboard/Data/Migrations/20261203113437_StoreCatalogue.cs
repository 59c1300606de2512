using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackorderDashboard.Data.Migrations
{
    /// <inheritdoc />
    public partial class StoreCatalogue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Correction",
                table: "StockLedger",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Note",
                table: "StockLedger",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ArchivedAt",
                table: "Products",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "UpdatedAt",
                table: "Products",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ExternalNumber",
                table: "Orders",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "HolidayCutoffDate",
                table: "MerchantSettings",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "HolidayCutoffLabel",
                table: "MerchantSettings",
                type: "TEXT",
                maxLength: 40,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ImportRuns",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 260, nullable: false),
                    FileSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Rows = table.Column<int>(type: "INTEGER", nullable: false),
                    Created = table.Column<int>(type: "INTEGER", nullable: false),
                    Updated = table.Column<int>(type: "INTEGER", nullable: false),
                    Unchanged = table.Column<int>(type: "INTEGER", nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UserName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ImportRuns", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Products_ArchivedAt",
                table: "Products",
                column: "ArchivedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Orders_Channel_ExternalNumber",
                table: "Orders",
                columns: new[] { "Channel", "ExternalNumber" },
                unique: true,
                filter: "ExternalNumber IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Orders_ExternalNumber",
                table: "Orders",
                column: "ExternalNumber");

            migrationBuilder.CreateIndex(
                name: "IX_ImportRuns_At",
                table: "ImportRuns",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_ImportRuns_FileSha256",
                table: "ImportRuns",
                column: "FileSha256");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ImportRuns");

            migrationBuilder.DropIndex(
                name: "IX_Products_ArchivedAt",
                table: "Products");

            migrationBuilder.DropIndex(
                name: "IX_Orders_Channel_ExternalNumber",
                table: "Orders");

            migrationBuilder.DropIndex(
                name: "IX_Orders_ExternalNumber",
                table: "Orders");

            migrationBuilder.DropColumn(
                name: "Correction",
                table: "StockLedger");

            migrationBuilder.DropColumn(
                name: "Note",
                table: "StockLedger");

            migrationBuilder.DropColumn(
                name: "ArchivedAt",
                table: "Products");

            migrationBuilder.DropColumn(
                name: "UpdatedAt",
                table: "Products");

            migrationBuilder.DropColumn(
                name: "ExternalNumber",
                table: "Orders");

            migrationBuilder.DropColumn(
                name: "HolidayCutoffDate",
                table: "MerchantSettings");

            migrationBuilder.DropColumn(
                name: "HolidayCutoffLabel",
                table: "MerchantSettings");
        }
    }
}
