namespace Idp.Admin.Resources;

/// <summary>
/// Texts of the admin area. Keys are the English texts (shown as they are in English);
/// <c>AdminResource.de.resx</c> holds the German ones.
/// </summary>
public sealed class AdminResource;
