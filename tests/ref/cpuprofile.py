#!/usr/bin/env python3
# An independent folding of a .cpuprofile, written from the format's
# description (not from pf's code), used to make and review the expected
# outputs in tests/formats-expected/.  Usage:
#   python3 tests/ref/cpuprofile.py [--no-location] [--drop-idle]
#       [--weight=time] FILE[.gz]
import gzip
import json
import sys
from collections import defaultdict

args = sys.argv[1:]
path = args.pop()
opener = gzip.open if open(path, 'rb').read(2) == b'\x1f\x8b' else open
doc = json.load(opener(path, 'rt', encoding='utf-8'))


def label(cf):
    name = cf.get('functionName') or '(anonymous)'
    url = cf.get('url') or ''
    if url and '--no-location' not in args:
        if url.startswith('file://'):
            url = url[7:]
        name += ' %s:%d' % (url, cf.get('lineNumber', -1) + 1)
    return name.replace(';', ':')


byid, parent = {}, {}
if 'nodes' in doc:
    for n in doc['nodes']:
        byid[n['id']] = n
        for c in n.get('children', []):
            parent[c] = n['id']
    frames = {i: label(n['callFrame']) for i, n in byid.items()}
else:
    frames, todo, nid = {}, [(doc['head'], None)], 0
    while todo:
        n, p = todo.pop()
        nid += 1
        byid[nid] = n
        frames[nid] = label(n)
        if p is not None:
            parent[nid] = p
        todo.extend((c, nid) for c in n.get('children', []))


def stack(i):
    out = []
    while i is not None:
        if not (i not in parent and frames[i] == '(root)'):
            out.append(frames[i])
        i = parent.get(i)
    return ';'.join(reversed(out))


weights = defaultdict(int)
samples = doc.get('samples', [])
if samples:
    t, acc = [], doc.get('startTime', 0)
    for d in doc.get('timeDeltas', []):
        acc += d
        t.append(acc)
    for k, s in enumerate(samples):
        if '--drop-idle' in args and frames[s] == '(idle)':
            continue
        w = 1
        if '--weight=time' in args:
            nxt = t[k + 1] if k + 1 < len(t) else doc['endTime']
            w = max(0, nxt - t[k])
        weights[stack(s)] += w
else:
    for i, n in byid.items():
        if n.get('hitCount', 0) > 0 and not ('--drop-idle' in args and frames[i] == '(idle)'):
            weights[stack(i)] += n['hitCount']
for k in sorted(weights, key=lambda s: s.encode()):
    if weights[k] > 0:
        print(k, weights[k])
