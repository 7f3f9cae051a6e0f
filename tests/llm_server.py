"""A loopback OpenAI-compatible chat server for the LLM tests.

It speaks just enough of ``POST /v1/chat/completions`` to stand in for Ollama or vLLM: each
request is recorded, and the reply comes from a script of behaviours the test queues up
(a canned JSON answer, broken JSON, a stall past the client's timeout, an HTTP error). When
the script runs out, the last behaviour repeats.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Behaviour = Callable[[dict[str, Any]], tuple[int, Any]]


def reply(content: str | dict[str, Any], tokens: int = 100) -> Behaviour:
    """A normal completion whose message content is ``content`` (dicts are sent as JSON text)."""
    text = content if isinstance(content, str) else json.dumps(content)

    def behave(_request: dict[str, Any]) -> tuple[int, Any]:
        return 200, {
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
            ],
            "usage": {"prompt_tokens": tokens // 2, "completion_tokens": tokens // 2, "total_tokens": tokens},
        }

    return behave


def stall(seconds: float) -> Behaviour:
    def behave(_request: dict[str, Any]) -> tuple[int, Any]:
        time.sleep(seconds)
        return reply({"arguments": []})(_request)

    return behave


def http_error(status: int) -> Behaviour:
    return lambda _request: (status, {"error": {"message": f"status {status}"}})


class LoopbackLLM:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.script: list[Behaviour] = [reply({"arguments": []})]
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server naming
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                with server._lock:
                    server.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                    behave = server.script.pop(0) if len(server.script) > 1 else server.script[0]
                status, payload = behave(body)
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout tests)

            def log_message(self, *_args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def queue(self, *behaviours: Behaviour) -> None:
        self.script = list(behaviours)

    def start(self) -> LoopbackLLM:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
