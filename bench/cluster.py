#!/usr/bin/env python3
"""Load and checks for bench/cluster.sh (see bench/README.md, "The cluster under faults").

    cluster.py seed  --out DIR                       # helpdesk reset requests that fall due during the run (SLA job)
    cluster.py load  --url URL --duration S --workers N --out DIR
    cluster.py check --url URL --out DIR --faults FILE --mail FILE [--grace S]

`load` signs in through the real form, runs code flows (authorize with the session, then the token endpoint),
refreshes (rotation: each chain keeps its latest acknowledged token) and password-reset requests (an audit row
and an outbox e-mail each), and writes every response with its time and status to DIR/events.jsonl and the
client's state (codes, refresh chains) to DIR/state.json. `check` waits for the outbox to drain and the SLA
items to fall due, then checks what the cluster promised and prints a table; it exits 1 on any failure.

The database is read with psql: the command is in the environment variable PSQL (e.g.
`runuser -u postgres -- psql -h /tmp/sock -p 55432 -U postgres -d idp`). Python 3 standard library only.
"""
import argparse
import base64
import hashlib
import http.client
import json
import os
import random
import secrets
import shlex
import subprocess
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from signin import FormParser, cookie_header, set_cookies  # noqa: E402

CLIENT_ERRORS = {"conn", 500, 502, 503, 504}
SLA_REMINDER_TO = "sla-reminder@cluster.test"
SLA_ESCALATION_TO = "sla-escalation@cluster.test"


# ------------------------------------------------------------------ database
def psql(sql):
    command = shlex.split(os.environ["PSQL"]) + ["-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def scalar(sql):
    rows = psql(sql)
    return rows[0][0] if rows else None


# ------------------------------------------------------------------ HTTP
class Client:
    """One HTTP exchange per connection (as a browser behind a balancer might), every response recorded."""

    def __init__(self, url, recorder, timeout=15):
        u = urllib.parse.urlsplit(url)
        self.host, self.port, self.timeout, self.recorder = u.hostname, u.port or 80, timeout, recorder

    def request(self, op, method, path, jar=None, form=None, accept="text/html"):
        headers = {"Accept": accept, "User-Agent": "idp-cluster-bench"}
        body = None
        if jar:
            headers["Cookie"] = cookie_header(jar)
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.time()
        try:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            conn.close()
        except (OSError, http.client.HTTPException) as error:
            self.recorder(op, started, "conn", type(error).__name__)
            return None, None, None
        if jar is not None:
            set_cookies(resp.headers, jar)
        self.recorder(op, started, resp.status, None)
        return resp.status, resp.headers, data


class Recorder:
    def __init__(self, path):
        self.file = open(path, "a", encoding="utf-8")
        self.lock = threading.Lock()

    def __call__(self, op, started, status, detail):
        line = json.dumps({"t": started, "end": time.time(), "op": op, "status": status, "detail": detail})
        with self.lock:
            self.file.write(line + "\n")


def form_of(page, field):
    parser = FormParser()
    parser.feed(page.decode("utf-8", errors="replace"))
    return next(((action, fields) for action, fields in parser.forms if field in fields), (None, None))


class Flows:
    def __init__(self, a, client, discovery):
        self.a, self.c = a, client
        self.authorize_path = urllib.parse.urlsplit(discovery["authorization_endpoint"]).path
        self.token_path = urllib.parse.urlsplit(discovery["token_endpoint"]).path

    def sign_in(self):
        jar = {}
        status, _, page = self.c.request("signin.get", "GET", "/signin", jar)
        if status != 200:
            return None
        action, fields = form_of(page, "Input.Login")
        if fields is None:
            return None
        fields.update({"Input.Login": self.a.login, "Input.Password": self.a.password})
        status, _, _ = self.c.request("signin.post", "POST", action or "/signin", jar, fields)
        return jar if status in (302, 303) and "idp.session" in jar else None

    def authorize(self, jar):
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        query = urllib.parse.urlencode({
            "response_type": "code", "client_id": self.a.client_id, "redirect_uri": self.a.redirect_uri,
            "scope": "openid offline_access", "state": secrets.token_hex(8), "nonce": secrets.token_hex(8),
            "code_challenge": challenge, "code_challenge_method": "S256"})
        status, headers, _ = self.c.request("authorize", "GET", f"{self.authorize_path}?{query}", jar)
        location = headers.get("Location", "") if headers else ""
        if status not in (302, 303) or not location.startswith(self.a.redirect_uri):
            return None, None
        code = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query).get("code", [None])[0]
        return code, verifier

    def token(self, op, fields):
        fields = dict(fields, client_id=self.a.client_id, client_secret=self.a.client_secret)
        status, _, data = self.c.request(op, "POST", self.token_path, None, fields, accept="application/json")
        try:
            body = json.loads(data) if data else {}
        except ValueError:
            body = {}
        return status, body

    def redeem(self, code, verifier, op="token.code"):
        return self.token(op, {"grant_type": "authorization_code", "code": code, "code_verifier": verifier,
                               "redirect_uri": self.a.redirect_uri})

    def refresh(self, token, op="token.refresh"):
        return self.token(op, {"grant_type": "refresh_token", "refresh_token": token})

    def reset_request(self):
        jar = {}
        status, _, page = self.c.request("reset.get", "GET", "/forgot-password", jar)
        if status != 200:
            return None
        action, fields = form_of(page, "Input.Login")
        if fields is None:
            return None
        fields["Input.Login"] = self.a.login
        status, _, _ = self.c.request("reset.post", "POST", action or "/forgot-password", jar, fields)
        return status == 200


