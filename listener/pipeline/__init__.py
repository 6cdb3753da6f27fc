"""The ingest path: brand matching and the query language, dedup and clustering, analysis, import/export."""
