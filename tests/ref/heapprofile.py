#!/usr/bin/env python3
# An independent folding of a V8 sampling heap profile (.heapprofile),
# written from the format's description (not from pf's code): each node of
# the "head" tree weighs its selfSize in bytes.  Usage:
#   python3 tests/ref/heapprofile.py [--no-location] FILE[.gz]
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
    return name.replace(';', ':').replace('\n', ' ').replace('\r', ' ')


weights = defaultdict(int)
root = doc['head']
todo = [(c, []) for c in root.get('children', [])]
if root.get('callFrame', {}).get('functionName') != '(root)':
    todo = [(root, [])]
elif root.get('selfSize', 0) > 0:
    weights['(root)'] += root['selfSize']
while todo:
    n, path = todo.pop()
    path = path + [label(n.get('callFrame', {}))]
    if n.get('selfSize', 0) > 0:
        weights[';'.join(path)] += n['selfSize']
    todo.extend((c, path) for c in n.get('children', []))
for k in sorted(weights, key=lambda s: s.encode()):
    print(k, weights[k])
