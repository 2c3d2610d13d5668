using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Idp.Data;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Idp.UnitTests.Data;

public sealed class PreparedQueriesTests
{
    [Theory]
    [InlineData("-- idp:prepared\n\nSELECT 1", true)]
    [InlineData("SELECT 1 -- idp:prepared", false)]
    [InlineData("SELECT 1", false)]
    public async Task OnlyCommandsThatStartWithTheTag_ArePrepared(string sql, bool prepared)
    {
        var interceptor = (IDbCommandInterceptor)PreparedQueries.Interceptor;
        var asynchronous = new RecordingCommand { CommandText = sql };
        var synchronous = new RecordingCommand { CommandText = sql };

        await interceptor.ReaderExecutingAsync(asynchronous, null!, default);
        interceptor.ReaderExecuting(synchronous, null!, default);

        Assert.Equal(prepared ? 1 : 0, asynchronous.Prepared);
        Assert.Equal(prepared ? 1 : 0, synchronous.Prepared);
    }

    private sealed class RecordingCommand : DbCommand
    {
        public int Prepared { get; private set; }

        public override void Prepare() => Prepared++;

        [AllowNull]
        public override string CommandText { get; set; } = "";
        public override int CommandTimeout { get; set; }
        public override CommandType CommandType { get; set; }
        public override bool DesignTimeVisible { get; set; }
        public override UpdateRowSource UpdatedRowSource { get; set; }
        protected override DbConnection? DbConnection { get; set; }
        protected override DbParameterCollection DbParameterCollection => throw new NotSupportedException();
        protected override DbTransaction? DbTransaction { get; set; }

        public override void Cancel() { }
        public override int ExecuteNonQuery() => throw new NotSupportedException();
        public override object ExecuteScalar() => throw new NotSupportedException();
        protected override DbParameter CreateDbParameter() => throw new NotSupportedException();
        protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => throw new NotSupportedException();
    }
}
