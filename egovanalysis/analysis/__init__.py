"""Stage 2, analysis: tables computed from the processed data (audit, portal adoption, targets at their
deadlines, the EGDI panel's tables). Imports the top-level modules and :mod:`egovanalysis.ingest`."""
