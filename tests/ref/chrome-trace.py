#!/usr/bin/env python3
# An independent folding of a Chrome trace (trace event JSON), written from
# the format's description (not from pf's code), used to make and review
# the expected outputs of the chrome-trace cases.  Usage:
#   python3 tests/ref/chrome-trace.py [--no-location] [--drop-idle]
#       [--weight=time] FILE[.gz]
# CPU samples of Profile/ProfileChunk events (or of the CpuProfile events of
# older traces, each a whole profile) when there are any, else the
# self times of the duration events (B/E, X) nested per thread; every stack
# starts with its process and its thread.  The "samples" of the object form
# (with "stackFrames") are CPU samples too, weighing their "weight".
import gzip
import json
import sys
from collections import defaultdict
from decimal import Decimal

args = sys.argv[1:]
path = args.pop()
opener = gzip.open if open(path, 'rb').read(2) == b'\x1f\x8b' else open
doc = json.load(opener(path, 'rt', encoding='utf-8'), parse_float=Decimal)
events = doc['traceEvents'] if isinstance(doc, dict) else doc


def num(v):
    if isinstance(v, str):
        return int(v, 0)
    return v


def clean(s):
    return s.replace(';', ':').replace('\n', ' ').replace('\r', ' ')


def label(cf):
    name = cf.get('functionName') or '(anonymous)'
    url = cf.get('url') or ''
    if url and '--no-location' not in args:
        if url.startswith('file://'):
            url = url[7:]
        name += ' %s:%d' % (url, cf.get('lineNumber', -1) + 1)
    return clean(name)


procs, threads = {}, {}
for e in events:
    if e.get('ph') == 'M' and 'name' in e.get('args', {}):
        if e['name'] == 'process_name':
            procs[num(e.get('pid', 0))] = e['args']['name']
        elif e['name'] == 'thread_name':
            threads[(num(e.get('pid', 0)), num(e.get('tid', 0)))] = e['args']['name']


def head(pid, tid):
    p = procs.get(pid)
    out = ['%s (pid %d)' % (clean(p), pid) if p else 'pid %d' % pid]
    if tid is not None:
        t = threads.get((pid, tid))
        out.append('%s (tid %d)' % (clean(t), tid) if t else 'tid %d' % tid)
    return out


weights = defaultdict(Decimal)
profs = {}      # (pid, id) -> {'tid', 'nodes', 'parent', 'samples', 'deltas'}
for seq, e in enumerate(events):
    if e.get('name') not in ('Profile', 'ProfileChunk', 'CpuProfile'):
        continue
    key = (num(e.get('pid', 0)), num(e.get('id', 0)))
    if e['name'] == 'CpuProfile':
        key = (key[0], ('CpuProfile', seq))
    p = profs.setdefault(key, {'tid': None, 'nodes': {}, 'parent': {},
                               'samples': [], 'deltas': []})
    if 'tid' in e and (e['name'] != 'ProfileChunk' or p['tid'] is None):
        p['tid'] = num(e['tid'])
    data = e.get('args', {}).get('data', {})
    cp = data.get('cpuProfile', {})
    for n in cp.get('nodes', []):
        p['nodes'][n['id']] = n
        if 'parent' in n:
            p['parent'][n['id']] = n['parent']
        for c in n.get('children', []):
            p['parent'][c] = n['id']
    p['samples'] += cp.get('samples', [])
    p['deltas'] += data.get('timeDeltas', cp.get('timeDeltas', []))

nsamples = sum(len(p['samples']) for p in profs.values())
tsamples = doc.get('samples', []) if isinstance(doc, dict) else []
frames = doc.get('stackFrames', {}) if isinstance(doc, dict) else {}
for s in tsamples:
    sf, path = str(s['sf']), []
    while sf is not None:
        path.append(clean(frames[sf].get('name') or '(unnamed)'))
        sf = str(frames[sf]['parent']) if 'parent' in frames[sf] else None
    stack = head(num(s.get('pid', 0)), num(s.get('tid', 0))) + list(reversed(path))
    weights[';'.join(stack)] += Decimal(s.get('weight', 1))
if nsamples or tsamples:
    for (pid, _), p in profs.items():
        nodes, parent = p['nodes'], p['parent']

        def stack(i):
            out = []
            while i is not None:
                if i not in nodes:
                    out.append('(caller lost from the trace)')
                    break
                cf = nodes[i].get('callFrame', {})
                if not (cf.get('functionName') == '(root)' and i not in parent):
                    out.append(label(cf))
                i = parent.get(i)
            if not out:
                out = ['(root)']
            return ';'.join(head(pid, p['tid']) + list(reversed(out)))

        for k, s in enumerate(p['samples']):
            if s not in nodes:
                continue
            if '--drop-idle' in args and nodes[s]['callFrame'].get('functionName') == '(idle)':
                continue
            w = 1
            if '--weight=time' in args:
                w = p['deltas'][k + 1] if k + 1 < len(p['deltas']) else 0
                w = max(0, w)
            weights[stack(s)] += w
else:
    spans = defaultdict(list)   # (pid, tid) -> [(ts, dur, name, seq)]
    open_b = defaultdict(list)
    for seq, e in enumerate(events):
        ph = e.get('ph')
        key = (num(e.get('pid', 0)), num(e.get('tid', 0)))
        name = clean(e.get('name') or '(unnamed)')
        if ph == 'X' and 'ts' in e and 'dur' in e:
            spans[key].append((Decimal(num(e['ts'])), Decimal(num(e['dur'])), name, seq))
        elif ph == 'B' and 'ts' in e:
            open_b[key].append((Decimal(num(e['ts'])), name))
        elif ph == 'E' and 'ts' in e and open_b[key]:
            ts, name = open_b[key].pop()
            spans[key].append((ts, Decimal(num(e['ts'])) - ts, name, seq))
    for key, lst in spans.items():
        lst.sort(key=lambda s: (s[0], -s[1], s[3]))
        top = head(key[0], key[1])
        path = []   # [end, self, name]

        def pop():
            end, self_, name = path.pop()
            if self_ > 0:
                weights[';'.join(top + [p[2] for p in path] + [name])] += self_
        for ts, dur, name, _ in lst:
            while path and path[-1][0] <= ts:
                pop()
            dur = max(dur, Decimal(0))
            if path and ts + dur > path[-1][0]:
                dur = path[-1][0] - ts
            if path:
                path[-1][1] -= dur
            path.append([ts + dur, dur, name])
        while path:
            pop()


def fmt(d):
    s = format(Decimal(d).normalize(), 'f')
    return s


for k in sorted(weights, key=lambda s: s.encode()):
    if weights[k] > 0:
        print(k, fmt(weights[k]))
