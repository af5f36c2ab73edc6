#!/usr/bin/env python3
# An independent reading of what pf-export writes, from the formats'
# descriptions (speedscope's file format schema, d3-flame-graph's README,
# Chrome's Profiler.Profile type, `go tool pprof -raw`'s text), not from
# pf's code: it turns each file back into folded stacks, sorted and merged
# as pf writes them, so that the test can compare them with pf-export's
# input.  Counts are read as exact decimals.  Usage:
#
#   python3 tests/ref/export-check.py FORMAT FILE
#   python3 tests/ref/export-check.py --batch LIST
#
# With --batch, each line of LIST is FORMAT, FILE and OUT separated by tabs:
# the reading of FILE goes to OUT, or why it failed to OUT.err (one Python
# start for all the files of a test run).  FORMAT: speedscope, d3, cpuprofile (stacks weighed by their time), or
# pprof-raw (the output of `go tool pprof -raw`).  A name's "pf:name"
# member, when there is one, holds its exact bytes percent-encoded.
# Zero-weight stacks are left out of d3's and cpuprofile's readings, whose
# trees cannot tell them from frames that only have callees; a
# differential speedscope file gives "stack before after" lines.
import json
import re
import sys
from collections import defaultdict
from decimal import Decimal

sys.setrecursionlimit(100000)


def num(d):
    """A count as pf writes it: no exponent, no trailing zeros."""
    s = format(d, 'f')
    if '.' in s:
        s = s.rstrip('0').rstrip('.')
    return s


def pct_decode(s):
    return re.sub(rb'%([0-9A-Fa-f]{2})', lambda m: bytes([int(m.group(1), 16)]),
                  s.encode('utf-8'))


def name_of(obj, key):
    if 'pf:name' in obj:
        return pct_decode(obj['pf:name'])
    return obj[key].encode('utf-8')


def load(path):
    with open(path, 'rb') as f:
        return json.loads(f.read().decode('utf-8'), parse_float=Decimal,
                          parse_int=Decimal)


def read(fmt, path, dst):
    """Writes the folded reading of path, in format fmt, to dst."""
    out = defaultdict(lambda: [Decimal(0), Decimal(0)])
    columns = 1

    if fmt == 'speedscope':
        doc = load(path)
        assert doc['$schema'] == 'https://www.speedscope.app/file-format-schema.json'
        frames = [name_of(f, 'name') for f in doc['shared']['frames']]
        for p in doc['profiles']:
            assert p['type'] == 'sampled'
            assert len(p['samples']) == len(p['weights'])
            col = 0
            if p['name'].endswith(' (before)'):
                columns = 2
            elif p['name'].endswith(' (after)'):
                columns, col = 2, 1
            assert sum(p['weights']) == p['endValue'] - p['startValue'], p['name']
            for s, w in zip(p['samples'], p['weights']):
                out[b';'.join(frames[int(i)] for i in s)][col] += w
    elif fmt == 'd3':
        doc = load(path)
        assert doc['name'] == 'all'
        todo = [(doc, [])]
        while todo:
            n, stack = todo.pop()
            kids = n.get('children', [])
            self_w = n['value'] - sum(k['value'] for k in kids)
            if 'delta' in n:
                columns = 2
            if stack and (self_w != 0 or ('delta' in n and n['delta'] != 0)):
                key = b';'.join(stack)
                out[key][0] += self_w - n.get('delta', 0)
                out[key][1] += self_w
            for k in kids:
                todo.append((k, stack + [name_of(k, 'name')]))
    elif fmt == 'cpuprofile':
        doc = load(path)
        nodes = {n['id']: n for n in doc['nodes']}
        parent = {}
        for n in doc['nodes']:
            for c in n.get('children', []):
                parent[c] = n['id']
        samples, deltas = doc['samples'], doc['timeDeltas']
        assert len(samples) == len(deltas)
        t, times = doc['startTime'], []
        for d in deltas:
            t += d
            times.append(t)
        times.append(doc['endTime'])
        hits = defaultdict(Decimal)
        for i, s in enumerate(samples):
            hits[s] += times[i + 1] - times[i]
        for nid, n in nodes.items():
            # DevTools' tree views: each node's hitCount is its time.
            assert n['hitCount'] == hits.get(nid, 0), (nid, n['hitCount'], hits.get(nid))
        for nid, w in hits.items():
            stack = []
            while nid in parent:
                stack.append(name_of(nodes[nid]['callFrame'], 'functionName'))
                nid = parent[nid]
            assert nodes[nid]['callFrame']['functionName'] == '(root)'
            if w != 0:
                out[b';'.join(reversed(stack))][0] += w
    elif fmt == 'pprof-raw':
        # Samples: "  VALUE[ VALUE]: LOC LOC ..." leaf first under the sample
        # type line; Locations: "  ID: 0xADDR M=N NAME FILE:LINE s=0", then
        # "(SYSTEM_NAME)" when it is not the name: pf-export's exact bytes.
        section, samples, locs = None, [], {}
        with open(path, 'rb') as f:
            for line in f.read().decode('utf-8').split('\n'):
                if line in ('Samples:', 'Locations', 'Mappings'):
                    section = line
                    continue
                if section == 'Samples:':
                    m = re.match(r'^\s+([-0-9 ]+): ([0-9 ]*)$', line)
                    if m:
                        vals = [Decimal(v) for v in m.group(1).split()]
                        samples.append((vals, m.group(2).split()))
                    elif line.strip():
                        columns = len(line.split())
                elif section == 'Locations':
                    m = re.match(r'^\s+(\d+): 0x[0-9a-f]+ M=\d+ (.*?) :\d+ s=\d+(\((.*)\))?$',
                                 line)
                    if m:
                        locs[m.group(1)] = (pct_decode(m.group(4)) if m.group(3)
                                            else m.group(2).encode('utf-8'))
        for vals, ids in samples:
            key = b';'.join(locs[i] for i in reversed(ids))
            for c, v in enumerate(vals):
                out[key][c] += v
    else:
        raise ValueError('unknown format ' + fmt)

    for key in sorted(out):
        a, b = out[key]
        if columns == 2:
            dst.write(key + b' ' + num(a).encode() + b' ' + num(b).encode() + b'\n')
        else:
            dst.write(key + b' ' + num(a).encode() + b'\n')


if sys.argv[1] == '--batch':
    import traceback
    with open(sys.argv[2], encoding='utf-8') as lst:
        for item in lst:
            fmt, path, outp = item.rstrip('\n').split('\t')
            try:
                with open(outp, 'wb') as dst:
                    read(fmt, path, dst)
            except Exception:
                with open(outp + '.err', 'w') as e:
                    traceback.print_exc(file=e)
else:
    read(sys.argv[1], sys.argv[2], sys.stdout.buffer)
