#!/usr/bin/env python3
# An independent folding of speedscope's JSON file format, written from
# its schema (https://www.speedscope.app/file-format-schema.json) and
# pf-collapse(1)'s description of how frames and profiles are named, not
# from pf's code: folded stacks, sorted and merged as pf writes them.
# Counts are exact decimals of the numbers as written, each rounded to
# 10^-9 as pf's counts are.  Usage:
#
#   python3 tests/ref/speedscope.py [--profile P] FILE
#
# A frame is "NAME FILE:LINE" ("NAME FILE" without a line above 0, NAME
# without a file); a sampled profile's stack weighs its samples' weights,
# an evented profile's the time between each event and the next while its
# frames are open (frames left open close at endValue).  With several
# profiles, each is a root frame, its name, unless all its stacks start
# with that name; times in different units are converted to the finest.
import gzip
import json
import sys
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

TIME = {'nanoseconds': 0, 'microseconds': 1, 'milliseconds': 2, 'seconds': 3}


def dec(x):
    """A number as pf counts it: to 10^-9, half-up, each as written."""
    return Decimal(x).quantize(Decimal('1e-9'), rounding=ROUND_HALF_UP)


def num(d):
    s = format(d, 'f')
    if '.' in s:
        s = s.rstrip('0').rstrip('.')
    return s


def frame_name(f):
    name = f.get('name', '')
    if isinstance(f.get('file'), str) and f['file'] != '':
        name += ' ' + f['file']
        line = f.get('line')
        if isinstance(line, int) and not isinstance(line, bool) and line > 0:
            name += ':%d' % line
    return name.replace(';', ':').replace('\n', ' ').replace('\r', ' ')


def fold(prof, names):
    out = defaultdict(Decimal)
    if prof['type'] == 'sampled':
        assert len(prof['samples']) == len(prof['weights'])
        for st, w in zip(prof['samples'], prof['weights']):
            out[tuple(names[i] for i in st)] += dec(w)
        return out
    stack, last = [], None
    for ev in prof['events']:
        at = dec(ev['at'])
        if last is not None and stack and at > last:
            out[tuple(names[i] for i in stack)] += at - last
        last = at
        if ev['type'] == 'O':
            stack.append(ev['frame'])
        else:
            assert stack and stack[-1] == ev['frame']
            stack.pop()
    end = prof.get('endValue')
    if stack and end is not None and last is not None and dec(end) > last:
        out[tuple(names[i] for i in stack)] += dec(end) - last
    return out


def main():
    args = sys.argv[1:]
    want = None
    if args[0] == '--profile':
        want, args = args[1], args[2:]
    raw = open(args[0], 'rb').read()
    if raw[:2] == b'\x1f\x8b':
        raw = gzip.decompress(raw)
    doc = json.loads(raw, parse_float=Decimal)
    names = [frame_name(f) for f in doc['shared']['frames']]
    profs = list(enumerate(doc['profiles']))
    if want is not None:
        sel = [(i, p) for i, p in profs if p.get('name') == want]
        profs = sel or [profs[int(want) - 1]]
    units = {p.get('unit', 'none') for _, p in profs}
    finest = None
    if len(units) > 1:
        assert all(u in TIME for u in units)
        finest = min(TIME[u] for u in units)
    total = defaultdict(Decimal)
    for i, p in profs:
        scale = Decimal(1000) ** (TIME[p['unit']] - finest) if finest is not None else 1
        stacks = fold(p, names)
        root = p.get('name', 'profile %d' % (i + 1)).replace(';', ':').replace('\n', ' ')
        redundant = all(s and s[0] == root for s in stacks)
        for s, w in stacks.items():
            if len(profs) > 1 and not redundant:
                s = (root,) + s
            total[s] += w * scale
    lines = [(';'.join(s).encode('utf-8', 'surrogateescape'), w) for s, w in total.items() if w != 0]
    for s, w in sorted(lines):
        sys.stdout.buffer.write(s + b' ' + num(w).encode() + b'\n')


main()
