"""Import files waiting between preview and confirm.

Each upload is a file in a private folder (IMPORT_UPLOAD_DIR, or the system's temporary
folder), named by a random token, with the name it was uploaded under in a file beside it.
The uploader's session keeps only the token, the kind of import and who uploaded it, so
deleting an upload's files deletes all of it: a file may name people and hold their contact
details, and nothing of it may outlive the upload.

An upload is deleted when its import is confirmed or cancelled, when a person is erased (any
waiting file may name them), and once it is older than KEEP_SECONDS: by `manage.py
purge_uploads`, which production runs from a timer, and whenever someone uploads.
"""

import secrets
import tempfile
import time
from pathlib import Path

from django.conf import settings

KEEP_SECONDS = 24 * 60 * 60
DATA, NAME = ".upload", ".name"


def folder():
    path = Path(settings.IMPORT_UPLOAD_DIR or Path(tempfile.gettempdir()) / "lsp-directory-imports")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _files(token):
    base = folder() / token
    return base.with_suffix(DATA), base.with_suffix(NAME)


def save(data, filename):
    """Keep an uploaded file; returns its token."""
    purge()
    token = secrets.token_urlsafe(24)
    data_path, name_path = _files(token)
    for path, content in [(data_path, data), (name_path, filename.encode())]:
        path.write_bytes(content)
        path.chmod(0o600)
    return token


def read(token):
    """(file name, bytes) of an upload; FileNotFoundError once it has been deleted."""
    data_path, name_path = _files(token)
    return name_path.read_text(), data_path.read_bytes()


def exists(token):
    return _files(token)[0].exists()


def delete(token):
    for path in _files(token):
        path.unlink(missing_ok=True)


def waiting():
    """The files of every upload waiting for its import to be confirmed or cancelled."""
    return [path for path in folder().iterdir() if path.suffix in (DATA, NAME)]


def purge(*, older_than=KEEP_SECONDS):
    """Delete the uploads older than older_than seconds; returns how many were deleted."""
    cutoff = time.time() - older_than
    deleted = set()
    for path in waiting():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                deleted.add(path.stem)
        except FileNotFoundError:  # deleted meanwhile by another process
            pass
    return len(deleted)
