"""`axonal web`: the record store served as local web pages (standard library http.server).

The standard library serves these few pages well enough and needs nothing installed; the
pages are rendered by axonal.records.pages and the plots by axonal.records.plots.

The server listens on the loopback interface, but any web page the user opens could still
send a POST there (tag, comment, or repeat, which runs code). So every form carries a secret
token made when the server starts, and a POST without it, or from another origin, is refused.
A request whose Host is not this server's loopback name is refused too (DNS rebinding: another
site's name pointed at 127.0.0.1). Listening beyond loopback, every request needs an access
token, printed once with the address (as Jupyter does). Requests have a time-out, a malformed
one gets 400, and the listen queue holds a burst of connections.
"""

from __future__ import annotations

import errno
import hmac
import ipaddress
import json
import secrets
import socket
import sys
from datetime import datetime
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from axonal.records import chart, pages
from axonal.records.compare import diff_records
from axonal.records.errors import RecordsError, UnknownLabelError
from axonal.records.figure_queries import add_figure_columns, checked_condition
from axonal.records.output_views import output_answer
from axonal.records.plots import find_spike_file, load_spikes, raster_png, rate_png
from axonal.records.project import Project
from axonal.records.store import ParameterFilter, RecordQuery, RecordStore

PAGE_SIZE = 100
# Seconds a client may take to send its request (a slow body must not hold a thread for ever).
REQUEST_TIMEOUT_SECONDS = 10.0
# Connections the kernel completes before the server accepts them (a page with many plots, a
# burst of scripted requests); Linux caps it at net.core.somaxconn (4096 by default).
LISTEN_BACKLOG = 1024
# Largest form body accepted (tags and comments are short).
MAX_BODY_BYTES = 1_000_000
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
TOKEN_COOKIE = "axonal_token"


def is_loopback(host: str) -> bool:
    """Whether listening on `host` keeps the server to this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class RecordsServer(ThreadingHTTPServer):
    """An HTTP server that knows the record store (and the project, for repeats)."""

    daemon_threads = True
    request_queue_size = LISTEN_BACKLOG

    def __init__(
        self,
        address: tuple[str, int],
        store: RecordStore,
        project: Project | None,
        request_timeout: float = REQUEST_TIMEOUT_SECONDS,
        require_token: bool | None = None,
    ):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, RecordsHandler)
        self.store = store
        self.project = project
        self.request_timeout = request_timeout
        self.form_token = secrets.token_urlsafe(32)
        # Beyond loopback, anyone who can reach the port must show this token.
        self.access_token = (
            secrets.token_urlsafe(32)
            if (not is_loopback(address[0]) if require_token is None else require_token)
            else None
        )

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def url(self) -> str:
        host = self.server_address[0]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}/"

    def allowed_origins(self) -> set[str]:
        """The origins (scheme, host and port) of this server's own pages."""
        names = {*LOOPBACK_NAMES, self.url.split("//")[1].rsplit(":", 1)[0]}
        return {f"http://{name}:{self.port}" for name in names}

    def allows_host(self, host_header: str | None) -> bool:
        """Whether a request's Host names this server: a loopback name and its port, or any
        name when listening beyond loopback (the access token guards it then)."""
        if self.access_token is not None:
            return True
        return f"http://{host_header}" in self.allowed_origins()


class MalformedRequest(Exception):
    """A request the server cannot read (its status and what was wrong)."""

    def __init__(self, status: HTTPStatus, message: str):
        super().__init__(message)
        self.status = status


