using System.Globalization;
using Authenticator.Cli;

// A command-line companion authenticator: registers accounts and approves or denies sign-ins through Idp's
// device API only, keeping its private keys in a local file.
const string Usage = """
    idp-authenticator [--idp URL] [--store FILE] <command>

      register <account number or e-mail> [--device NAME]   password from IDP_PASSWORD or asked; an SMS code follows
      confirm <code>                                         finishes the waiting registration with the SMS code
      list                                                   accounts on this device and their pending requests
      approve <number> [--account N] [--request ID]          approves the pending request with the number the browser shows
      deny [--account N] [--request ID] [--not-me]           denies it (and reports "this was not me")
      watch [--account N]                                    prints requests as they arrive (Ctrl+C ends)
      remove <account number>                                removes the account from this device and from Idp

    --idp defaults to IDP_URL or http://localhost:5000; --store to ~/.idp-authenticator.json.
    """;

var arguments = args.ToList();
var idp = Option(arguments, "--idp") ?? Environment.GetEnvironmentVariable("IDP_URL") ?? "http://localhost:5000";
var storePath = Option(arguments, "--store") ?? DeviceStore.DefaultPath;
if (arguments.Count == 0 || arguments[0] is "-h" or "--help" or "help")
{
    Console.WriteLine(Usage);
    return arguments.Count == 0 ? 2 : 0;
}

using var http = new HttpClient { BaseAddress = new Uri(idp.TrimEnd('/') + "/"), Timeout = Timeout.InfiniteTimeSpan };
var client = new DeviceClient(http);
var store = DeviceStore.Load(storePath);
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };

try
{
    switch (arguments[0])
    {
        case "register" when arguments.Count >= 2:
        {
            var device = Option(arguments, "--device") ?? Environment.MachineName;
            var password = Environment.GetEnvironmentVariable("IDP_PASSWORD") ?? ReadSecret("Password: ");
            using var key = DeviceClient.NewKey();
            var started = await client.RegisterAsync(arguments[1], password, key, device, cancel.Token);
            store.Registrations.RemoveAll(r => r.Issuer == idp);
            store.Registrations.Add(new(idp, started.RegistrationId, arguments[1], started.MaskedPhone, started.ExpiresAt, DeviceStore.ExportKey(key)));
            store.Save(storePath);
            Console.WriteLine($"A confirmation code went by SMS to {started.MaskedPhone} (valid until {started.ExpiresAt.ToLocalTime():HH:mm}).");
            Console.WriteLine("Finish with: idp-authenticator confirm <code>");
            return 0;
        }
        case "confirm" when arguments.Count >= 2:
        {
            var waiting = store.Registrations.LastOrDefault(r => r.Issuer == idp);
            if (waiting is null)
                return Fail("No registration is waiting for a code: run register first.");
            var confirmed = await client.ConfirmAsync(waiting.RegistrationId, arguments[1], cancel.Token);
            store.Registrations.Remove(waiting);
            store.Accounts.RemoveAll(a => a.Issuer == idp && a.AccountNumber == confirmed.AccountNumber && a.CredentialId == confirmed.CredentialId);
            store.Accounts.Add(new(idp, confirmed.CredentialId, confirmed.AccessToken, confirmed.AccountNumber, confirmed.DisplayName, waiting.PrivateKey));
            store.Save(storePath);
            Console.WriteLine($"Account {confirmed.AccountNumber} ({confirmed.DisplayName}) added. A test request is waiting: see 'list'.");
            return 0;
        }
        case "list":
        {
            if (store.Accounts.Count == 0)
                Console.WriteLine("No account on this device yet.");
            foreach (var stored in store.Accounts)
            {
                using var account = DeviceStore.Open(stored);
                Console.WriteLine($"{account.AccountNumber}  {account.DisplayName}  ({account.Issuer})");
                foreach (var request in await client.PendingAsync(account, cancel.Token))
                    Console.WriteLine("  " + Describe(request));
            }
            return 0;
        }
        case "approve" when arguments.Count >= 2 && int.TryParse(arguments[1], NumberStyles.None, CultureInfo.InvariantCulture, out var number):
        case "deny":
        {
            var approve = arguments[0] == "approve";
            var (account, request) = await FindRequestAsync(Option(arguments, "--account"), Option(arguments, "--request"));
            using (account)
            {
                if (request is null)
                    return Fail("No pending request" + (account is null ? "" : $" for {account.AccountNumber}") + ".");
                await client.DecideAsync(account!, request, approve, approve ? int.Parse(arguments[1], CultureInfo.InvariantCulture) : 0, cancel.Token);
                Console.WriteLine(approve ? "Approved." : "Denied.");
                if (!approve && arguments.Contains("--not-me"))
                {
                    await client.ReportAsync(account!, request.RequestId, cancel.Token);
                    Console.WriteLine("Reported as not you: you will get an e-mail. Change your password.");
                }
            }
            return 0;
        }
        case "watch":
        {
            var only = Option(arguments, "--account");
            var stored = store.Accounts.FirstOrDefault(a => only is null || a.AccountNumber == only);
            if (stored is null)
                return Fail("No such account on this device.");
            using var account = DeviceStore.Open(stored);
            Console.WriteLine($"Waiting for requests for {account.AccountNumber} (Ctrl+C ends) …");
            await foreach (var e in client.EventsAsync(account, cancel.Token))
                Console.WriteLine(e.Request is { } r ? Describe(r) : $"decided: {e.RequestId}");
            return 0;
        }
        case "remove" when arguments.Count >= 2:
        {
            var stored = store.Accounts.FirstOrDefault(a => a.AccountNumber == arguments[1] && a.Issuer == idp);
            if (stored is null)
                return Fail("No such account on this device.");
            using (var account = DeviceStore.Open(stored))
                await client.RemoveAsync(account, cancel.Token);
            store.Accounts.Remove(stored);
            store.Save(storePath);
            Console.WriteLine($"Account {arguments[1]} removed from this device.");
            return 0;
        }
        default:
            Console.Error.WriteLine(Usage);
            return 2;
    }
}
catch (DeviceApiException e)
{
    return Fail(e.Code switch
    {
        "ambiguous_login" => "This password fits several accounts with this e-mail address: use the account number.",
        "invalid_credentials" => "Login or password is wrong.",
        "no_phone_number" => "The account has no phone number: add one in the profile first.",
        "invalid_code" => "The code is wrong.",
        "expired" => "Expired or already done.",
        "wrong_number" => "Wrong number: the request has ended.",
        _ => e.Message,
    });
}
catch (OperationCanceledException)
{
    return 130;
}
catch (HttpRequestException e)
{
    return Fail($"Idp at {idp} is not reachable: {e.Message}");
}

