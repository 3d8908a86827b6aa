"""A tiny demo PA site that embeds the widget with the one-tag snippet."""
from __future__ import annotations

import html
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources

DEMO_SERVICE = "demo-roma-anagrafe"


def make_server(port: int, collector_port: int, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """A server for the demo page; the widget is loaded from the collector on the same host name."""
    pages = {name: resources.files("deploy").joinpath("demo_site", name).read_text("utf-8")
             for name in ("index.html", "floating.html")}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            template = pages.get(self.path.split("?")[0].lstrip("/") or "index.html")
            if template is None:
                self.send_error(404)
                return
            hostname = (self.headers.get("Host") or host).rsplit(":", 1)[0]
            collector = f"http://{hostname}:{collector_port}"
            body = (template.replace("{{COLLECTOR}}", html.escape(collector))
                    .replace("{{SERVICE}}", DEMO_SERVICE)).encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # no client addresses in logs
            pass

    return ThreadingHTTPServer((host, port), Handler)


def serve_in_thread(server: ThreadingHTTPServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, name="demo-site", daemon=True)
    thread.start()
    return thread
