"""Server-rendered pages for people (Jinja2, autoescaped)."""
