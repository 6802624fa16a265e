"""The curator who saves a record every second while wrk reads (bench.loadtest).

Two halves:

- `python -m bench.curator setup --database-url URL` (a fresh process: Django reads
  DATABASE_URL once) makes the account on the bench database: a staff user in the Curators
  group (curation.services.curator_setup) whose areas are exactly those of one seat and of
  its holder's other seats, so that the admin lets it change the seat and choose its holder.
  It touches only that user and its grants, sets a new random password each run and prints
  {username, password, seat} as JSON on its last line. Running it again is harmless.
- `Curator` signs in to the production server's admin over HTTP as a browser would (the
  login form, its CSRF token, the session cookie) and `Writer` saves the seat's change form
  once a second from a thread: GET the form, send back every field as the browser would
  with "last verified on" moved between today and yesterday, and expect a 302 to the seat
  list. Anything else is an error, kept with its status and a snippet of the answer.

Each save writes a history row, which changes the data stamp (lsp_directory/caching.py) and
so empties the page cache: the readers get pages made from a cold cache.
"""

import argparse
import datetime
import http.client
import json
import re
import secrets
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from .scale import ROOT, check_throwaway, percentile, setup_django

USERNAME = "bench-curator"
TIMEOUT = 60  # seconds a request may take before it counts as an error


# -- The account, on the bench database -------------------------------------------------------


def seat_to_save(candidates=50):
    """A held seat whose holder reaches the fewest areas among the first `candidates`: the
    curator needs every area of the seat and of its holder (curation.rules)."""
    from curation import rules
    from partnerships.models import Seat

    best = None
    seats = Seat.objects.filter(person__isnull=False, vacant=False, is_demo=False)
    for seat in seats.select_related("person").order_by("pk")[:candidates]:
        areas = rules.areas_of(seat) | rules.areas_of(seat.person)
        if areas and (best is None or len(areas) < len(best[1])):
            best = seat, areas
    if best is None:
        raise SystemExit("No held seat to save in this dataset.")
    return best


def setup(database_url):
    check_throwaway(database_url)
    setup_django(database_url)
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from curation import rules
    from curation.services import curator_setup
    from partnerships.models import Area

    seat, area_ids = seat_to_save()
    codes = list(Area.objects.filter(pk__in=area_ids).values_list("gss_code", flat=True))
    password = secrets.token_urlsafe(24)
    with transaction.atomic():
        curator, _ = curator_setup(username=USERNAME, area_codes=codes)
        # Exactly this seat's areas, whatever an earlier run granted.
        curator.areas.set(Area.objects.filter(pk__in=area_ids))
        curator.regions.clear()
        user = curator.user
        user.is_active = True
        user.set_password(password)
        user.save()
    user = get_user_model().objects.get(pk=user.pk)  # no cached areas
    if not (rules.may_change(user, seat) and rules.allows(user, rules.USE, seat.person)):
        raise SystemExit(f"{USERNAME} cannot change seat {seat.pk} after setup.")
    return {"username": USERNAME, "password": password, "seat": seat.pk, "areas": len(codes)}


def account(database_url):
    """The curator's account on the bench database, set up in a fresh process:
    {username, password, seat}, or {error} when it cannot be."""
    command = [sys.executable, "-m", "bench.curator", "setup", "--database-url", database_url]
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    lines = completed.stdout.strip().splitlines()
    if completed.returncode != 0 or not lines:
        return {"error": (completed.stderr or completed.stdout).strip()[-300:]}
    return json.loads(lines[-1])


# -- The browser: one signed-in session over HTTP ----------------------------------------------


class FormFields(HTMLParser):
    """The fields of the form with id `form_id` as a browser submits them: enabled named
    inputs (checked boxes only), each select's selected options (else its first), textareas;
    no buttons."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.fields = form_id, False, []
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self.fields.append((name, a.get("value") or "on"))
                return
            self.fields.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self.select = {"name": name, "multiple": "multiple" in a, "options": []}
        elif tag == "option" and self.select is not None:
            self.select["options"].append([a.get("value"), "selected" in a, ""])
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data
        elif self.select is not None and self.select["options"]:
            self.select["options"][-1][2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select is not None:
            options = [
                (v if v is not None else text.strip(), on) for v, on, text in self.select["options"]
            ]
            chosen = [value for value, on in options if on]
            if not chosen and options and not self.select["multiple"]:
                chosen = [options[0][0]]
            self.fields += [(self.select["name"], value) for value in chosen]
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            self.fields.append((name, text[1:] if text.startswith("\n") else text))
            self.textarea = None


def form_fields(html, form_id):
    parser = FormFields(form_id)
    parser.feed(html)
    return parser.fields


class HTTPError(Exception):
    """An answer the browser would not expect: its kind, status and a snippet."""

    def __init__(self, kind, status, snippet=""):
        super().__init__(f"{kind}: {status}")
        self.kind, self.status, self.snippet = kind, status, snippet


def snippet(body, headers=None):
    """What a person would read first: where a redirect goes, the admin's error note and
    lists, else the page's main content (else its body)."""
    if headers is not None and headers.get("Location"):
        return f"to {headers['Location']}"
    text = body.decode("utf-8", "replace")
    errors = re.findall(r'<(p|ul) class="(?:errornote|errorlist)[^"]*"[^>]*>(.*?)</\1>', text, re.S)
    main = re.search(r"<main\b.*?</main>", text, re.S) or re.search(r"<body\b.*", text, re.S)
    if errors:
        text = " ".join(inner for _, inner in errors)
    elif main:
        text = main.group(0)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()[:200]


