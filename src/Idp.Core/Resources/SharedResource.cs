namespace Idp.Resources;

/// <summary>
/// Marker for the UI texts in SharedResource.resx (English) and SharedResource.de.resx (German, in the
/// wording of the user manuals).
/// </summary>
public sealed class SharedResource;
