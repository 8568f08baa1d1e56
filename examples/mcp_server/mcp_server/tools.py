"""The example's MCP tools. Each names the scopes a token must carry to call it; the
endpoint answers a call without them with a 403 ``insufficient_scope`` challenge naming
them (MCP authorization: step-up), so the client can ask the person for more.

A tool gets the request: ``request.auth`` is the verified token (``sub``,
``client_id``, ``scopes``, ``claims``), ``request.user`` the person it names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache


class ToolError(Exception):
    """The tool ran and failed: reported to the model as ``isError``, not as a protocol error."""


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    scopes: tuple[str, ...]
    input_schema: dict[str, Any]
    run: Callable[..., str]

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, "inputSchema": self.input_schema}


def whoami(request, arguments: dict) -> str:
    auth = request.auth
    return f"You are {auth.sub}, using the app {auth.client_id}, with the scopes {' '.join(sorted(auth.scopes))}."


def save_note(request, arguments: dict) -> str:
    text = arguments.get("text")
    if not isinstance(text, str) or not text.strip() or len(text) > 1000:
        raise ToolError("text must be a non-empty string of at most 1000 characters.")
    key = f"notes:{request.auth.sub}"
    notes = [*cache.get(key, []), text][-50:]
    cache.set(key, notes, None)
    return f"Saved. You have {len(notes)} note(s)."


def list_notes(request, arguments: dict) -> str:
    notes = cache.get(f"notes:{request.auth.sub}", [])
    return "\n".join(notes) if notes else "You have no notes."


EMPTY = {"type": "object", "properties": {}, "additionalProperties": False}
TOOLS = {
    tool.name: tool
    for tool in (
        Tool("whoami", "Who the access token says you are.", ("mcp:read",), EMPTY, whoami),
        Tool("list_notes", "Your notes.", ("mcp:read",), EMPTY, list_notes),
        Tool(
            "save_note",
            "Save a note.",
            ("mcp:write",),
            {
                "type": "object",
                "properties": {"text": {"type": "string", "maxLength": 1000}},
                "required": ["text"],
                "additionalProperties": False,
            },
            save_note,
        ),
    )
}
