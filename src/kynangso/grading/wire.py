"""The wire between the learner's kernel, the trusted runner and the grader: JSON messages, each
after its length (8 bytes), over a socket pair; a message over `max_frame` bytes is refused."""

from __future__ import annotations

import json
import struct

MAX_FRAME = 256 << 20  # one message between the learner's kernel and the trusted runner


def send(sock, obj) -> None:
    data = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()
    sock.sendall(struct.pack("!Q", len(data)) + data)


def recv(sock, max_frame: int = MAX_FRAME):
    (size,) = struct.unpack("!Q", _recv_exact(sock, 8))
    if size > max_frame:
        raise ValueError("message too large")
    return json.loads(_recv_exact(sock, size))


def _recv_exact(sock, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(min(n - len(buf), 1 << 20))
        if not chunk:
            raise ConnectionError("the other side closed the connection")
        buf += chunk
    return bytes(buf)
