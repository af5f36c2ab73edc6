#!/usr/bin/env python3
"""Damaged inputs for the hostile test group (tests/hostile.sh).

    python3 gen.py OUTDIR NAME SAMPLE [NAME SAMPLE ...]

For each SAMPLE (gunzipped first when it is gzip), writes OUTDIR/NAME.VARIANT
for every variant below and prints one line per file: NAME.VARIANT.  Nothing
here knows a format: the damage is the same for all of them, placed
relative to the sample's length and to the first letter after its middle
(so that it lands inside a name or a token more often than not).
"""
import gzip
import random
import sys

LONG = 5 * 1024 * 1024


def spot(data):
    """The offset of the first ASCII letter after the middle, else the middle."""
    mid = len(data) // 2
    for i in range(mid, len(data)):
        c = data[i]
        if 0x41 <= c <= 0x5a or 0x61 <= c <= 0x7a:
            return i + 1
    return mid


def variants(name, data):
    n = len(data)
    at = spot(data)
    rng = random.Random(name)
    yield "cut-third", data[: n // 3]
    yield "cut-two-thirds", data[: 2 * n // 3]
    yield "cut-last-byte", data[: max(n - 1, 0)]
    yield "nul", data[:at] + b"\0" + data[at:]
    yield "bad-utf8", data[:at] + b"\xff\xc3\x28\xed\xa0\x80\xc0\xaf" + data[at:]
    yield "long-line", data[:at] + b"x" * LONG + data[at:]
    yield "junk", data[: n // 4] + bytes(rng.getrandbits(8) for _ in range(4096))
    yield "crlf", data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def main():
    out = sys.argv[1]
    args = sys.argv[2:]
    for name, path in zip(args[0::2], args[1::2]):
        with open(path, "rb") as f:
            data = f.read()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        for v, d in variants(name, data):
            with open(f"{out}/{name}.{v}", "wb") as f:
                f.write(d)
            print(f"{name}.{v}")


if __name__ == "__main__":
    main()
