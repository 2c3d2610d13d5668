using Idp.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Idp.IntegrationTests.Harness;

public sealed class HelperTests(ITestOutputHelper output)
{
    // Expected value computed independently: base64.urlsafe_b64encode(hashlib.sha256(v).digest()).rstrip(b"=") in Python.
    [Fact]
    public void Pkce_ChallengeOf_IsUnpaddedBase64UrlOfSha256()
    {
        Assert.Equal("5CW1VI6ayAxuEWLdlOyZhMB7iCkKyU-Bkz26Pp4hug4", Pkce.ChallengeOf("dBjftJeZ4CVP-mJ92IQyIPkXF0ibQZ5Cuc4hKf7Y0EI"));
    }

    [Fact]
    public void Pkce_Create_MakesAFreshVerifierOfValidLength()
    {
        var first = Pkce.Create();
        var second = Pkce.Create();

        Assert.NotEqual(first.Verifier, second.Verifier);
        Assert.InRange(first.Verifier.Length, 43, 128);
        Assert.Matches("^[A-Za-z0-9._~-]+$", first.Verifier);
        Assert.Equal(Pkce.ChallengeOf(first.Verifier), first.Challenge);
    }

    [Fact]
    public void Url_With_EscapesValuesAndLeavesOutNulls()
    {
        var url = Url.With("/authorize", ("redirect_uri", "https://client.example/cb?x=1"), ("scope", "openid profile"), ("prompt", null));

        Assert.Equal("/authorize?redirect_uri=https%3A%2F%2Fclient.example%2Fcb%3Fx%3D1&scope=openid%20profile", url);
        Assert.Equal("https://client.example/cb?x=1", QueryString.Parse(url[url.IndexOf('?')..])["redirect_uri"]);
    }

    [Fact]
    public async Task Logs_AreKeptAndForwardedToTheTestOutput()
    {
        var lines = new List<string>();
        await using var factory = new IdpFactory().WithOutput(output);
        factory.Logs.ForwardTo(line =>
        {
            lock (lines)
                lines.Add(line);
            output.WriteLine(line);
        });

        factory.Start();
        factory.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Harness").LogWarning("marker {Value}", 42);

        Assert.True(factory.Logs.Contains("marker 42"));
        Assert.Contains(factory.Logs.Entries, e => e.Category == "Harness" && e.Level == LogLevel.Warning);
        lock (lines)
            Assert.Contains(lines, l => l.Contains("marker 42", StringComparison.Ordinal));
    }
}
