"""pyftpdlib (Debian python3-pyftpdlib) as a standalone FTP server for ftpdoctor's tests.

Configured only through pyftpdlib's documented API, as a user's own script would be:
FTPHandler or TLS_FTPHandler, passive_ports, masquerade_address, permit_foreign_addresses
(left at its default, False). The password comes from an environment variable, never argv.
Prints "listening <port>" on stdout once the control socket is bound (port 0 picks a free one).
"""

import argparse
import os
import sys

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler, TLS_FTPHandler
from pyftpdlib.servers import FTPServer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--root", required=True)
    parser.add_argument("--passive-range", required=True, help="FROM-TO")
    parser.add_argument("--masquerade-address")
    parser.add_argument("--user", help="login name; anonymous when absent")
    parser.add_argument("--password-env", default="FTP_PASSWORD")
    parser.add_argument("--certfile")
    parser.add_argument("--keyfile")
    parser.add_argument("--tls-control-required", action="store_true")
    parser.add_argument("--tls-data-required", action="store_true")
    args = parser.parse_args()

    authorizer = DummyAuthorizer()
    if args.user:
        authorizer.add_user(args.user, os.environ[args.password_env], args.root, perm="elr")
    else:
        authorizer.add_anonymous(args.root)

    handler = TLS_FTPHandler if args.certfile else FTPHandler
    handler.authorizer = authorizer
    low, high = (int(p) for p in args.passive_range.split("-"))
    handler.passive_ports = range(low, high + 1)
    if args.masquerade_address:
        handler.masquerade_address = args.masquerade_address
    if args.certfile:
        handler.certfile = args.certfile
        handler.keyfile = args.keyfile
        handler.tls_control_required = args.tls_control_required
        handler.tls_data_required = args.tls_data_required

    server = FTPServer((args.address, args.port), handler)
    print(f"listening {server.socket.getsockname()[1]}", flush=True)
    server.serve_forever(handle_exit=True)


if __name__ == "__main__":
    sys.exit(main())
