#!/usr/bin/env python3
# Writes the small profile.proto message of tests/cases/collapse-pprof*
# (encoded by hand here, so the test data does not come from pf's decoder).
# Usage: python3 tests/ref/mkpprof.py > small.pb
import sys


def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7f
        v >>= 7
        out.append(b | (0x80 if v else 0))
        if not v:
            return bytes(out)


def field(num, wt, payload):
    tag = varint(num << 3 | wt)
    if wt == 0:
        return tag + varint(payload)
    return tag + varint(len(payload)) + payload


def msg(*fields):
    return b''.join(fields)


def packed(num, values):
    return field(num, 2, b''.join(varint(v) for v in values))


strings = ["", "samples", "count", "cpu", "nanoseconds", "main", "work",
           "inl", "a;b"]
out = bytearray()
out += field(1, 2, msg(field(1, 0, 1), field(2, 0, 2)))       # samples/count
out += field(1, 2, msg(field(1, 0, 3), field(2, 0, 4)))       # cpu/nanoseconds
for locs, vals in [([2, 1], [1, 10]), ([3, 2, 1], [2, 20]), ([4, 1], [1, 5]),
                   ([1], [0, 7]), ([], [1, 1])]:
    out += field(2, 2, msg(packed(1, locs), packed(2, vals)))
out += field(4, 2, msg(field(1, 0, 1), field(4, 2, field(1, 0, 1))))
out += field(4, 2, msg(field(1, 0, 2), field(4, 2, field(1, 0, 3)),
                       field(4, 2, field(1, 0, 2))))         # inl inlined into work
out += field(4, 2, msg(field(1, 0, 3), field(3, 0, 0x4a3b2c)))
out += field(4, 2, msg(field(1, 0, 4), field(4, 2, field(1, 0, 4))))
for fid, name in [(1, 5), (2, 6), (3, 7), (4, 8)]:
    out += field(5, 2, msg(field(1, 0, fid), field(2, 0, name)))
for s in strings:
    out += field(6, 2, s.encode())
out += field(9, 0, 1700000000000000000)                      # time_nanos
sys.stdout.buffer.write(bytes(out))
