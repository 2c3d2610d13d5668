using Idp.Protocol.Token.Storage;
using Npgsql;

namespace Idp.UnitTests.Protocol.Token;

/// <summary>The grant SQL's named parameters become PostgreSQL's positional ones, each name one position, in the text's order.</summary>
public sealed class PositionalParametersTests
{
    [Fact]
    public void Apply_NumbersEachNameOnce_AndOrdersTheParametersAsTheText()
    {
        using var command = new NpgsqlCommand();

        PositionalParameters.Apply(command, "UPDATE t SET a = @now WHERE id = @id AND b < @now AND c = @c10 AND d = @c1", c =>
        {
            c.Parameters.Add(new NpgsqlParameter("@c1", "one"));
            c.Parameters.Add(new NpgsqlParameter("@id", "key"));
            c.Parameters.Add(new NpgsqlParameter("@c10", "ten"));
            c.Parameters.Add(new NpgsqlParameter("@now", 42));
        });

        Assert.Equal("UPDATE t SET a = $1 WHERE id = $2 AND b < $1 AND c = $3 AND d = $4", command.CommandText);
        Assert.Equal([42, "key", "ten", "one"], command.Parameters.Select(p => p.Value));
        Assert.All(command.Parameters, p => Assert.Equal("", p.ParameterName));
    }

    [Fact]
    public void Apply_RefusesAParameterTheTextDoesNotName()
    {
        using var command = new NpgsqlCommand();

        Assert.Throws<InvalidOperationException>(() => PositionalParameters.Apply(command, "SELECT 1 WHERE id = @id", c =>
        {
            c.Parameters.Add(new NpgsqlParameter("@id", "key"));
            c.Parameters.Add(new NpgsqlParameter("@other", "x"));
        }));
    }
}
