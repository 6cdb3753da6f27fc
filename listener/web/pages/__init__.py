"""Every page module in this package, found at import: a module that defines ``router`` (made with
``listener.web.frame.page_router``) is mounted by the app, and registers its navigation entries
with ``listener.web.nav.register_nav``. Adding a page is adding a module here (see docs/pages.md).
"""

from __future__ import annotations

import importlib
import pkgutil

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
MODULES = sorted(info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_"))
for _name in MODULES:
    _module = importlib.import_module(f"{__name__}.{_name}")
    if isinstance(getattr(_module, "router", None), APIRouter):
        router.include_router(_module.router)
