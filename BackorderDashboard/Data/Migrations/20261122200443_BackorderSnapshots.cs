using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackorderDashboard.Data.Migrations
{
    /// <inheritdoc />
    public partial class BackorderSnapshots : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "BackorderSnapshots",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    ProductId = table.Column<int>(type: "INTEGER", nullable: false),
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
                name: "IX_BackorderSnapshots_Day_ProductId",
                table: "BackorderSnapshots",
                columns: new[] { "Day", "ProductId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_BackorderSnapshots_ProductId",
                table: "BackorderSnapshots",
                column: "ProductId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "BackorderSnapshots");
        }
    }
}
