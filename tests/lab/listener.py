"""A tiny HTTP server on 127.0.0.1 that records every request it gets, for tests of where secrets go.

with Listener() as spy:                      # answers 200 {"images": []} by default
    ... point a cloud at spy.url ...
    assert spy.tokens() == [...]
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


@dataclass(frozen=True)
class Seen:
    """One request as the listener received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


#: A reply: status, reason phrase and JSON-able body.
Reply = Callable[[Seen], tuple[int, str, object]]


def empty_listing(seen: Seen) -> tuple[int, str, object]:
    return 200, "OK", {"images": []}


class Listener:
    """Records requests in a background thread; ``reply`` decides each answer."""

    def __init__(self, reply: Reply = empty_listing) -> None:
        self.requests: list[Seen] = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                seen = Seen(
                    self.command,
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length),
                )
                listener.requests.append(seen)
                status, reason, body = reply(seen)
                data = json.dumps(body).encode()
                self.send_response(status, reason)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def tokens(self) -> list[str]:
        """Every X-Auth-Token the listener received, in order."""
        return [seen.headers["x-auth-token"] for seen in self.requests if "x-auth-token" in seen.headers]

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


class StallingSource:
    """An HTTP source for web-download that promises ``size`` bytes and sends only ``sent``.

    ``close_short=False``: after those bytes it sends nothing more and holds the connection
    open until the source is closed (a stall; Glance has no download timeout).
    ``close_short=True``: it closes the connection at once, short of its Content-Length.
    A Range request that ends within the bytes it sends is answered whole (206).
    """

    def __init__(self, size: int, sent: int, *, close_short: bool = False) -> None:
        self.size, self.sent, self.close_short = size, sent, close_short
        self.released = threading.Event()
        self.served = threading.Event()
        source = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                first, last = _byte_range(self.headers.get("Range", ""))
                if last is not None and last < source.sent:  # a probe of the first bytes
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {first}-{last}/{source.size}")
                    self.send_header("Content-Length", str(last - first + 1))
                    self.end_headers()
                    self.wfile.write(b"\0" * (last - first + 1))
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(source.size))
                self.end_headers()
                self.wfile.write(b"\0" * source.sent)
                self.wfile.flush()
                source.served.set()
                if not source.close_short:
                    source.released.wait()
                self.close_connection = True

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/disk.raw"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.released.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


def _byte_range(header: str) -> tuple[int, int | None]:
    """``bytes=A-B`` as (A, B); (0, None) for anything else."""
    start, _, end = header.removeprefix("bytes=").partition("-")
    if header.startswith("bytes=") and start.isdigit() and end.isdigit():
        return int(start), int(end)
    return 0, None
