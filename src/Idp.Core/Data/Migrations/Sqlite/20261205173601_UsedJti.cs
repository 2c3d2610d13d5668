using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Idp.Data.Migrations.Sqlite
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
                type: "TEXT",
                maxLength: 16000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "JwksUri",
                table: "Clients",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TokenEndpointAuthMethod",
                table: "Clients",
                type: "TEXT",
                maxLength: 40,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "UsedJtis",
                columns: table => new
                {
                    Scope = table.Column<string>(type: "TEXT", maxLength: 150, nullable: false),
                    JtiHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false)
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
