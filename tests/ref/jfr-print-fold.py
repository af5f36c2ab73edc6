#!/usr/bin/env python3
# The expected folded stacks of a JFR recording, computed independently of
# pf by the JDK's own parser (jfr print --json): how the JFR golden cases'
# outputs were made.
# usage: jfr-print-fold.py FILE EVENT[,EVENT] WEIGHT-FIELD|-|duration [tid]
import json, subprocess, sys, collections
f, events, wf = sys.argv[1], sys.argv[2], sys.argv[3]
tid = len(sys.argv) > 4
out = subprocess.run(['jfr', 'print', '--json', '--stack-depth', '4096', '--events', events, f],
                     capture_output=True, text=True, check=True).stdout
doc = json.loads(out)
acc = collections.Counter()
for ev in doc['recording']['events']:
    v = ev['values']
    st = v.get('stackTrace')
    frames = []
    if st:
        for fr in reversed(st['frames']):
            m = fr['method']
            cls = m['type']['name'] if m.get('type') else ''
            if isinstance(cls, dict): cls = cls['string']
            if isinstance(m['name'], dict): m['name'] = m['name']['string']
            frames.append((cls.replace('/', '.') + '.' if cls else '') + m['name'])
    if not frames:
        frames = ['[no stack]']
    if tid:
        th = v.get('sampledThread') or v.get('eventThread')
        frames.insert(0, '%s-%d' % (th['javaName'] or th['osName'], th['osThreadId'] or th['javaThreadId']))
    if wf == '-':
        w = 1
    elif wf == 'duration':
        d = v['duration']  # ISO-8601 like PT0.00123S
        assert d.startswith('PT') and d.endswith('S'), d
        w = round(float(d[2:-1]) * 1e9)
    else:
        w = v[wf]
    acc[';'.join(x.replace(';', ':') for x in frames)] += w
for k in sorted(acc, key=lambda s: s.encode()):
    print(k, acc[k])
