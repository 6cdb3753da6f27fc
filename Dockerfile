# syntax=docker/dockerfile:1
# Listener: the API and the pages, one process (`listener serve`). Build: docker build -t listener .
# Run:   docker run -p 8000:8000 -v listener-data:/app/data listener
#        (PostgreSQL: -e LISTENER_DATABASE_URL=postgresql+psycopg://user:password@host:5432/listener)
# An empty database is migrated on start; `docker run ... listener migrate` upgrades an older one.

# --- builder: install the project (with the PostgreSQL driver) into a self-contained venv ---------
FROM python:3.11-slim AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
RUN pip install --upgrade pip setuptools wheel

WORKDIR /src
# Only what the wheel is built from (see [tool.setuptools] in pyproject.toml).
COPY pyproject.toml README.md ./
COPY listener ./listener
COPY collectors ./collectors
COPY nlp ./nlp
COPY alerts ./alerts
COPY outbound ./outbound
COPY publishers ./publishers
COPY migrations ./migrations
# A regular (non-editable) install: the venv holds the code, the templates, the NLP data and the
# `migrations` package, so `listener migrate` works without the checkout.
RUN pip install ".[postgres]" \
    && listener --help >/dev/null \
    && python -c "import listener, migrations, nlp, collectors, alerts"

# --- final: slim runtime, non-root --------------------------------------------------------------
FROM python:3.11-slim

ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    LISTENER_HOST=0.0.0.0 \
    LISTENER_PORT=8000 \
    LISTENER_DATABASE_URL=sqlite:////app/data/listener.db

RUN groupadd --system --gid 10001 listener \
    && useradd --system --uid 10001 --gid listener --home-dir /app --shell /usr/sbin/nologin listener

COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
# The source too (alembic.ini, docs), root-owned: the service user reads it, never changes it.
COPY . /app
RUN mkdir -p /app/data && chown listener:listener /app/data
VOLUME ["/app/data"]

USER listener:listener
EXPOSE 8000

# No curl in the slim image: ask /healthz with Python (non-zero on 503 or no answer).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('LISTENER_PORT', '8000'), timeout=4)" || exit 1

CMD ["listener", "serve"]
