"""Reading the audit trail back as a reader would: through the API (`/api/v1/audit-events/`)
and the org admin's page (`/organisation/audit/`)."""

from typing import Any

from django.test import Client
from django.utils.html import escape
from rest_framework.test import APIClient

from accounts.models import User

API = "/api/v1/audit-events/"
PAGE = "/organisation/audit/"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_for(user: User) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def trail(client: APIClient, **params: Any) -> list[dict[str, Any]]:
    response = client.get(API, params)
    assert response.status_code == 200, response.content
    return list(response.json()["results"])


def only_event(client: APIClient, kind: str, object_id: int | str, action: str) -> dict[str, Any]:
    """The one event of this kind, row and action; the detail answers it the same."""
    found = [e for e in trail(client, kind=kind, object=object_id) if e["action"] == action]
    assert len(found) == 1, (kind, object_id, action, found)
    event = found[0]
    detail = client.get(f"{API}{kind}/{event['id']}/")
    assert detail.status_code == 200 and detail.json() == event
    return event


def changes(event: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {change["field"]: (change["before"], change["after"]) for change in event["changes"]}


def page_shows(user: User, event: dict[str, Any], *texts: str) -> None:
    """The page lists the event (filtered to its row) with the actor's name and texts."""
    response = signed_in(user).get(PAGE, {"kind": event["kind"], "object": event["object_id"]})
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index(f'id="event-{event["kind"]}-{event["id"]}"')
    end = html.find('<tr id="event-', start + 1)
    row = html[start : end if end != -1 else len(html)]
    for text in (event["actor"]["name"], *texts):
        assert escape(text) in row, (text, row[:3000])
