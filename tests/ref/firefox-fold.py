#!/usr/bin/env python3
# An independent folding of a Firefox Profiler or Gecko profile (JSON),
# written from the formats' descriptions (the profiler's
# docs-developer/gecko-profile-format.md and processed-profile-format.md),
# not from pf's code.  Each thread's samples name stacks; a stack is its
# prefix's frames and its own frame; a frame is named by its location
# string (Gecko) or its function's name (processed).  A sample weighs 1,
# or its weight when the samples have a weight column.  The root frame is
# the thread's name.  Usage:
#   python3 tests/ref/firefox-fold.py [--pid|--tid] FILE[.gz]
# prints the folded stacks, sorted, then a line "total N".
import gzip
import json
import sys
from collections import defaultdict

args = sys.argv[1:]
path = args.pop()
opener = gzip.open if open(path, 'rb').read(2) == b'\x1f\x8b' else open
doc = json.load(opener(path, 'rt', encoding='utf-8'))
if 'profile' in doc and 'threads' not in doc:
    doc = doc['profile']          # a DevTools recording around the profile


def rows(table):
    """A table as a list of dicts of columns, whatever its shape."""
    if 'schema' in table:
        schema = table['schema']
        return [{k: (r[i] if i < len(r) else None) for k, i in schema.items()}
                for r in table['data']]
    cols = {k: v for k, v in table.items() if isinstance(v, list)}
    n = table.get('length', max([len(v) for v in cols.values()] or [0]))
    return [{k: (v[i] if i < len(v) else None) for k, v in cols.items()}
            for i in range(n)]


def clean(s):
    return s.replace(';', ':').replace('\n', ' ').replace('\r', ' ') or '(no name)'


def threads(profile):
    for t in profile.get('threads', []):
        yield t
    for sub in profile.get('processes', []) or []:
        yield from threads(sub)


shared = doc.get('shared', {})
folded = defaultdict(float)
for t in threads(doc):
    strings = t.get('stringTable', t.get('stringArray', shared.get('stringArray')))
    stacks = rows(t.get('stackTable', shared.get('stackTable', {'data': [], 'schema': {}})))
    frames = rows(t.get('frameTable', shared.get('frameTable', {'data': [], 'schema': {}})))
    funcs = t.get('funcTable', shared.get('funcTable'))
    funcs = rows(funcs) if funcs is not None else None
    name = t.get('name') or t.get('processName') or 'thread'
    pid = str(t['pid']) if t.get('pid') is not None else '?'
    tid = str(t['tid']) if t.get('tid') is not None else '?'
    if '--tid' in args:
        name += '-%s/%s' % (pid, tid)
    elif '--pid' in args:
        name += '-%s' % pid

    def frame_name(f):
        fr = frames[f]
        if funcs is not None and 'func' in fr:
            return clean(strings[funcs[fr['func']]['name']])
        return clean(strings[fr['location']])

    for s in rows(t['samples']):
        st = s.get('stack')
        if st is None:
            continue
        w = s.get('weight')
        w = 1 if w is None else w
        names = []
        while st is not None:
            names.append(frame_name(stacks[st]['frame']))
            st = stacks[st]['prefix']
        folded[';'.join([clean(name)] + names[::-1])] += w
total = 0
for k in sorted(folded, key=lambda s: s.encode()):
    w = folded[k]
    print(k, int(w) if w == int(w) else repr(w))
    total += w
print('total', int(total) if total == int(total) else repr(total))
