namespace Idp.Data.Entities;

public enum OutboxChannel
{
    Email = 1,
    Sms = 2,
}

/// <summary>An e-mail or SMS written by the development sender instead of being sent.</summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }
    public OutboxChannel Channel { get; set; }
    public string Recipient { get; set; } = "";
    public string Subject { get; set; } = "";
    public string Body { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}
