# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""Take the ephemeral ports the kernel hands out, and hold them.

Listens on 127.0.0.1:PORT and connects to itself from sockets bound to a kernel-chosen
port first (bind to port 0, then connect), as clients that pick their source address do:
a port held that way is the host's alone, so a service cannot listen on it. Connects until
the kernel has no port left, then lets SPARE of them go, so that the services still have
ports for their own outgoing connections. Writes the local ports it holds, one per line,
to OUT and sleeps until it is stopped.
Usage: hold_ports.py PORT OUT SPARE
"""
import errno
import os
import socket
import struct
import sys
import time


def main():
    port, out, spare = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(4096)
    held = []
    while True:
        client = socket.socket()
        try:
            client.bind(("127.0.0.1", 0))
            client.connect(("127.0.0.1", port))
        except OSError as exc:
            client.close()
            if exc.errno in (errno.EADDRNOTAVAIL, errno.EADDRINUSE):
                break
            raise
        peer, _addr = server.accept()
        held.append((client, peer))
    for client, peer in held[len(held) - spare:]:
        # Reset, not closed: a closed socket would keep its port in TIME_WAIT for a minute.
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()
        peer.close()
    held = held[:len(held) - spare]
    with open(out + ".part", "w") as handle:
        handle.write("".join("%d\n" % client.getsockname()[1] for client, _peer in held))
    os.rename(out + ".part", out)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
