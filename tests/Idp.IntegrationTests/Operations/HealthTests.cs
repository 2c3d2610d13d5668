using System.Net;
using System.Text.Json;
using Idp.Data.Entities;
using Idp.IntegrationTests.Infrastructure;
using Idp.Testing;

namespace Idp.IntegrationTests.Operations;

public sealed class HealthTests
{
    [Fact]
    public async Task HealthLive_Answers200_WithoutDatabase()
    {
        var database = TestDatabase.Create();
        await using var idp = new IdpFactory(database, ownsDatabase: false, IdpFactory.NewKeyEncryptionKey(), FakeTimeProvider.StartingNow()).Start();
        using var http = idp.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);

        database.Dispose();

        var live = await http.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", Json(await live.Content.ReadAsStringAsync()).GetProperty("status").GetString());
        var ready = await http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var body = Json(await ready.Content.ReadAsStringAsync());
        Assert.Equal("Unhealthy", Check(body, "database").GetProperty("status").GetString());
        Assert.DoesNotContain(database.Name, body.ToString());
    }

    [Fact]
    public async Task HealthReady_Healthy_WhenMigratedWithKey()
    {
        await using var idp = new IdpFactory().Start();
        using var http = idp.CreateClient();

        var response = await http.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = Json(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        foreach (var name in new[] { "database", "migrations", "signing_key", "outbox" })
            Assert.Equal("Healthy", Check(body, name).GetProperty("status").GetString());
    }

    [Fact]
    public async Task HealthReady_Unhealthy_WhenOutboxStuck()
    {
        await using var idp = new IdpFactory().WithSetting("Idp:Health:OutboxMaxAge", "00:10:00").Start();
        using var http = idp.CreateClient();
        await idp.WithDbAsync(db =>
        {
            db.Outbox.Add(new OutboxMessage { Channel = OutboxChannel.Email, Recipient = "someone@example.test", Subject = "Hello", Body = "…", CreatedAt = idp.Clock.GetUtcNow() });
            return db.SaveChangesAsync();
        });
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);

        idp.Clock.Advance(TimeSpan.FromMinutes(11));

        var response = await http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = Json(await response.Content.ReadAsStringAsync());
        Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
        Assert.Equal("Unhealthy", Check(body, "outbox").GetProperty("status").GetString());
        Assert.Equal("Healthy", Check(body, "database").GetProperty("status").GetString());
    }

    [Fact]
    public async Task HealthReady_Unhealthy_WhenNoSigningKeyIsActive()
    {
        await using var idp = new IdpFactory().Start();
        using var http = idp.CreateClient();

        idp.Clock.Advance(TimeSpan.FromDays(400));

        var body = Json(await (await http.GetAsync("/health/ready")).Content.ReadAsStringAsync());
        Assert.Equal("Unhealthy", Check(body, "signing_key").GetProperty("status").GetString());
    }

    [Fact]
    public void Health_InvalidOutboxMaxAge_StopsStartup()
    {
        using var idp = new IdpFactory().WithSetting("Idp:Health:OutboxMaxAge", "-00:01:00");
        var error = Assert.ThrowsAny<Exception>(() => idp.Start());
        Assert.Contains("Idp:Health:OutboxMaxAge", error.ToString());
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private static JsonElement Check(JsonElement body, string name) =>
        body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
}
