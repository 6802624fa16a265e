"""Behind TRUSTED_PROXY_HOPS proxies, each visitor is their own client: for the report rate
limit, the sign-in lockout and the request log alike; and a forged X-Forwarded-For gets no
one anything.

Each of our proxies appends the address it was connected from: behind one (nginx), a visitor
at 198.51.100.1 arrives from the proxy's address with `X-Forwarded-For: 198.51.100.1`;
behind two (a CDN, then nginx), with `X-Forwarded-For: 198.51.100.1, <CDN edge>`. Whatever
the visitor sent in the header themselves stays on the left.
"""

import itertools
import json
import logging

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from curation.models import Correction
from curation.views import RATE_LIMIT
from lsp_directory.middleware import JsonFormatter

from .factories import PartnershipFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # what the app sees as REMOTE_ADDR behind our proxy
ALICE = "198.51.100.1"
BOB = "203.0.113.77"
FORGED = ["6.6.6.6", "7.7.7.7, 8.8.8.8", "not-an-address", "::1", "127.0.0.1"]
edges = itertools.cycle(["192.0.2.10", "192.0.2.11", "192.0.2.12"])  # a CDN's varying edges


def through_proxies(hops, visitor, forged=""):
    """The request's META as it reaches the app from `visitor` behind `hops` proxies."""
    if hops == 0:
        meta = {"REMOTE_ADDR": visitor}
    else:
        chain = [visitor] + [next(edges) for _ in range(hops - 1)]
        meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": ", ".join(chain)}
    if forged:
        before = meta.get("HTTP_X_FORWARDED_FOR")
        meta["HTTP_X_FORWARDED_FOR"] = f"{forged}, {before}" if before else forged
    return meta


@pytest.fixture
def request_log():
    """The JSON lines the request log writes, read back."""
    lines = []

    class Keep(logging.Handler):
        def emit(self, record):
            lines.append(json.loads(self.format(record)))

    handler = Keep()
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("lsp_directory.requests")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lines
    logger.removeHandler(handler)
    logger.setLevel(level)


@pytest.fixture
def partnership():
    return PartnershipFactory(name="Hartlepool Partnership")


def report(partnership, meta, n=0):
    url = reverse("curation:report", args=["partnership", partnership.slug])
    return Client().post(url, {"message": f"Report {n}", "email": ""}, **meta).status_code


# --- The report rate limit -----------------------------------------------------------------


@pytest.mark.parametrize("hops", [1, 2])
def test_visitors_behind_the_proxies_each_have_their_own_limit(settings, partnership, hops):
    settings.TRUSTED_PROXY_HOPS = hops
    for n in range(RATE_LIMIT):
        assert report(partnership, through_proxies(hops, ALICE), n) == 302
    # Alice is limited, whatever she puts in the header herself and through whichever edge.
    for forged in FORGED:
        assert report(partnership, through_proxies(hops, ALICE, forged)) == 429, forged
    # Bob, behind the same proxies, is not.
    assert report(partnership, through_proxies(hops, BOB)) == 302
    assert Correction.objects.count() == RATE_LIMIT + 1


def test_with_no_trusted_proxy_a_forged_header_changes_nothing(settings, partnership):
    """The default: the header is anyone's to write, so it is not read."""
    assert settings.TRUSTED_PROXY_HOPS == 0
    for n in range(RATE_LIMIT):
        assert report(partnership, through_proxies(0, ALICE, FORGED[n]), n) == 302
    assert report(partnership, through_proxies(0, ALICE, BOB)) == 429
    keys = set(Correction.objects.values_list("client_key", flat=True))
    assert len(keys) == 1
    # Nor does the number of proxies a visitor claims: one with no proxy in front of it is
    # the address it connected from.
    settings.TRUSTED_PROXY_HOPS = 1
    assert report(partnership, {"REMOTE_ADDR": ALICE}) == 429


def test_too_few_entries_for_the_proxies_count_as_the_nearest_proxy(settings, partnership):
    """A request that did not pass every trusted proxy is not believed about the rest."""
    settings.TRUSTED_PROXY_HOPS = 2
    for n in range(RATE_LIMIT):
        meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"192.0.2.{n}"}
        assert report(partnership, meta, n) == 302
    assert report(partnership, {"REMOTE_ADDR": PROXY}) == 429
    assert report(partnership, through_proxies(2, ALICE)) == 302


# --- The sign-in lockout -------------------------------------------------------------------


@pytest.fixture
def curator(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return User.objects.create_user("curator", password="right horse battery", is_staff=True)


def sign_in(meta, password):
    response = Client().post(
        reverse("admin:login"), {"username": "curator", "password": password}, **meta
    )
    return response.status_code


@pytest.mark.parametrize("hops", [1, 2])
def test_wrong_passwords_from_one_visitor_lock_out_only_that_visitor(settings, curator, hops):
    settings.TRUSTED_PROXY_HOPS = hops
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(through_proxies(hops, BOB), "guess") == 200  # the form again
    assert sign_in(through_proxies(hops, BOB), "guess") == 429  # the last wrong one locks
    assert sign_in(through_proxies(hops, BOB, forged="6.6.6.6"), "right horse battery") == 429
    # The curator, signing in from elsewhere through the same proxies, is not locked out.
    assert sign_in(through_proxies(hops, ALICE), "right horse battery") == 302
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [BOB]


def test_with_no_trusted_proxy_forged_headers_do_not_escape_the_lockout(settings, curator):
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(through_proxies(0, BOB, forged=f"192.0.2.{n}"), "guess") == 200
    assert sign_in(through_proxies(0, BOB, forged="192.0.2.99"), "guess") == 429
    assert sign_in(through_proxies(0, BOB, forged=ALICE), "right horse battery") == 429
    assert AccessAttempt.objects.get().ip_address == BOB


# --- The request log -----------------------------------------------------------------------


@pytest.mark.parametrize("hops", [0, 1, 2])
def test_the_request_log_names_the_client_the_rate_limit_counts(
    settings, partnership, request_log, hops
):
    settings.TRUSTED_PROXY_HOPS = hops
    assert report(partnership, through_proxies(hops, ALICE, forged="6.6.6.6")) == 302
    assert report(partnership, through_proxies(hops, ALICE, forged="7.7.7.7")) == 302
    assert report(partnership, through_proxies(hops, BOB)) == 302

    alice, alice_again, bob = (line["client"] for line in request_log)
    stored = list(Correction.objects.order_by("pk").values_list("client_key", flat=True))
    assert stored == [alice, alice_again, bob]
    assert alice == alice_again != bob
    # A keyed hash, never the address.
    text = "\n".join(json.dumps(line) for line in request_log)
    assert ALICE not in text and BOB not in text and len(alice) == 64
