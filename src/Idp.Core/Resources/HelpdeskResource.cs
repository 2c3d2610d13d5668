namespace Idp.Resources;

/// <summary>Marker for the helpdesk's texts (reset request pages and e-mails) in HelpdeskResource(.de).resx.</summary>
public sealed class HelpdeskResource;
