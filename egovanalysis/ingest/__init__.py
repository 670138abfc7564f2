"""Stage 1, ingest: read ``data/raw``, check it against its contracts, parse the reported figures and write
``data/processed``. Imports only the top-level modules (config, errors, conventions, data)."""
