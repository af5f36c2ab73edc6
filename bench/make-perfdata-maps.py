#!/usr/bin/env python3
"""A pipe-mode perf.data with many threads and many distinct libraries.

    python3 bench/make-perfdata-maps.py N > maps.data

N threads (tids spaced 4096 apart), each mapping a library of its own
(N distinct names), then one cpu-clock sample per thread at an address
that no map covers.  What grows is the number of distinct libraries and
threads the reader looks up, not the samples: a reader that searches
them in a list, or in a hash table of fixed size, is quadratic here.
`pf-collapse --native` folds it to "[unknown]" frames under each thread
name (":TID"), N samples in all.
"""
import struct
import sys

S_IP, S_TID, S_PERIOD = 1 << 0, 1 << 1, 1 << 8


def record(kind, body):
    return struct.pack("<IHH", kind, 0, 8 + len(body)) + body


def main():
    n = int(sys.argv[1])
    out = sys.stdout.buffer
    out.write(b"PERFILE2" + struct.pack("<Q", 16))
    attr = struct.pack("<IIQQQQQ", 1, 112, 0, 1, S_IP | S_TID | S_PERIOD, 0, 0)
    attr += b"\0" * (112 - len(attr))
    out.write(record(64, attr + struct.pack("<Q", 1)))
    chunks = []
    for i in range(n):
        tid = 1 + 4096 * i
        name = b"/nonexistent/lib%d.so" % i
        name += b"\0" * (8 - len(name) % 8)
        chunks.append(record(7, struct.pack("<IIIIQ", tid, 1, tid, 1, 0)))
        chunks.append(record(1, struct.pack("<IIQQQ", tid, tid, 0x100000 * (i + 1),
                                            0x1000, 0) + name))
        if len(chunks) >= 4096:
            out.write(b"".join(chunks))
            chunks = []
    for i in range(n):
        tid = 1 + 4096 * i
        chunks.append(record(9, struct.pack("<QIIQ", 0x10, tid, tid, 1000)))
        if len(chunks) >= 4096:
            out.write(b"".join(chunks))
            chunks = []
    out.write(b"".join(chunks))


if __name__ == "__main__":
    main()
