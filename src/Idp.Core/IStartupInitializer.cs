namespace Idp;

/// <summary>Work done once at start-up, after migrations, in <see cref="Order"/>.</summary>
public interface IStartupInitializer
{
    int Order { get; }
    Task InitializeAsync(CancellationToken cancellationToken);
}
