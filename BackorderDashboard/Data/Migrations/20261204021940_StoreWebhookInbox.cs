using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackorderDashboard.Data.Migrations
{
    /// <inheritdoc />
    public partial class StoreWebhookInbox : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "StoreConnections",
                columns: table => new
                {
                    Platform = table.Column<int>(type: "INTEGER", nullable: false),
                    WebhookSecret = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StoreConnections", x => x.Platform);
                });

            migrationBuilder.CreateTable(
                name: "StoreOrderStates",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Platform = table.Column<int>(type: "INTEGER", nullable: false),
                    StoreOrderId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    OrderNumber = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    LastAppliedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Cancelled = table.Column<bool>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StoreOrderStates", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "WebhookInbox",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Platform = table.Column<int>(type: "INTEGER", nullable: false),
                    DeliveryId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Topic = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    StoreOrderId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    StoreOrderName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    TriggeredAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ReceivedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Body = table.Column<string>(type: "TEXT", nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    ProcessedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    OrderNumber = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebhookInbox", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_StoreOrderStates_Platform_StoreOrderId",
                table: "StoreOrderStates",
                columns: new[] { "Platform", "StoreOrderId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WebhookInbox_Platform_DeliveryId",
                table: "WebhookInbox",
                columns: new[] { "Platform", "DeliveryId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WebhookInbox_Platform_StoreOrderId_Id",
                table: "WebhookInbox",
                columns: new[] { "Platform", "StoreOrderId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_WebhookInbox_ReceivedAt",
                table: "WebhookInbox",
                column: "ReceivedAt");

            migrationBuilder.CreateIndex(
                name: "IX_WebhookInbox_State_NextAttemptAt",
                table: "WebhookInbox",
                columns: new[] { "State", "NextAttemptAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "StoreConnections");

            migrationBuilder.DropTable(
                name: "StoreOrderStates");

            migrationBuilder.DropTable(
                name: "WebhookInbox");
        }
    }
}
