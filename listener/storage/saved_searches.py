"""A person's saved inbox searches: list, save (a new name, or the same name replaced), delete."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from listener.errors import NotFound, Unprocessable
from listener.storage.people_models import SavedSearch

MAX_SEARCHES = 50


def searches_of(session: Session, user_id: int) -> list[SavedSearch]:
    """The user's saved searches, oldest first."""
    stmt = select(SavedSearch).where(SavedSearch.user_id == user_id).order_by(SavedSearch.id)
    return list(session.scalars(stmt))


def save_search(session: Session, user_id: int, name: str, query: str) -> SavedSearch:
    """Save ``query`` (an inbox query string) as ``name``; the same name again replaces it.
    Unprocessable for an empty or long name, a long query, or more than 50 searches."""
    name = " ".join(name.split())
    if not 1 <= len(name) <= 100:
        raise Unprocessable("a saved search needs a name of 1 to 100 characters", details=[{"field": "name"}])
    if len(query) > 2000:
        raise Unprocessable("the search is too long to save", details=[{"field": "query"}])
    found = session.scalar(
        select(SavedSearch).where(SavedSearch.user_id == user_id, SavedSearch.name == name)
    )
    if found is not None:
        found.query = query
    else:
        if len(searches_of(session, user_id)) >= MAX_SEARCHES:
            raise Unprocessable(f"at most {MAX_SEARCHES} saved searches; delete one first")
        found = SavedSearch(user_id=user_id, name=name, query=query)
        session.add(found)
    session.flush()
    return found


def delete_search(session: Session, user_id: int, search_id: int) -> None:
    """Delete one of the user's saved searches; NotFound for another person's or an unknown one."""
    found = session.get(SavedSearch, search_id)
    if found is None or found.user_id != user_id:
        raise NotFound(f"no saved search {search_id}")
    session.delete(found)
    session.flush()
