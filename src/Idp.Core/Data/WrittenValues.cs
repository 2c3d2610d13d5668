using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace Idp.Data;

/// <summary>
/// Brings a tracked entity in step with a value already written by <c>ExecuteUpdate</c>, without marking it
/// modified: a later <c>SaveChanges</c> must neither write it again (undoing a concurrent change of the same row)
/// nor send the row's stale concurrency stamp with it.
/// </summary>
public static class WrittenValues
{
    public static void Written<TEntity, TProperty>(this DbContext db, TEntity entity, Expression<Func<TEntity, TProperty>> property, TProperty value)
        where TEntity : class
    {
        var entry = db.Entry(entity).Property(property);
        entry.CurrentValue = value;
        if (db.Entry(entity).State == EntityState.Detached)
            return;
        entry.OriginalValue = value;
        entry.IsModified = false;
    }
}
