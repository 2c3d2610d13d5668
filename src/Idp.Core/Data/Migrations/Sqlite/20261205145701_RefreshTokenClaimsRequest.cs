using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Idp.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RefreshTokenClaimsRequest : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ClaimsRequest",
                table: "RefreshTokens",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ClaimsRequest",
                table: "RefreshTokens");
        }
    }
}
