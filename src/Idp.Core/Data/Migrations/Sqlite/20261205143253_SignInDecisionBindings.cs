using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Idp.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SignInDecisionBindings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "Grace",
                table: "UserSessions",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "BrowserBinding",
                table: "AuthorizationRequests",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SubjectId",
                table: "AuthorizationRequests",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "CredentialsChangedAt",
                table: "AspNetUsers",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Grace",
                table: "UserSessions");

            migrationBuilder.DropColumn(
                name: "BrowserBinding",
                table: "AuthorizationRequests");

            migrationBuilder.DropColumn(
                name: "SubjectId",
                table: "AuthorizationRequests");

            migrationBuilder.DropColumn(
                name: "CredentialsChangedAt",
                table: "AspNetUsers");
        }
    }
}
