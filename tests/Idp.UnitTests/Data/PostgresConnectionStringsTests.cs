using Idp.Data;
using Npgsql;

namespace Idp.UnitTests.Data;

public sealed class PostgresConnectionStringsTests
{
    [Fact]
    public void Defaults_SkipTheReset_AndLeaveStatementsUnprepared()
    {
        var prepared = new NpgsqlConnectionStringBuilder(PostgresConnectionStrings.Prepare("Host=db;Database=idp;Username=idp;Password=secret"));

        Assert.True(prepared.NoResetOnClose);
        Assert.Equal(0, prepared.MaxAutoPrepare);
        Assert.Equal("db", prepared.Host);
        Assert.Equal("secret", prepared.Password);
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=20;No Reset On Close=false")]
    [InlineData("Host=db;maxautoprepare=20;noresetonclose=false")]
    public void OperatorsSettings_Win(string connectionString)
    {
        var prepared = new NpgsqlConnectionStringBuilder(PostgresConnectionStrings.Prepare(connectionString));

        Assert.Equal(20, prepared.MaxAutoPrepare);
        Assert.False(prepared.NoResetOnClose);
    }
}
