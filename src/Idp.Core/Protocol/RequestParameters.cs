using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Primitives;

namespace Idp.Protocol;

/// <summary>
/// The parameters of a protocol request, from the query or a form body. RFC 6749 §3.1 and §3.2: a parameter
/// sent more than once is an error; so is an oversized one. Empty values count as absent (RFC 6749 §3.1).
/// </summary>
public sealed class RequestParameters
{
    public const int MaxValueLength = 4096;
    public const int MaxParameters = 64;

    private readonly Dictionary<string, string> _values;

    public RequestParameters(Dictionary<string, string> values) => _values = values;

    public IReadOnlyDictionary<string, string> Values => _values;

    public string? this[string name] => _values.TryGetValue(name, out var value) ? value : null;

    public bool Has(string name) => _values.ContainsKey(name);

    public static bool TryParse(IEnumerable<KeyValuePair<string, StringValues>> source, [NotNullWhen(true)] out RequestParameters? parameters, [NotNullWhen(false)] out ProtocolError? error)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in source)
        {
            if (values.Count >= MaxParameters)
                return Fail($"Too many parameters.", out parameters, out error);
            if (value.Count > 1)
                return Fail($"The parameter '{Safe(name)}' was sent more than once.", out parameters, out error);
            var text = value.ToString();
            if (text.Length > MaxValueLength)
                return Fail($"The parameter '{Safe(name)}' is too long.", out parameters, out error);
            // No protocol value contains a NUL character (RFC 6749 Appendix A), and PostgreSQL refuses it in text.
            if (text.Contains('\0') || name.Contains('\0'))
                return Fail($"The parameter '{Safe(name)}' contains a NUL character.", out parameters, out error);
            if (text.Length > 0)
                values[name] = text;
        }
        parameters = new RequestParameters(values);
        error = null;
        return true;
    }

    /// <summary>Reads the query (GET) or the form body (POST, <c>application/x-www-form-urlencoded</c>).</summary>
    public static async Task<(RequestParameters? Parameters, ProtocolError? Error)> ReadAsync(HttpRequest request, bool allowQuery)
    {
        if (HttpMethods.IsPost(request.Method))
        {
            if (!request.HasFormContentType || request.ContentType?.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) == true)
                return (null, new ProtocolError(Errors.InvalidRequest, "The request body must be application/x-www-form-urlencoded."));
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync();
            }
            catch (Exception exception) when (exception is InvalidDataException or IOException or BadHttpRequestException)
            {
                return (null, new ProtocolError(Errors.InvalidRequest, "The request body could not be read."));
            }
            return TryParse(form, out var parameters, out var error) ? (parameters, null) : (null, error);
        }
        if (allowQuery)
            return TryParse(request.Query, out var parameters, out var error) ? (parameters, null) : (null, error);
        return (null, new ProtocolError(Errors.InvalidRequest, "Use POST."));
    }

    private static bool Fail(string description, out RequestParameters? parameters, out ProtocolError? error)
    {
        parameters = null;
        error = new ProtocolError(Errors.InvalidRequest, description);
        return false;
    }

    /// <summary>Parameter names are echoed in error descriptions; keep them short and printable.</summary>
    private static string Safe(string name) =>
        new(name.Take(40).Where(c => c is >= ' ' and <= '~' and not '"' and not '\\').ToArray());
}
