using System.Text.Json;
using Microsoft.Playwright;

namespace Idp.BrowserTests.Vault;

/// <summary>What the authenticator's vault keeps in the page's IndexedDB, read as the tests need it.</summary>
internal static class VaultStorage
{
    public sealed record Stored(string Text, string[] Names, bool[] Sealed);

    /// <summary>Script that defines <c>readRows(...stores)</c>: every row of those object stores, in order.</summary>
    private const string ReadRows = """
        const readRows = async (...stores) => {
            const db = await new Promise((resolve, reject) => { const o = indexedDB.open('idp-vault'); o.onsuccess = () => resolve(o.result); o.onerror = () => reject(o.error); });
            const all = store => new Promise((resolve, reject) => { const r = db.transaction(store).objectStore(store).getAll(); r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
            const rows = [];
            for (const store of stores) rows.push(...await all(store));
            db.close();
            return rows;
        };
        """;

    /// <summary>The lockout's whole wait (from the last wrong attempt) and what is left of it, by the page's clock.</summary>
    public static async Task<(long WaitMs, long LeftMs)> LockoutAsync(IPage app)
    {
        var lockout = await app.EvaluateAsync<long[]>($$"""
            async () => {
                const status = await Vault.status();
                {{ReadRows}}
                const meta = (await readRows('meta')).find(row => row.name === 'meta');
                return [status.lockedUntil - meta.lastAttemptAt, status.lockedUntil - Date.now()];
            }
            """);
        return (lockout[0], lockout[1]);
    }

    /// <summary>Everything in the vault's IndexedDB as text (bytes as hex), with each entry's name and whether it has a sealed secret.</summary>
    public static async Task<Stored> StoredAsync(IPage app)
    {
        var json = await app.EvaluateAsync<string>($$"""
            async () => {
                {{ReadRows}}
                const rows = await readRows('meta', 'entries');
                const text = JSON.stringify(rows, (k, v) => v instanceof Uint8Array || v instanceof ArrayBuffer
                    ? Array.from(new Uint8Array(v)).map(b => b.toString(16).padStart(2, '0')).join('') : v);
                const entries = rows.filter(r => r.id);
                return JSON.stringify({ text, names: entries.map(e => e.name), sealed: entries.map(e => !!e.sealed) });
            }
            """);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        return new Stored(
            root.GetProperty("text").GetString()!,
            [.. root.GetProperty("names").EnumerateArray().Select(n => n.GetString()!)],
            [.. root.GetProperty("sealed").EnumerateArray().Select(s => s.GetBoolean())]);
    }
}