async Task<(DeviceAccount? Account, PendingRequest? Request)> FindRequestAsync(string? accountNumber, string? requestId)
{
    foreach (var stored in store.Accounts.Where(a => a.Issuer == idp && (accountNumber is null || a.AccountNumber == accountNumber)))
    {
        var account = DeviceStore.Open(stored);
        var pending = (await client.PendingAsync(account, cancel.Token)).OrderByDescending(r => r.CreatedAt).ToList();
        var request = requestId is null ? pending.FirstOrDefault(r => !r.IsTest) ?? pending.FirstOrDefault() : pending.FirstOrDefault(r => r.RequestId == requestId);
        if (request is not null)
            return (account, request);
        account.Dispose();
    }
    return (null, null);
}

static string Describe(PendingRequest r) =>
    $"{(r.IsTest ? "[test] " : "")}{r.PortalName} at {r.CreatedAt.ToLocalTime():HH:mm:ss} from {r.IpAddress ?? "?"} ({r.Browser ?? "?"}): pick one of {string.Join(", ", r.NumberChoices)}  [request {r.RequestId}]";

static string? Option(List<string> arguments, string name)
{
    var index = arguments.IndexOf(name);
    if (index < 0 || index + 1 >= arguments.Count)
        return null;
    var value = arguments[index + 1];
    arguments.RemoveRange(index, 2);
    return value;
}

static string ReadSecret(string prompt)
{
    Console.Write(prompt);
    if (Console.IsInputRedirected)
        return Console.ReadLine() ?? "";
    var secret = new System.Text.StringBuilder();
    while (Console.ReadKey(intercept: true) is var key && key.Key != ConsoleKey.Enter)
    {
        if (key.Key == ConsoleKey.Backspace && secret.Length > 0)
            secret.Length--;
        else if (!char.IsControl(key.KeyChar))
            secret.Append(key.KeyChar);
    }
    Console.WriteLine();
    return secret.ToString();
}

static int Fail(string message)
{
    Console.Error.WriteLine(message);
    return 1;
}
