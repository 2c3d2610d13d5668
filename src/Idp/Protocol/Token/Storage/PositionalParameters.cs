using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.RegularExpressions;

namespace Idp.Protocol.Token.Storage;

/// <summary>
/// PostgreSQL: Npgsql sends a command whose parameters are positional (<c>$1</c>, unnamed) as it is, but parses and
/// rewrites the text of one with named parameters (<c>@id</c>) on every execution. The grant SQL names its
/// parameters for readability; each text is rewritten once here, and a command's parameters are put in its order.
/// </summary>
internal static partial class PositionalParameters
{
    private static readonly ConcurrentDictionary<string, Statement> Statements = new();

    /// <summary>Sets the command's text and parameters positional; <paramref name="bind"/> adds them by name.</summary>
    public static void Apply(DbCommand command, string namedText, Action<DbCommand> bind)
    {
        var statement = Statements.GetOrAdd(namedText, Statement.Of);
        command.CommandText = statement.Text;
        bind(command);
        var byName = command.Parameters.Cast<DbParameter>().ToDictionary(p => p.ParameterName, StringComparer.Ordinal);
        if (byName.Count != statement.Names.Length)
            throw new InvalidOperationException($"Bound {string.Join(", ", byName.Keys)}; the statement names {string.Join(", ", statement.Names)}.");
        command.Parameters.Clear();
        foreach (var name in statement.Names)
        {
            var parameter = byName[name];
            parameter.ParameterName = "";
            command.Parameters.Add(parameter);
        }
    }

    [GeneratedRegex(@"@\w+")]
    private static partial Regex Placeholder();

    /// <summary>The text with <c>$n</c> for the n-th distinct name, and the names in that order.</summary>
    internal sealed record Statement(string Text, string[] Names)
    {
        public static Statement Of(string namedText)
        {
            var names = new List<string>();
            var text = Placeholder().Replace(namedText, match =>
            {
                var index = names.IndexOf(match.Value);
                if (index < 0)
                {
                    names.Add(match.Value);
                    index = names.Count - 1;
                }
                return "$" + (index + 1);
            });
            return new Statement(text, [.. names]);
        }
    }
}
