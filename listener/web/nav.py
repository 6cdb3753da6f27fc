"""The navigation registry: each page module registers its entries with :func:`register_nav`; the
frame shows an entry only to people whose role reaches the entry's ``role``.

``section`` is ``"work"`` (the day-to-day pages, left) or ``"manage"`` (management screens, in the
"Manage" menu, manager and above unless an entry says otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass

from listener.auth import ROLE_RANK


@dataclass(frozen=True, slots=True)
class NavItem:
    """One link in the navigation: ``label`` is an English msgid marked with ``N_`` (translated
    when shown); ``match`` is the path prefix that marks the entry current (default: ``path``)."""

    path: str
    label: str
    role: str = "viewer"
    section: str = "work"
    order: int = 100
    match: str = ""

    def current(self, path: str) -> bool:
        """True when ``path`` is this entry's page (or below it)."""
        prefix = self.match or self.path
        return path == prefix if prefix == "/" else path == prefix or path.startswith(prefix + "/")


NAV: list[NavItem] = []


def register_nav(*items: NavItem) -> None:
    """Add entries to the navigation (a page module calls this once, at import)."""
    for item in items:
        if item.role not in ROLE_RANK:
            raise ValueError(f"unknown role {item.role!r} for {item.path}")
        if item.section not in ("work", "manage"):
            raise ValueError(f"unknown section {item.section!r} for {item.path}")
        NAV[:] = [n for n in NAV if n.path != item.path] + [item]
    NAV.sort(key=lambda n: (n.section, n.order, n.path))


def visible(role: str, section: str) -> list[NavItem]:
    """The entries of ``section`` someone with ``role`` sees."""
    return [n for n in NAV if n.section == section and ROLE_RANK[role] >= ROLE_RANK[n.role]]