class RecordsHandler(BaseHTTPRequestHandler):
    server: RecordsServer

    def setup(self) -> None:
        self.timeout = self.server.request_timeout  # applied to the socket by the base
        super().setup()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        pass  # quiet: the terminal belongs to the user

    # -- responses ----------------------------------------------------------------------------

    def _send(
        self,
        body: bytes,
        content_type: str,
        status: HTTPStatus = HTTPStatus.OK,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _html(self, html: str, status: HTTPStatus = HTTPStatus.OK) -> None:
        self._send(html.encode("utf-8"), "text/html; charset=utf-8", status)

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.SEE_OTHER)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    # -- routes -------------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._guarded(self._get)

    def do_POST(self) -> None:
        self._guarded(self._post)

    def _guarded(self, handle: Any) -> None:
        """Check the Host and the access token, then handle; a malformed request gets 400 and
        an unexpected failure 500, never an empty reply."""
        try:
            if not self.server.allows_host(self.headers.get("Host")):
                message = "This server answers only to its own address (127.0.0.1 or localhost)."
                self._html(pages.message_page("Refused", message), HTTPStatus.FORBIDDEN)
                return
            if not self._has_access():
                return
            handle()
        except MalformedRequest as error:
            self._html(pages.message_page("Bad request", str(error)), error.status)
        except (ValueError, UnicodeDecodeError) as error:
            self._html(pages.message_page("Bad request", str(error)), HTTPStatus.BAD_REQUEST)
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        except Exception as error:  # noqa: BLE001 - a page, not a dropped connection
            print(f"axonal web: {self.command} {self.path}: {error!r}", file=sys.stderr)
            self._html(pages.message_page("Error", str(error)), HTTPStatus.INTERNAL_SERVER_ERROR)

    def _has_access(self) -> bool:
        """Beyond loopback: the token in the address (once; it becomes a cookie) or the cookie."""
        expected = self.server.access_token
        if expected is None:
            return True
        address = urlsplit(self.path)
        given = parse_qs(address.query).get("token", [""])[0]
        if given and hmac.compare_digest(given, expected):
            self.send_response(HTTPStatus.SEE_OTHER)
            self.send_header(
                "Set-Cookie", f"{TOKEN_COOKIE}={expected}; HttpOnly; SameSite=Strict; Path=/"
            )
            self.send_header("Location", address.path or "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return False
        try:
            cookie = SimpleCookie(self.headers.get("Cookie") or "").get(TOKEN_COOKIE)
        except CookieError:
            cookie = None
        if cookie is not None and hmac.compare_digest(cookie.value, expected):
            return True
        message = "This server needs its access token: open the address it printed at start."
        self._html(pages.message_page("Refused", message), HTTPStatus.FORBIDDEN)
        return False

    def _get(self) -> None:
        address = urlsplit(self.path)
        query = {name: values for name, values in parse_qs(address.query).items()}
        path = address.path
        try:
            if path == "/":
                self._list(query)
            elif path == "/diff":
                self._diff(query)
            elif path == "/chart":
                self._html(chart.chart_page(self.server.store, query))
            elif path == "/sweep":  # a sweep's table and chart (axonal.sweep)
                from axonal.sweeps.web_page import sweep_page

                self._html(sweep_page(self.server.store, query))
            elif path == "/chart.png":
                self._send(chart.chart_image(self.server.store, query), "image/png")
            elif path.startswith("/record/"):
                self._record(unquote(path[len("/record/") :]))
            else:
                self._html(pages.message_page("Not found", f"No page {path}"), HTTPStatus.NOT_FOUND)
        except UnknownLabelError as error:
            self._html(pages.message_page("Unknown record", str(error)), HTTPStatus.NOT_FOUND)
        except RecordsError as error:
            self._html(pages.message_page("Error", str(error)), HTTPStatus.BAD_REQUEST)

    def _read_body(self) -> str:
        text = self.headers.get("Content-Length") or "0"
        if not text.isdigit():
            raise MalformedRequest(HTTPStatus.BAD_REQUEST, f"Content-Length {text!r} is no size.")
        length = int(text)
        if length > MAX_BODY_BYTES:
            self.close_connection = True
            raise MalformedRequest(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"A form of {length} bytes; at most {MAX_BODY_BYTES} are accepted.",
            )
        body = self.rfile.read(length)
        if len(body) < length:
            raise ConnectionError("the body ended early")
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedRequest(HTTPStatus.BAD_REQUEST, "The form is not UTF-8.") from None

    def _post(self) -> None:
        path = urlsplit(self.path).path
        form = {k: v[0] for k, v in parse_qs(self._read_body()).items()}
        if not self._same_origin() or not hmac.compare_digest(
            form.get(pages.FORM_TOKEN_FIELD, ""), self.server.form_token
        ):
            message = "This form did not come from this server's own pages; nothing was changed."
            self._html(pages.message_page("Refused", message), HTTPStatus.FORBIDDEN)
            return
        if not path.startswith("/record/"):
            self._html(pages.message_page("Not found", f"No page {path}"), HTTPStatus.NOT_FOUND)
            return
        label, _, action = unquote(path[len("/record/") :]).rpartition("/")
        store = self.server.store
        try:
            if action == "tag" and form.get("tag", "").strip():
                store.tag([label], [form["tag"].strip()])
            elif action == "comment":
                store.comment(label, form.get("text", ""))
            elif action == "repeat":
                self._repeat(label)
                return
            else:
                raise RecordsError(f"Cannot {action!r} a record from this page.")
        except UnknownLabelError as error:
            self._html(pages.message_page("Unknown record", str(error)), HTTPStatus.NOT_FOUND)
            return
        except RecordsError as error:
            self._html(pages.message_page("Error", str(error)), HTTPStatus.BAD_REQUEST)
            return
        self._redirect(pages.record_url(label))

    def _same_origin(self) -> bool:
        """A browser names the page a POST came from; another site's page is refused."""
        origin = self.headers.get("Origin")
        if origin is None:
            return True  # not sent by every client (urllib, older browsers): the token decides
        if self.server.access_token is not None:
            return origin.rstrip("/") == f"http://{self.headers.get('Host')}"
        return origin.rstrip("/") in self.server.allowed_origins()

    def _list(self, query: dict[str, list[str]]) -> None:
        filters = {name: values[0] for name, values in query.items() if values and values[0]}
        page_text = filters.pop("page", "0") or "0"
        if not page_text.isdigit():
            raise MalformedRequest(HTTPStatus.BAD_REQUEST, f"page={page_text!r} is no number.")
        page_number = int(page_text)
        record_query = RecordQuery(
            tags=[filters["tag"]] if filters.get("tag") else [],
            status=filters.get("status"),
            since=_day(filters.get("since")),
            until=_day(filters.get("until"), end=True),
            parameters=[
                ParameterFilter.parse(text)
                for text in filter(None, (filters.get("param") or "").split(","))
            ],
            search=filters.get("q"),
            where=checked_condition(self.server.store, filters.get("where")),
        )
        store = self.server.store
        total = store.count(record_query)
        record_query.limit, record_query.offset = PAGE_SIZE, page_number * PAGE_SIZE
        records = store.list(record_query)
        add_figure_columns(store, records, filters.get("figures"))
        self._html(
            pages.list_page(records, total, filters, store.all_tags(), page_number, PAGE_SIZE)
        )

    def _record(self, rest: str) -> None:
        store = self.server.store
        label, _, action_path = rest.partition("/")
        action, _, output_path = action_path.partition("/")
        if action in ("output", "plot") and output_path:
            answer = output_answer(store.get(label), action, output_path)
            self._send(answer.body, answer.content_type, answer.status, answer.headers)
            return
        if rest.endswith(".json"):
            record = store.get(rest[: -len(".json")])
            self._send(json.dumps(record, default=str, indent=1).encode(), "application/json")
            return
        label, _, plot = rest.rpartition("/") if rest.endswith(".png") else (rest, "", "")
        record = store.get(label)
        spike_file = find_spike_file(record)
        if not plot:
            self._html(pages.record_page(record, spike_file is not None, self.server.form_token))
            return
        spikes = load_spikes(spike_file) if spike_file else None
        if spikes is None or plot not in ("raster.png", "rate.png"):
            self._html(
                pages.message_page("No plot", f"Record {label} saved no spikes."),
                HTTPStatus.NOT_FOUND,
            )
            return
        png = raster_png(*spikes) if plot == "raster.png" else rate_png(*spikes)
        self._send(png, "image/png")

    def _diff(self, query: dict[str, list[str]]) -> None:
        labels = query.get("pick") or [*query.get("a", []), *query.get("b", [])]
        if len(labels) != 2:
            self._html(
                pages.message_page(
                    "Choose two records",
                    f"Select exactly two records to compare ({len(labels)} selected).",
                ),
                HTTPStatus.BAD_REQUEST,
            )
            return
        store = self.server.store
        a, b = store.get(labels[0]), store.get(labels[1])
        if "pick" in query and (b["started_at"], b["label"]) < (a["started_at"], a["label"]):
            a, b = b, a  # two ticked in the list: the older one is a
        self._html(pages.diff_page(a["label"], b["label"], diff_records(a, b)))

    def _repeat(self, label: str) -> None:
        from axonal.records.repeat import repeat_record

        if self.server.project is None:
            raise RecordsError("This server was started outside a project; cannot repeat.")
        result = repeat_record(self.server.project, self.server.store, label)
        self._html(
            pages.page(
                f"Repeat of {label}",
                "<pre id='message'>"
                + pages.escape(result.report())
                + "</pre>"
                + (
                    f"<p><a href='{pages.record_url(result.repeat)}'>the repeat's record</a></p>"
                    if result.repeat
                    else ""
                ),
            )
        )


def _day(text: str | None, end: bool = False) -> datetime | None:
    if not text:
        return None
    try:
        day = datetime.fromisoformat(text)
    except ValueError:
        raise RecordsError(f"{text!r} is not a date; expected YYYY-MM-DD") from None
    return day.replace(hour=23, minute=59, second=59) if end else day


def serve(store: RecordStore, host: str, port: int, project: Project | None = None) -> None:
    """Serve until interrupted; prints the address (port 0 picks a free one), with the access
    token when listening beyond loopback."""
    try:
        server = RecordsServer((host.strip("[]"), port), store, project)
    except socket.gaierror as error:
        raise RecordsError(f"Cannot serve on {host!r}: {error.strerror}.") from None
    except OSError as error:
        problem = "is in use" if error.errno == errno.EADDRINUSE else f"cannot be used ({error})"
        raise RecordsError(
            f"Cannot serve on {host} port {port}: the address {problem}; choose another "
            "--port (0 picks a free one) or --host."
        ) from None
    address = server.url
    if server.access_token is not None:
        address = f"{server.url}?token={server.access_token}"
        print(
            f"axonal web: listening beyond this machine ({host}): every request needs the "
            "access token in this address; share it only with whom may read every record.",
            file=sys.stderr,
        )
    print(f"Serving the records of {store!r} at {address} (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    finally:
        server.server_close()
