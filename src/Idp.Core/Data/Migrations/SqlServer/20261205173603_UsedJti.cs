using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Idp.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class UsedJti : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Jwks",
                table: "Clients",
                type: "nvarchar(max)",
                maxLength: 16000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "JwksUri",
                table: "Clients",
                type: "nvarchar(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TokenEndpointAuthMethod",
                table: "Clients",
                type: "nvarchar(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "UsedJtis",
                columns: table => new
                {
                    Scope = table.Column<string>(type: "nvarchar(150)", maxLength: 150, nullable: false),
                    JtiHash = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UsedJtis", x => new { x.Scope, x.JtiHash });
                });

            migrationBuilder.CreateIndex(
                name: "IX_UsedJtis_ExpiresAt",
                table: "UsedJtis",
                column: "ExpiresAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "UsedJtis");

            migrationBuilder.DropColumn(
                name: "Jwks",
                table: "Clients");

            migrationBuilder.DropColumn(
                name: "JwksUri",
                table: "Clients");

            migrationBuilder.DropColumn(
                name: "TokenEndpointAuthMethod",
                table: "Clients");
        }
    }
}
