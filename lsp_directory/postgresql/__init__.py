"""Django's PostgreSQL backend with limits on how long the site waits (see
lsp_directory/database.py). settings.py uses it when DATABASE_URL is PostgreSQL."""
