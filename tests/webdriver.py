"""Just enough of the W3C WebDriver protocol to open a page in headless Chromium and ask it
questions: JSON over HTTP to Debian's chromedriver, which listens on 127.0.0.1 only.

    with Browser() as browser:
        browser.open("file:///tmp/report.html")
        browser.script("return document.title")     # -> the value of the script
        browser.console()                            # -> the console log: [{"level", "message"}, ...]

Chromium is started with its background traffic turned off (updates, sync, metrics) and
every host name resolving to nothing, so the only sockets are the local ones between the
test, chromedriver and the browser.
"""
import json
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-default-apps", "--disable-extensions", "--metrics-recording-only",
         "--disable-domain-reliability", "--disable-client-side-phishing-detection", "--no-pings",
         "--host-resolver-rules=MAP * ~NOTFOUND", "--window-size=1600,1200"]
#: urllib must not send 127.0.0.1 requests through a proxy named in the environment
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def missing():
    """Why the browser tests cannot run here (one line), or None."""
    if not CHROMIUM or not CHROMEDRIVER:
        return "no headless browser: apt-get install chromium chromium-driver"
    return None


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    def __init__(self, timeout=30.0):
        self.port = _free_port()
        self.profile = tempfile.mkdtemp(prefix="tinynet-chromium-")
        self.driver = subprocess.Popen([CHROMEDRIVER, f"--port={self.port}", "--allowed-ips=127.0.0.1"],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.session = None
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self._call("GET", "/status").get("ready"):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or self.driver.poll() is not None:
                self.close()
                raise RuntimeError("chromedriver did not start")
            time.sleep(0.1)
        options = {"binary": CHROMIUM, "args": FLAGS + [f"--user-data-dir={self.profile}"]}
        caps = {"browserName": "chrome", "goog:chromeOptions": options, "goog:loggingPrefs": {"browser": "ALL"}}
        self.session = self._call("POST", "/session", {"capabilities": {"alwaysMatch": caps}})["sessionId"]

    def _call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with _OPENER.open(request, timeout=60) as response:
                return json.loads(response.read() or b"{}").get("value")
        except urllib.error.HTTPError as error:
            value = json.loads(error.read() or b"{}").get("value", {})
            raise RuntimeError(f"WebDriver {method} {path}: {value.get('error')}: {value.get('message')}") from None

    def _session(self, method, path, body=None):
        return self._call(method, f"/session/{self.session}{path}", body)

    def open(self, url):
        self._session("POST", "/url", {"url": url})

    def script(self, source, *args):
        return self._session("POST", "/execute/sync", {"script": source, "args": list(args)})

    def console(self):
        """The browser's console log since the last call (chromedriver's log endpoint)."""
        return self._session("POST", "/se/log", {"type": "browser"})

    def close(self):
        try:
            if self.session:
                self._session("DELETE", "")
        finally:
            self.session = None
            self.driver.terminate()
            try:
                self.driver.wait(10)
            except subprocess.TimeoutExpired:
                self.driver.kill()
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


__all__ = ["Browser", "missing", "CHROMIUM", "CHROMEDRIVER"]