# ------------------------------------------------------------------ load
def worker(flows, deadline, state, lock, pause):
    jar, chains, n = None, [], 0
    while time.time() < deadline:
        n += 1
        if jar is None or n % 15 == 0:
            jar = flows.sign_in()
            with lock:
                state["signins"]["attempted"] += 1
                state["signins"]["acknowledged"] += jar is not None
        elif n % 6 == 0:
            ok = flows.reset_request()
            with lock:
                state["resets"]["attempted"] += 1
                state["resets"]["acknowledged"] += ok is True
        elif len(chains) < 3 or n % 4 == 0:
            code, verifier = flows.authorize(jar)
            if code:
                status, body = flows.redeem(code, verifier)
                record = {"code": code, "verifier": verifier, "acknowledged": status == 200 and "refresh_token" in body,
                          "answered": status is not None and status < 500}
                with lock:
                    state["codes"].append(record)
                if record["acknowledged"]:
                    chain = {"latest": body["refresh_token"], "rotations": 0, "in_doubt": False, "fate": "live"}
                    with lock:
                        state["chains"].append(chain)
                    chains.append(chain)
                    if len(chains) > 3:
                        chains.pop(0)
        else:
            chain = random.choice(chains)
            status, body = flows.refresh(chain["latest"])
            if status == 200 and "refresh_token" in body:
                chain.update(latest=body["refresh_token"], in_doubt=False)
                chain["rotations"] += 1
            elif status == 400 and body.get("error") == "invalid_grant":
                # The latest acknowledged token was refused: rotated by a request whose answer we never saw
                # (acceptable), or lost by the server (a failure).
                chain["fate"] = "rotated-unanswered" if chain["in_doubt"] else "lost"
                chains.remove(chain)
            else:
                chain["in_doubt"] = True
        time.sleep(pause)


