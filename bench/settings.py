"""The production settings, with collectstatic's output kept in bench-data/ (git-ignored)
so that the benchmark never writes into the project's own staticfiles/ folder.

Everything else comes from lsp_directory.settings and the environment, exactly as in
production: the benchmark sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS,
SECURE_SSL_REDIRECT=false and DATABASE_URL before Django reads them.
"""

from lsp_directory.settings import *  # noqa: F403
from lsp_directory.settings import BASE_DIR

STATIC_ROOT = BASE_DIR / "bench-data" / "staticfiles"
