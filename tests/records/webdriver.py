"""A minimal W3C WebDriver client for chromedriver (urllib only: no selenium to install)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf"  # the W3C name of an element reference


class WebDriverError(RuntimeError):
    """chromedriver answered a command with an error."""


class Browser:
    """Headless Chromium driven through chromedriver; use as a context manager."""

    def __init__(self, chromium: str, chromedriver: str | None = None):
        chromedriver = chromedriver or shutil.which("chromedriver")
        if chromedriver is None:
            raise WebDriverError("chromedriver is not installed")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self._driver = subprocess.Popen(
            [chromedriver, f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self._base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                self._call("GET", "/status")
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    self._driver.kill()
                    raise
                time.sleep(0.1)
        arguments = ["--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--disable-background-networking",
                     "--window-size=1200,900"]  # fmt: skip
        capabilities = {"browserName": "chrome",
                        "goog:chromeOptions": {"binary": chromium, "args": arguments}}  # fmt: skip
        answer = self._call("POST", "/session", {"capabilities": {"alwaysMatch": capabilities}})
        self._session = f"/session/{answer['sessionId']}"

    def _call(self, method: str, path: str, body: dict | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self._base + path, data=data, method=method,
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return json.loads(response.read())["value"]
        except urllib.error.HTTPError as error:
            raise WebDriverError(error.read().decode(errors="replace")) from None

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *_exc: object) -> None:
        try:
            self._call("DELETE", self._session)
        finally:
            self._driver.terminate()
            self._driver.wait(30)

    def get(self, url: str) -> None:
        self._call("POST", self._session + "/url", {"url": url})

    @property
    def title(self) -> str:
        return self._call("GET", self._session + "/title")

    @property
    def url(self) -> str:
        return self._call("GET", self._session + "/url")

    def wait_until(self, condition: Callable[[], bool], what: str, timeout: float = 30) -> None:
        """Wait until `condition()` holds (a navigation started by a click has ended)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                if condition():
                    return
            except WebDriverError:
                pass  # the old page went away mid-question: ask the new one
            if time.monotonic() > deadline:
                raise WebDriverError(f"waited {timeout} s on {self.url} for {what}")
            time.sleep(0.05)

    def wait_for_title(self, title: str, timeout: float = 30) -> None:
        self.wait_until(lambda: self.title == title, f"the title {title!r}", timeout)

    def find(self, css: str) -> Element:
        found = self._call("POST", self._session + "/element",
                           {"using": "css selector", "value": css})  # fmt: skip
        return Element(self, found[ELEMENT_KEY])

    def find_all(self, css: str) -> list[Element]:
        found = self._call("POST", self._session + "/elements",
                           {"using": "css selector", "value": css})  # fmt: skip
        return [Element(self, item[ELEMENT_KEY]) for item in found]

    def screenshot(self, path: str) -> None:
        """Save the visible page as a PNG (for notes; tests assert on the page itself)."""
        import base64

        encoded = self._call("GET", self._session + "/screenshot")
        with open(path, "wb") as file:
            file.write(base64.b64decode(encoded))

    def full_page(self) -> None:
        """Make the window as tall as the page, so that a screenshot holds all of it."""
        self._call("POST", self._session + "/window/rect", {"width": 1200, "height": 600})
        height = self.script("return document.documentElement.scrollHeight")
        self._call("POST", self._session + "/window/rect", {"width": 1200, "height": height + 150})

    def script(self, source: str, *arguments: Any) -> Any:
        return self._call("POST", self._session + "/execute/sync",
                          {"script": source, "args": list(arguments)})  # fmt: skip


class Element:
    """One element of the page."""

    def __init__(self, browser: Browser, identity: str):
        self._browser = browser
        self._path = f"{browser._session}/element/{identity}"

    def click(self) -> None:
        self._browser._call("POST", self._path + "/click", {})

    def type(self, text: str) -> None:
        self._browser._call("POST", self._path + "/value", {"text": text})

    @property
    def text(self) -> str:
        return self._browser._call("GET", self._path + "/text")

    def attribute(self, name: str) -> Any:
        return self._browser._call("GET", self._path + f"/property/{name}")
