using Idp.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Idp.Helpdesk;

/// <summary>The helpdesk's tables in <see cref="Data.IdpDbContext"/> (provider-neutral).</summary>
internal static class HelpdeskModel
{
    public static void Configure(ModelBuilder builder)
    {
        builder.Entity<ResetRequest>(request =>
        {
            request.ToTable("ResetRequests");
            request.Property(r => r.Id).HasMaxLength(64);
            request.Property(r => r.Reference).HasMaxLength(16);
            request.HasIndex(r => r.Reference).IsUnique();
            request.Property(r => r.SubjectId).HasMaxLength(64);
            request.Property(r => r.OpenFor).HasMaxLength(64);
            request.HasIndex(r => r.OpenFor).IsUnique();
            request.Property(r => r.Reason).HasConversion<int>();
            request.Property(r => r.State).HasConversion<int>();
            request.Property(r => r.Resolution).HasConversion<int?>();
            request.Property(r => r.Contact).HasMaxLength(200);
            request.Property(r => r.Message).HasMaxLength(2000);
            request.Property(r => r.AssignedTo).HasMaxLength(64);
            request.Property(r => r.FirstApprovedBy).HasMaxLength(64);
            request.Property(r => r.FirstApprovalNote).HasMaxLength(1000);
            request.Property(r => r.DecidedBy).HasMaxLength(64);
            request.Property(r => r.DecisionNote).HasMaxLength(1000);
            request.Property(r => r.RejectionReason).HasMaxLength(1000);
            request.Ignore(r => r.IsOpen);
            request.HasIndex(r => r.SubjectId);
            request.HasIndex(r => new { r.State, r.DueAt });
            request.HasIndex(r => r.DecidedAt);
            request.HasOne<IdpUser>().WithMany().HasForeignKey(r => r.SubjectId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<TemporaryAccessPass>(pass =>
        {
            pass.ToTable("TemporaryAccessPasses");
            pass.Property(p => p.Id).HasMaxLength(64);
            pass.Property(p => p.SubjectId).HasMaxLength(64);
            pass.Property(p => p.CodeHash).HasMaxLength(64);
            pass.Property(p => p.RequestId).HasMaxLength(64);
            pass.Property(p => p.IssuedBy).HasMaxLength(64);
            pass.HasIndex(p => p.SubjectId);
            pass.HasOne<IdpUser>().WithMany().HasForeignKey(p => p.SubjectId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
