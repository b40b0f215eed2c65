"""The witness's HTTP service (the standard library's ThreadingHTTPServer, HTTP/1.1 keep-alive):
`POST /add-checkpoint` (tlog-witness) and `GET /<origin hash>/checkpoint` (the monitoring
view). Put a TLS-terminating proxy in front of it when it listens beyond localhost."""

import logging
import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from kopdes.witness.protocol import MAX_BODY, Answer, Witness

log = logging.getLogger("kopdes.witness")
_CHECKPOINT_PATH = re.compile(r"^/([0-9a-f]{64})/checkpoint$")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "kopdes-witness"
    witness: Witness  # set on the subclass made by make_server

    def _answer(self, answer: Answer) -> None:
        raw = answer.body.encode("utf-8")
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def do_POST(self) -> None:
        if self.path != "/add-checkpoint":
            self._answer(Answer(404, "not found\n"))
            return
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self.close_connection = True
            self._answer(Answer(411, "a Content-Length is required\n"))
            return
        if not 0 <= length <= MAX_BODY:
            self.close_connection = True
            self._answer(Answer(413, f"at most {MAX_BODY} bytes\n"))
            return
        answer = self.witness.add_checkpoint(self.rfile.read(length))
        self._answer(answer)

    def do_GET(self) -> None:
        match = _CHECKPOINT_PATH.match(self.path)
        self._answer(self.witness.checkpoint(match[1]) if match else Answer(404, "not found\n"))

    def log_message(self, format: str, *args: object) -> None:
        log.info("%s %s", self.address_string(), format % args)


def make_server(witness: Witness, host: str, port: int) -> ThreadingHTTPServer:
    handler = type("WitnessHandler", (_Handler,), {"witness": witness})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server
