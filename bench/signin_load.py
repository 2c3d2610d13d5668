#!/usr/bin/env python3
"""Password sign-ins through Idp's real form, from several workers at once: sign-ins per second and latency.

    bench/signin_load.py --issuer http://127.0.0.1:5000 --login 1000000001 --password '...' [--workers 8]
                         [--duration 20] [--warmup 5]

Each sign-in is what a browser does: GET /signin (a fresh cookie jar, so a new antiforgery token), then POST the
form with the login and password, which must redirect with the session cookie, or with the pending sign-in's cookie
on the way to enrolment (the benchmark user has no second factor). Workers are threads; the server's
password hash (PBKDF2) makes a sign-in tens of milliseconds, so Python's own time is small beside it. Prints one
Markdown table row; counts only sign-ins that ended within the measured window.
Python 3 standard library only.
"""
import argparse
import os
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from signin import FormParser, request  # noqa: E402


def sign_in(origin, login, password):
    jar = {}
    status, _, page = request(origin, "GET", "/signin", jar)
    if status != 200:
        return False
    parser = FormParser()
    parser.feed(page.decode("utf-8", errors="replace"))
    form = next((f for f in parser.forms if "Input.Login" in f[1]), None)
    if form is None:
        return False
    action, fields = form
    fields["Input.Login"], fields["Input.Password"] = login, password
    target = urllib.parse.urlsplit(urllib.parse.urljoin(origin + "/signin", action or "/signin"))
    path = target.path + ("?" + target.query if target.query else "")
    status, headers, _ = request(origin, "POST", path, jar, urllib.parse.urlencode(fields), "application/x-www-form-urlencoded")
    # The password step is done when the form redirects with a session, or (the benchmark user has no second factor,
    # and every sign-in after the first one goes on to enrolment) with the pending sign-in's cookie.
    if status in (302, 303) and ("idp.session" in jar or "idp.pending" in jar):
        return True
    print(f"signin_load: POST {path} answered {status} (Location {headers.get('Location')}), cookies {sorted(jar)}", file=sys.stderr)
    return False


def main():
    e = os.environ.get
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--issuer", default=e("ISSUER"), required=e("ISSUER") is None)
    p.add_argument("--login", default=e("BENCH_LOGIN"), required=e("BENCH_LOGIN") is None)
    p.add_argument("--password", default=e("BENCH_PASSWORD"), required=e("BENCH_PASSWORD") is None)
    p.add_argument("--workers", type=int, default=int(e("WORKERS", "8")))
    p.add_argument("--duration", type=float, default=float(e("DURATION", "20")))
    p.add_argument("--warmup", type=float, default=float(e("WARMUP", "5")))
    a = p.parse_args()
    origin = a.issuer.rstrip("/")

    start = time.monotonic() + a.warmup
    end = start + a.duration
    latencies, errors, lock = [], [0], threading.Lock()

    def worker():
        while True:
            began = time.monotonic()
            if began >= end:
                return
            ok = sign_in(origin, a.login, a.password)
            done = time.monotonic()
            if began >= start and done <= end:
                with lock:
                    if ok:
                        latencies.append(done - began)
                    else:
                        errors[0] += 1

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(a.workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()

    def pct(q):
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else float("nan")

    print("| workers | sign-ins/s | p50 ms | p99 ms | errors |")
    print("|---|---|---|---|---|")
    print(f"| {a.workers} | {len(latencies) / a.duration:,.1f} | {pct(0.5):.0f} | {pct(0.99):.0f} | {errors[0]} |")


if __name__ == "__main__":
    main()
