"""The MCP endpoint: MCP's Streamable HTTP transport, stateless and JSON-only, in a plain
Django view behind oauth_jwt's ``@require_token``.

Every request needs a valid access token whose ``aud`` is this server (``MCP_URL``):
without one, ``@require_token`` answers 401 with a challenge naming this server's
RFC 9728 metadata, from which an MCP client finds the hub. A tool call without the
tool's scopes is a 403 ``insufficient_scope`` naming them. The client POSTs one
JSON-RPC message per request; a request gets one ``application/json`` answer, a
notification or response ``202``. The server offers no SSE stream (``GET`` is 405) and
keeps no session, so it runs in any number of WSGI workers.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpResponse, JsonResponse

from oauth_jwt.exceptions import InsufficientScope
from oauth_jwt.resource.decorators import require_token
from oauth_jwt.resource.error_responses import error_response

from .tools import TOOLS, ToolError

# Newest first; a client asking for another version gets the newest (MCP lifecycle).
PROTOCOL_VERSIONS = ("2025-11-25", "2025-06-18", "2025-03-26")
SERVER_INFO = {"name": "oauth_jwt-example", "title": "oauth_jwt example MCP server", "version": "1.0.0"}
PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS = -32700, -32600, -32601, -32602


class RPCError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def _rpc_answer(message_id: Any, result: dict | None = None, error: RPCError | None = None, status: int = 200):
    body: dict[str, Any] = {"jsonrpc": "2.0", "id": message_id}
    if error is None:
        body["result"] = result
    else:
        body["error"] = {"code": error.code, "message": error.message}
    return JsonResponse(body, status=status)


def _initialize(request, params: dict) -> dict:
    asked = params.get("protocolVersion")
    return {
        "protocolVersion": asked if asked in PROTOCOL_VERSIONS else PROTOCOL_VERSIONS[0],
        "capabilities": {"tools": {"listChanged": False}},
        "serverInfo": SERVER_INFO,
    }


def _call_tool(request, params: dict) -> dict | HttpResponse:
    tool = TOOLS.get(params.get("name"))
    if tool is None:
        raise RPCError(INVALID_PARAMS, "Unknown tool.")
    arguments = params.get("arguments") or {}
    if not isinstance(arguments, dict):
        raise RPCError(INVALID_PARAMS, "arguments must be an object.")
    if not request.auth.allow_scopes(tool.scopes):
        return error_response(InsufficientScope(f"The tool {tool.name} needs more scope."), tool.scopes)
    try:
        return {"content": [{"type": "text", "text": tool.run(request, arguments)}], "isError": False}
    except ToolError as exc:
        return {"content": [{"type": "text", "text": str(exc)}], "isError": True}


METHODS = {
    "initialize": _initialize,
    "ping": lambda request, params: {},
    "tools/list": lambda request, params: {"tools": [tool.describe() for tool in TOOLS.values()]},
    "tools/call": _call_tool,
}


def _message(request) -> dict:
    try:
        message = json.loads(request.body)
    except (ValueError, RecursionError):  # deep nesting recurses
        raise RPCError(PARSE_ERROR, "Parse error.") from None
    if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
        raise RPCError(INVALID_REQUEST, "One JSON-RPC 2.0 message per request.")
    return message


def _refused_transport(request) -> HttpResponse | None:
    origin = request.headers.get("Origin")
    if origin is not None and origin not in settings.MCP_ALLOWED_ORIGINS:
        return HttpResponse("Origin not allowed.", status=403, content_type="text/plain")
    version = request.headers.get("MCP-Protocol-Version")
    if version is not None and version not in PROTOCOL_VERSIONS:
        return HttpResponse("Unsupported MCP-Protocol-Version.", status=400, content_type="text/plain")
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    return None


@require_token
def mcp(request):
    refused = _refused_transport(request)
    if refused is not None:
        return refused
    try:
        message = _message(request)
    except RPCError as exc:
        return _rpc_answer(None, error=exc, status=400)
    if "method" not in message or "id" not in message:
        return HttpResponse(status=202)  # a notification, or a response to us: nothing to answer
    method = METHODS.get(message["method"])
    if method is None:
        return _rpc_answer(message["id"], error=RPCError(METHOD_NOT_FOUND, "Method not found."))
    params = message.get("params") or {}
    if not isinstance(params, dict):
        return _rpc_answer(message["id"], error=RPCError(INVALID_PARAMS, "params must be an object."))
    try:
        result = method(request, params)
    except RPCError as exc:
        return _rpc_answer(message["id"], error=exc)
    if isinstance(result, HttpResponse):
        return result
    return _rpc_answer(message["id"], result)