class Curator:
    """A browser signed in to the admin: it keeps its cookies (Secure ones too, as a browser
    does on 127.0.0.1) and sends Origin and Referer like one."""

    def __init__(self, base_url):
        parts = urlsplit(base_url)
        self.host, self.port, self.origin = (
            parts.hostname,
            parts.port,
            f"{parts.scheme}://{parts.netloc}",
        )
        self.cookies = {}

    def request(self, method, path, fields=None):
        """(status, headers, body, seconds)."""
        headers = {"Origin": self.origin, "Referer": self.origin + path}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, content, seconds

    def get_form(self, path, form_id):
        status, headers, body, seconds = self.request("GET", path)
        if status != 200:
            raise HTTPError("form not shown", status, snippet(body, headers))
        return form_fields(body.decode("utf-8", "replace"), form_id), seconds

    def log_in(self, username, password):
        path = "/admin/login/?next=/admin/"
        fields, _ = self.get_form(path, "login-form")
        fields = [(k, v) for k, v in fields if k not in {"username", "password"}]
        fields += [("username", username), ("password", password)]
        status, headers, body, _ = self.request("POST", path, fields)
        if status != 302 or urlsplit(headers.get("Location", "")).path != "/admin/":
            raise HTTPError("login refused", status, snippet(body, headers))

    def save_seat(self, seat, verified_on):
        """Save the seat's change form with a new 'last verified on'; (form, save) seconds."""
        path = f"/admin/partnerships/seat/{seat}/change/"
        fields, form_seconds = self.get_form(path, "seat_form")
        if not any(k == "csrfmiddlewaretoken" for k, _ in fields):
            raise HTTPError("form without a CSRF token", 200)
        fields = [(k, v) for k, v in fields if k != "last_verified_on"]
        fields += [("last_verified_on", verified_on.isoformat()), ("_save", "Save")]
        status, headers, body, save_seconds = self.request("POST", path, fields)
        where = urlsplit(headers.get("Location", "")).path
        if status != 302:
            raise HTTPError("save refused", status, snippet(body))
        if where != "/admin/partnerships/seat/":
            raise HTTPError("save sent elsewhere", f"302 to {where}")
        return form_seconds, save_seconds


class Writer(threading.Thread):
    """Saves the seat once a second (a save that takes longer delays the next, never
    doubles it up) until stop(); the figures from results()."""

    def __init__(self, base_url, account, every=1.0):
        super().__init__(name="bench-curator", daemon=True)
        self.base_url, self.account, self.every = base_url, account, every
        self.stopping = threading.Event()
        self.attempts, self.form_ms, self.save_ms, self.errors = 0, [], [], []
        self.login_error = None
        self.curator = Curator(base_url)

    def log_in(self):
        if "error" in self.account:
            self.login_error = {"kind": "curator setup failed", "snippet": self.account["error"]}
            return False
        try:
            self.curator.log_in(self.account["username"], self.account["password"])
            return True
        except (HTTPError, OSError, http.client.HTTPException) as error:
            self.login_error = describe(error)
            return False

    def run(self):
        today = datetime.date.today()
        tick = time.monotonic()
        while not self.stopping.is_set():
            verified_on = today - datetime.timedelta(days=self.attempts % 2)
            self.attempts += 1
            try:
                form_seconds, save_seconds = self.curator.save_seat(
                    self.account["seat"], verified_on
                )
                self.form_ms.append(form_seconds * 1000)
                self.save_ms.append(save_seconds * 1000)
            except Exception as error:  # any failure is a failed save, never a dead thread
                self.errors.append(describe(error))
            tick = max(tick + self.every, time.monotonic())
            self.stopping.wait(max(0.0, tick - time.monotonic()))

    def stop(self):
        self.stopping.set()
        self.join(timeout=TIMEOUT * 2 + 5)

    def results(self):
        kinds, examples = {}, {}
        for error in self.errors:
            kinds[error["kind"]] = kinds.get(error["kind"], 0) + 1
            examples.setdefault(error["kind"], error)
        ok = len(self.save_ms)
        return {
            "seat": self.account.get("seat"),
            "login_error": self.login_error,
            "attempts": self.attempts,
            "ok": ok,
            "errors": len(self.errors) + (1 if self.login_error else 0),
            "error_kinds": kinds,
            "error_examples": list(examples.values()),  # the first of each kind
            "save_ms": figures(self.save_ms),
            "form_ms": figures(self.form_ms),
        }


def describe(error):
    if isinstance(error, HTTPError):
        return {"kind": f"{error.kind} ({error.status})", "snippet": error.snippet}
    return {"kind": type(error).__name__, "snippet": str(error)[:200]}


def figures(values):
    if not values:
        return None
    return {"p50": percentile(values, 50), "p95": percentile(values, 95), "max": max(values)}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.curator", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("setup", help="make the bench curator; prints its account as JSON")
    p.add_argument("--database-url", required=True)
    args = parser.parse_args(argv)
    print(json.dumps(setup(args.database_url)))


if __name__ == "__main__":
    main()