def cmd_load(a):
    os.makedirs(a.out, exist_ok=True)
    recorder = Recorder(os.path.join(a.out, "events.jsonl"))
    client = Client(a.url, recorder)
    status, _, data = client.request("discovery", "GET", "/.well-known/openid-configuration", accept="application/json")
    if status != 200:
        sys.exit(f"cluster.py: discovery answered {status}")
    flows = Flows(a, client, json.loads(data))
    state = {"codes": [], "chains": [], "signins": {"attempted": 0, "acknowledged": 0},
             "resets": {"attempted": 0, "acknowledged": 0}, "started": time.time()}
    lock = threading.Lock()
    deadline = time.time() + a.duration
    threads = [threading.Thread(target=worker, args=(flows, deadline, state, lock, a.pause), daemon=True)
               for _ in range(a.workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    state["ended"] = time.time()
    with open(os.path.join(a.out, "state.json"), "w", encoding="utf-8") as f:
        json.dump(state, f)
    print(f"load: {len(state['codes'])} code flows, {len(state['chains'])} refresh chains, "
          f"{sum(c['rotations'] for c in state['chains'])} refreshes, {state['resets']['acknowledged']} reset requests, "
          f"{state['signins']['acknowledged']} sign-ins", file=sys.stderr)


# ------------------------------------------------------------------ seed (SLA items)
def cmd_seed(a):
    """Open helpdesk reset requests whose reminder and due times fall inside the run, for the SLA job to handle."""
    subject = scalar(f"SELECT \"Id\" FROM \"AspNetUsers\" WHERE \"UserName\" = '{a.login}' OR \"AccountNumber\" = '{a.login}' LIMIT 1")
    if not subject:
        sys.exit("cluster.py seed: the benchmark user is not in the database")
    now = time.time()
    references = []
    for i in range(a.sla_items):
        remind = now + a.duration * (i + 1) / (a.sla_items + 1)
        due = remind + a.duration / (2 * (a.sla_items + 1))
        reference = "R-CL" + secrets.token_hex(3).upper()
        references.append(reference)
        psql(f"""INSERT INTO "ResetRequests" ("Id", "Reference", "SubjectId", "Reason", "Contact", "State",
                 "RequiresFourEyes", "SubmittedAt", "DueAt", "RemindAt")
                 VALUES ('{secrets.token_hex(16)}', '{reference}', '{subject}', 1, 'cluster bench', 1, false,
                 to_timestamp({now}), to_timestamp({due}), to_timestamp({remind}))""")
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "sla.json"), "w", encoding="utf-8") as f:
        json.dump({"references": references}, f)
    print(f"seed: {len(references)} helpdesk requests due during the run", file=sys.stderr)


# ------------------------------------------------------------------ checks
class Table:
    def __init__(self):
        self.rows, self.failed = [], False

    def add(self, name, ok, details):
        self.rows.append((name, "ok" if ok else "FAIL", details))
        self.failed |= not ok

    def print(self):
        width = max(len(r[0]) for r in self.rows)
        print(f"| {'check'.ljust(width)} | result | details |")
        print(f"|{'-' * (width + 2)}|--------|---------|")
        for name, result, details in self.rows:
            print(f"| {name.ljust(width)} | {result.ljust(6)} | {details} |")


