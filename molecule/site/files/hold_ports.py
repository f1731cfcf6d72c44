#!/usr/bin/python3
"""Take every ephemeral port the kernel will hand out, and hold them.

Listens on 127.0.0.1:PORT and connects to itself until the kernel has no local port left
(EADDRNOTAVAIL), as many outgoing connections of a busy host would. Writes the local
ports it holds, one per line, to OUT once it holds them all, then sleeps until killed.
Usage: hold_ports.py PORT OUT [MAX]
"""
import errno
import os
import socket
import sys
import time


def main():
    port, out = int(sys.argv[1]), sys.argv[2]
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 30000
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(1024)
    held = []
    while len(held) < limit:
        client = socket.socket()
        try:
            client.connect(("127.0.0.1", port))
        except OSError as exc:
            client.close()
            if exc.errno == errno.EADDRNOTAVAIL:
                break
            raise
        peer, _addr = server.accept()
        held.append((client, peer))
    with open(out + ".part", "w") as handle:
        handle.write("".join("%d\n" % client.getsockname()[1] for client, _peer in held))
    os.rename(out + ".part", out)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
