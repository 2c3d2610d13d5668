namespace Idp.Admin.Tests.Infrastructure;

public static class AdminSteps
{
    /// <summary>Ticks every box of the identity checklist on the request page, as the agent does after verifying.</summary>
    public static void TickChecklist(this StaffBrowser browser)
    {
        foreach (var box in browser.Document.QuerySelectorAll("#approve-form input[name=Checked]"))
            box.SetAttribute("checked", "checked");
    }
}
