"""`kopdes witness init|key|serve`: the witness's console command (no Django, no database).

    kopdes witness init --name inspektorat.tangerangkab.go.id/saksi --state /srv/saksi
    kopdes ledger verifier-keys > /srv/saksi/logs.txt        # on the platform: the logs to trust
    kopdes witness serve --state /srv/saksi --listen 127.0.0.1:7380

`init` prints the witness's verifier key: give it to the platform (KOPDES_WITNESSES) and publish
it, so anyone can check its cosignatures.
"""

import argparse
import logging
import signal
import sys
from pathlib import Path

from kopdes.witness.protocol import Witness
from kopdes.witness.server import make_server
from kopdes.witness.state import DATABASE, LOGS, Logs, StateError, Store, init, load_identity


def _listen(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or int(port) > 65535:
        raise argparse.ArgumentTypeError("HOST:PORT, e.g. 127.0.0.1:7380")
    return host.strip("[]"), int(port)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kopdes witness",
        description="A transparency-log witness (C2SP tlog-witness): cosigns a log's checkpoints "
        "only after checking they extend the last one it cosigned.",
    )
    actions = parser.add_subparsers(dest="action", required=True)
    made = actions.add_parser("init", help="Create the witness's key and state directory.")
    made.add_argument("--name", required=True, help="Its key name, e.g. example.org/witness.")
    made.add_argument("--state", required=True, type=Path, metavar="DIR")
    key = actions.add_parser("key", help="Print the witness's verifier key.")
    key.add_argument("--state", required=True, type=Path, metavar="DIR")
    serve = actions.add_parser("serve", help="Answer POST /add-checkpoint.")
    serve.add_argument("--state", required=True, type=Path, metavar="DIR")
    serve.add_argument(
        "--listen",
        type=_listen,
        default=("127.0.0.1", 7380),
        metavar="HOST:PORT",
        help="Default 127.0.0.1:7380; port 0 picks a free one (printed at start).",
    )
    serve.add_argument(
        "--logs", type=Path, metavar="FILE", help=f"Default: {LOGS} in the state directory."
    )
    return parser


def _serve(state: Path, listen: tuple[str, int], logs_path: Path | None) -> None:
    identity = load_identity(state)
    logs = Logs(logs_path or state / LOGS)
    count = len(logs.current())
    witness = Witness(identity=identity, logs=logs, store=Store(state / DATABASE))
    server = make_server(witness, *listen)
    host, port = str(server.server_address[0]), int(server.server_address[1])

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(f"witness {identity.name} listening on http://{host}:{port}/ ({count} logs)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        if args.action == "init":
            identity = init(args.state, name=args.name)
            print(identity.verifier_key)
        elif args.action == "key":
            print(load_identity(args.state).verifier_key)
        else:
            _serve(args.state, args.listen, args.logs)
    except (StateError, OSError) as exc:
        print(f"kopdes witness: {exc}", file=sys.stderr)
        return 1
    return 0
