using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Idp.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RefreshTokenSubjectSessionIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_RefreshTokens_SessionId",
                table: "RefreshTokens");

            migrationBuilder.DropIndex(
                name: "IX_RefreshTokens_SubjectId",
                table: "RefreshTokens");

            migrationBuilder.CreateIndex(
                name: "IX_RefreshTokens_SubjectId_SessionId",
                table: "RefreshTokens",
                columns: new[] { "SubjectId", "SessionId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_RefreshTokens_SubjectId_SessionId",
                table: "RefreshTokens");

            migrationBuilder.CreateIndex(
                name: "IX_RefreshTokens_SessionId",
                table: "RefreshTokens",
                column: "SessionId");

            migrationBuilder.CreateIndex(
                name: "IX_RefreshTokens_SubjectId",
                table: "RefreshTokens",
                column: "SubjectId");
        }
    }
}
