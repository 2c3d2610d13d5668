#!/usr/bin/env python3
"""Signs a user in through Idp's real sign-in form and prints the session's Cookie header.

    bench/signin.py --issuer http://127.0.0.1:5000 --login 1000000001 --password '...'

GET /signin (as a browser: Accept text/html), read the first POST form (its hidden inputs carry the
antiforgery token), POST it back with the login and password, and expect a redirect that sets the session
cookie. Cookies are kept by hand, not with http.cookiejar: outside Development Idp marks its cookies
Secure, and a standard jar would not send those over plain http on loopback.

Prints `name=value; name=value` (every cookie the server set) on stdout; everything else goes to stderr.
Python 3 standard library only.
"""
import argparse
import html
import html.parser
import http.client
import os
import re
import sys
import urllib.parse


class FormParser(html.parser.HTMLParser):
    """Collects the inputs of the first <form method=post> that has no handler in its action."""

    def __init__(self):
        super().__init__()
        self.forms = []  # (action, {name: value})
        self._current = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self._current = (a.get("action"), {})
        elif tag == "input" and self._current is not None and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._current[1].setdefault(a["name"], a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form" and self._current is not None:
            self.forms.append(self._current)
            self._current = None


def set_cookies(headers, jar):
    for value in headers.get_all("Set-Cookie") or []:
        pair = value.split(";", 1)[0]
        if "=" not in pair:
            continue
        name, val = pair.split("=", 1)
        name = name.strip()
        expired = any(p.strip().lower().startswith("expires=thu, 01 jan 1970") for p in value.split(";")[1:])
        if expired or val == "":
            jar.pop(name, None)
        else:
            jar[name] = val.strip()


def cookie_header(jar):
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def request(origin, method, path, jar, body=None, content_type=None):
    u = urllib.parse.urlsplit(origin)
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=60)
    headers = {"Accept": "text/html", "User-Agent": "idp-bench-signin"}
    if jar:
        headers["Cookie"] = cookie_header(jar)
    if content_type:
        headers["Content-Type"] = content_type
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    set_cookies(resp.headers, jar)
    conn.close()
    return resp.status, resp.headers, data


def main():
    e = os.environ.get
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--issuer", default=e("ISSUER"), required=e("ISSUER") is None)
    p.add_argument("--path", default=e("SIGNIN_PATH", "/signin"), help="sign-in page (env SIGNIN_PATH)")
    p.add_argument("--login", default=e("BENCH_LOGIN"), required=e("BENCH_LOGIN") is None)
    p.add_argument("--password", default=e("BENCH_PASSWORD"), required=e("BENCH_PASSWORD") is None)
    p.add_argument("--login-field", default=e("LOGIN_FIELD", "Input.Login"))
    p.add_argument("--password-field", default=e("PASSWORD_FIELD", "Input.Password"))
    p.add_argument("--session-cookie", default=e("SESSION_COOKIE", "idp.session"), help="must be set by the POST")
    a = p.parse_args()
    origin = a.issuer.rstrip("/")

    jar = {}
    status, _, page = request(origin, "GET", a.path, jar)
    if status != 200:
        sys.exit(f"signin: GET {a.path} answered {status}")
    parser = FormParser()
    parser.feed(page.decode("utf-8", errors="replace"))
    form = next(((action, fields) for action, fields in parser.forms
                 if a.login_field in fields or a.password_field in fields), None)
    if form is None:
        sys.exit(f"signin: no POST form with {a.login_field} / {a.password_field} on {a.path}")
    action, fields = form
    if not any(k == "__RequestVerificationToken" for k in fields):
        print("signin: note: the form has no __RequestVerificationToken field", file=sys.stderr)
    fields[a.login_field] = a.login
    fields[a.password_field] = a.password
    target = urllib.parse.urljoin(origin + a.path, action or a.path)
    target_path = urllib.parse.urlsplit(target)
    target_path = target_path.path + ("?" + target_path.query if target_path.query else "")
    before = set(jar)
    status, headers, body = request(origin, "POST", target_path, jar, urllib.parse.urlencode(fields),
                                    "application/x-www-form-urlencoded")
    if status not in (302, 303):
        text = body.decode("utf-8", errors="replace")
        hint = ""
        for marker in ('class="error-summary', 'role="alert"'):
            i = text.find(marker)
            if i >= 0:
                hint = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text[i:i + 800])).split())
                break
        sys.exit(f"signin: POST {target_path} answered {status}, not a redirect (wrong credentials, locked account, "
                 f"or a changed form?) {hint}")
    if a.session_cookie not in jar or a.session_cookie in before:
        sys.exit(f"signin: the POST redirected to {headers.get('Location')} but set no {a.session_cookie} cookie")
    print(f"signin: signed in as {a.login}; redirected to {headers.get('Location')}; cookies {', '.join(sorted(jar))}",
          file=sys.stderr)
    print(cookie_header(jar))


if __name__ == "__main__":
    main()
