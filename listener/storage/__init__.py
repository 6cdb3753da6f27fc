"""Storage: SQLAlchemy 2 models, engines and sessions, and the queries the API and jobs share."""
