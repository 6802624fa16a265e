"""Import files waiting between preview and confirm.

Each upload is a row of curation.PendingUpload: the file's bytes, the name it was uploaded
under, its uploader and a random token. The uploader's session keeps only the token and the
kind of import, so deleting the row deletes all of it: a file may name people and hold their
contact details, and nothing of it may outlive the upload.

The database rather than Django's storage API, because every server already shares the
database: a file previewed through one server is confirmed through another with nothing more
to run, while the default storage is a folder on one server and sharing it would need a
network file system or an object store, one more service to run and secure. A file is at most
curation.imports.MAX_BYTES (20 MB) and waits a day at most, so the table stays small, and
deleting an upload is one DELETE that the confirming transaction's server sees at once.

An upload is deleted when its import is confirmed or cancelled, when a person is erased (any
waiting file may name them), and once it is older than KEEP_SECONDS: by `manage.py
purge_uploads`, which production runs from a timer, and whenever someone uploads.
"""

import secrets
from datetime import timedelta
from typing import NamedTuple

from django.utils import timezone

from .models import PendingUpload

KEEP_SECONDS = 24 * 60 * 60


class Gone(LookupError):
    """The upload was confirmed, cancelled, purged or erased (or is someone else's)."""


def save(data, filename, *, owner):
    """Keep an uploaded file for its uploader; returns its token."""
    purge()
    token = secrets.token_urlsafe(24)
    PendingUpload.objects.create(token=token, owner=owner, name=filename, data=data)
    return token


def read(token, *, owner):
    """(file name, bytes) of owner's upload; Gone once it has been deleted."""
    row = PendingUpload.objects.filter(token=token, owner=owner).values_list("name", "data")
    if not (found := row.first()):
        raise Gone(token)
    name, data = found
    return name, bytes(data)  # a memoryview on PostgreSQL


def exists(token):
    return PendingUpload.objects.filter(token=token).exists()


def still_waiting(tokens):
    """The tokens among tokens whose uploads are still waiting."""
    return set(PendingUpload.objects.filter(token__in=tokens).values_list("token", flat=True))


def delete(token):
    PendingUpload.objects.filter(token=token).delete()


class Waiting(NamedTuple):
    """An upload waiting for confirmation, without its bytes."""

    token: str
    name: str


def waiting():
    """Every upload waiting for its import to be confirmed or cancelled."""
    return [Waiting(*row) for row in PendingUpload.objects.values_list("token", "name")]


def delete_all():
    """Delete every waiting upload; returns how many were deleted."""
    return PendingUpload.objects.all().delete()[0]


def purge(*, older_than=KEEP_SECONDS):
    """Delete the uploads older than older_than seconds; returns how many were deleted."""
    cutoff = timezone.now() - timedelta(seconds=older_than)
    return PendingUpload.objects.filter(created_at__lt=cutoff).delete()[0]
