namespace Idp.Data.Entities;

/// <summary>A security-relevant event: who, when, what and why. Never holds a secret.</summary>
public sealed class AuditEvent
{
    public long Id { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public string Type { get; set; } = "";
    public string? SubjectId { get; set; }
    public string? ActorId { get; set; }
    public string? ClientId { get; set; }
    public string? IpAddress { get; set; }
    public string? Details { get; set; }
}