def wait_for(description, condition, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(1)
    print(f"check: gave up waiting for {description} after {timeout:.0f} s", file=sys.stderr)
    return False


def cmd_check(a):
    table = Table()
    with open(os.path.join(a.out, "state.json"), encoding="utf-8") as f:
        state = json.load(f)
    with open(os.path.join(a.out, "events.jsonl"), encoding="utf-8") as f:
        events = [json.loads(line) for line in f if line.strip()]
    with open(a.faults, encoding="utf-8") as f:
        faults = [json.loads(line) for line in f if line.strip()]
    sla_path = os.path.join(a.out, "sla.json")
    references = json.load(open(sla_path, encoding="utf-8"))["references"] if os.path.exists(sla_path) else []

    # Background work must finish first: the SLA items' escalations, then the outbox.
    if references:
        refs = ",".join(f"'{r}'" for r in references)
        wait_for("the SLA job", lambda: scalar(
            f'SELECT count(*) FROM "ResetRequests" WHERE "Reference" IN ({refs}) AND "EscalatedAt" IS NOT NULL') == str(len(references)),
            a.drain_timeout)
    wait_for("the outbox to drain", lambda: scalar(
        'SELECT count(*) FROM "Outbox" WHERE "Channel" = 1 AND "SentAt" IS NULL AND "FailedAt" IS NULL') == "0",
        a.drain_timeout)
    time.sleep(1)

    # 1. Client-visible errors only inside the fault windows (plus grace); no 500 at all.
    def in_window(e):
        return any(w["start"] - 0.5 <= e["end"] and e["t"] <= w["end"] + a.grace for w in faults)
    errors = [e for e in events if e["status"] in CLIENT_ERRORS]
    outside = [e for e in errors if not in_window(e)]
    server_errors = [e for e in events if e["status"] == 500]
    by_status = {}
    for e in errors:
        by_status[str(e["status"])] = by_status.get(str(e["status"]), 0) + 1
    windows = ", ".join(f"{w['kind']} {w['start'] - state['started']:.0f}–{w['end'] - state['started']:.0f} s" for w in faults)
    table.add("client errors only in fault windows", not outside,
              f"{len(events)} responses; errors {by_status or 'none'}; windows (+{a.grace:.0f} s grace): {windows}; "
              f"outside: {len(outside)}" + "".join(
                  f"; {e['op']} {e['status']} at {e['t'] - state['started']:.1f} s" for e in outside[:5]))
    table.add("no 500", not server_errors,
              f"{len(server_errors)} responses with 500" + "".join(
                  f"; {e['op']} at {e['t'] - state['started']:.1f} s" for e in server_errors[:5]))

    client = Client(a.url, Recorder(os.path.join(a.out, "check-events.jsonl")))
    status, _, data = client.request("discovery", "GET", "/.well-known/openid-configuration", accept="application/json")
    flows = Flows(a, client, json.loads(data))

    # 2. Refresh chains: the latest acknowledged token of every chain still works (rotated by us, never lost).
    lost_during = [c for c in state["chains"] if c["fate"] == "lost"]
    unanswered = [c for c in state["chains"] if c["fate"] == "rotated-unanswered"]
    live = [c for c in state["chains"] if c["fate"] == "live"]
    redeemable, in_doubt_rotated, lost_at_end = 0, 0, 0
    for chain in live:
        status, body = flows.refresh(chain["latest"], op="check.refresh")
        if status == 200:
            redeemable += 1
        elif chain["in_doubt"]:
            in_doubt_rotated += 1
        else:
            lost_at_end += 1
    table.add("refresh tokens never lost", not lost_during and not lost_at_end,
              f"{len(state['chains'])} chains, {sum(c['rotations'] for c in state['chains'])} rotations; latest token "
              f"redeemable at the end: {redeemable}; rotated by a request whose answer the client never got: "
              f"{len(unanswered) + in_doubt_rotated}; lost: {len(lost_during) + lost_at_end}")

    # 3. Codes: a sample of redeemed codes fails a second time; the database never counts more redemptions than requests.
    acknowledged = [c for c in state["codes"] if c["acknowledged"]]
    sample = random.sample(acknowledged, min(a.code_sample, len(acknowledged)))
    replay_accepted = 0
    for c in sample:
        status, body = flows.redeem(c["code"], c["verifier"], op="check.replay")
        replay_accepted += status != 400 or body.get("error") != "invalid_grant"
    redeemed = int(scalar('SELECT count(*) FROM "AuthorizationCodes" WHERE "RedeemedAt" IS NOT NULL') or 0)
    exchanges = sum(1 for e in events if e["op"] == "token.code")
    table.add("every code redeemed at most once", replay_accepted == 0 and redeemed <= exchanges,
              f"{len(state['codes'])} codes, {len(acknowledged)} token responses; replayed {len(sample)}: "
              f"{len(sample) - replay_accepted} refused; database: {redeemed} redeemed (≤ {exchanges} exchange requests; "
              f"expired codes are deleted by the cleanup job)")

    # 4. Reset requests: every acknowledged one is in the database (audit row) and has its e-mail.
    audited = int(scalar(f"""SELECT count(*) FROM "AuditEvents" WHERE "Type" = 'password.reset_requested'
                             AND "SubjectId" IS NOT NULL""") or 0)
    resets = state["resets"]
    reset_mails = int(scalar("""SELECT count(*) FROM "Outbox" WHERE "Channel" = 1 AND "Body" LIKE '%/reset-password?%'""") or 0)
    table.add("acknowledged reset requests stored", resets["acknowledged"] <= audited <= resets["attempted"]
              and resets["acknowledged"] <= reset_mails <= resets["attempted"],
              f"{resets['attempted']} sent, {resets['acknowledged']} acknowledged; database: {audited} audit rows, "
              f"{reset_mails} outbox e-mails (each between acknowledged and sent)")

    # 5. Outbox: every e-mail handed to the SMTP sink exactly once, and recorded as sent.
    rows = psql('SELECT "Id", "SentAt" IS NOT NULL, "FailedAt" IS NOT NULL, "Attempts" FROM "Outbox" WHERE "Channel" = 1')
    mails = []
    if os.path.exists(a.mail):
        with open(a.mail, encoding="utf-8") as f:
            mails = [json.loads(line) for line in f if line.strip()]
    delivered = {}
    unknown = 0
    for m in mails:
        parts = m["message_id"].split("-")
        if len(parts) >= 3 and parts[0] == "outbox" and parts[1].isdigit():
            delivered.setdefault(parts[1], []).append(m["t"])
        else:
            unknown += 1
    sent = {r[0] for r in rows if r[1] == "t"}
    failed = [r[0] for r in rows if r[2] == "t"]
    pending = [r[0] for r in rows if r[1] != "t" and r[2] != "t"]
    # A copy handed to the SMTP server during a fault whose sending was never recorded (the node died, or the
    # database went down before the update) is sent again once the claim expires: at least once, as documented in
    # src/Idp.Core/Messaging/README.md. Shown, but only a duplicate without such a cause fails the check.
    after_fault = [i for i, times in delivered.items()
                   if len(times) > 1 and any(w["start"] - 0.5 <= min(times) <= w["end"] + a.grace for w in faults)]
    duplicates = [i for i, times in delivered.items() if len(times) > 1 and i not in after_fault]
    missing = [i for i in sent if i not in delivered]
    unrecorded = [i for i in delivered if i not in sent]
    table.add("outbox e-mails sent exactly once", not (duplicates or missing or unrecorded or failed or pending or unknown),
              f"{len(rows)} outbox e-mails, {len(sent)} marked sent; SMTP sink: {len(mails)} messages; duplicates "
              f"{len(duplicates)}, sent again after a fault interrupted the recording (at least once) {len(after_fault)}, "
              f"marked sent but not received {len(missing)}, received but not marked sent "
              f"{len(unrecorded)}, failed {len(failed)}, still pending {len(pending)}, foreign {unknown}")

    # 6. SLA job: each seeded request reminded once and escalated once (claims + outbox), through the faults.
    if references:
        bad = []
        for reference in references:
            row = psql(f"""SELECT "ReminderSentAt" IS NOT NULL, "EscalatedAt" IS NOT NULL,
                (SELECT count(*) FROM "Outbox" WHERE "Recipient" = '{SLA_REMINDER_TO}' AND "Body" LIKE '%{reference}%'),
                (SELECT count(*) FROM "Outbox" WHERE "Recipient" = '{SLA_ESCALATION_TO}' AND "Body" LIKE '%{reference}%')
                FROM "ResetRequests" WHERE "Reference" = '{reference}'""")
            if not row or row[0] != ["t", "t", "1", "1"]:
                bad.append(f"{reference}: {row}")
        table.add("SLA job fired once per due item", not bad,
                  f"{len(references)} helpdesk requests due during the run: one reminder and one escalation e-mail each "
                  f"(claimed markers, outbox rows)" + ("; " + "; ".join(bad[:3]) if bad else ""))

    table.print()
    with open(os.path.join(a.out, "checks.json"), "w", encoding="utf-8") as f:
        json.dump(table.rows, f)
    return 1 if table.failed else 0


def main():
    e = os.environ.get
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=["seed", "load", "check"])
    p.add_argument("--url", default=e("URL"))
    p.add_argument("--out", required=True)
    p.add_argument("--duration", type=float, default=float(e("DURATION", "60")))
    p.add_argument("--workers", type=int, default=int(e("WORKERS", "4")))
    p.add_argument("--pause", type=float, default=float(e("PAUSE", "0.02")), help="seconds between a worker's steps")
    p.add_argument("--login", default=e("BENCH_LOGIN", "1000000001"))
    p.add_argument("--password", default=e("BENCH_PASSWORD", "demo-password-2026"))
    p.add_argument("--client-id", default=e("CLIENT_ID", "cluster-client"))
    p.add_argument("--client-secret", default=e("CLIENT_SECRET", "cluster-secret"))
    p.add_argument("--redirect-uri", default=e("REDIRECT_URI", "http://127.0.0.1:8080/cb"))
    p.add_argument("--faults")
    p.add_argument("--mail")
    p.add_argument("--grace", type=float, default=float(e("GRACE", "5")))
    p.add_argument("--sla-items", type=int, default=3)
    p.add_argument("--code-sample", type=int, default=20)
    p.add_argument("--drain-timeout", type=float, default=90)
    a = p.parse_args()
    if a.command == "load":
        cmd_load(a)
    elif a.command == "seed":
        cmd_seed(a)
    else:
        sys.exit(cmd_check(a))


if __name__ == "__main__":
    main()
