"""Who is asking: the client's address, the one answer for the report rate limit, the sign-in
lockout (django-axes, through AXES_CLIENT_IP_CALLABLE) and the request log.

Behind TRUSTED_PROXY_HOPS proxies, each of which appends the address it was connected from to
X-Forwarded-For (nginx's `$proxy_add_x_forwarded_for`), the client is the entry that the
outermost of our proxies wrote: the last entry with one proxy, the second-to-last with two.
Entries to its left came from the client and may be anything, so they are never read. With no
trusted proxy (the default) the header is not read at all and the address is the socket's.
"""

from django.conf import settings
from django.utils.crypto import salted_hmac
from ipware import get_client_ip

# The key of Correction.client_key: changing it would reset every client's count.
KEY_SALT = "curation.Correction.client_key"


def client_address(request):
    """The client's IP address as a string ("" when the server was given none)."""
    hops = settings.TRUSTED_PROXY_HOPS
    if hops:
        # ipware counts the proxies listed in the header; our innermost proxy is not in it
        # (it is REMOTE_ADDR), hence hops - 1. Not strict: extra entries on the left are the
        # client's own and are skipped. Only X-Forwarded-For: the other headers ipware knows
        # (X-Real-IP, Client-IP, ...) are the client's to forge unless a proxy overwrites them.
        address, _routable = get_client_ip(
            request,
            proxy_count=hops - 1,
            request_header_order=["HTTP_X_FORWARDED_FOR"],
            strict=False,
            algorithm="modern",
        )
        if address:
            return address
        # No header, or fewer entries than proxies: the request did not come through them
        # all, and the socket's address is the nearest one known.
    return request.META.get("REMOTE_ADDR", "")


def client_key(request):
    """HMAC-SHA256, keyed with SECRET_KEY, of the client's address: 64 hex characters.

    What is stored and logged instead of the address: the same client has the same key, and
    the address cannot be read back from it.
    """
    return salted_hmac(KEY_SALT, client_address(request), algorithm="sha256").hexdigest()
