#!/usr/bin/env python3
"""Detection and truncation of pf-collapse's JSON formats (the "json" test
group; see tests/json.sh, which runs this and counts its lines).

    python3 tests/json-matrix.py PF-COLLAPSE SAMPLES-FILE WORKDIR

SAMPLES-FILE has a line "NAME<TAB>FORMAT<TAB>PATH[<TAB>SAYS]" per sample
(FORMAT "-": a JSON format pf-collapse refuses, whose refusal must say
SAYS).  For each sample, one line per check: "ok NAME: CHECK" or
"not ok NAME: CHECK: WHY", then the message that failed indented.

  - detection: pf-collapse FILE gives the stdout and stderr of --format
    FORMAT and status 0, something folded; a refused one: a non-zero
    status, nothing on stdout, and the file named on stderr with SAYS;
  - --format OTHER for every other JSON format: a non-zero status (not a
    crash), nothing on stdout, the file named on stderr;
  - the file cut at ten points (inside strings, inside numbers, before a
    key, after a colon, after an opening bracket, early, before the last
    byte), read with --format FORMAT (a refused one: detected): refused
    as above, and the message says the line where the input stopped, and
    when it says the JSON ended early, the byte offset.
"""
import bisect
import gzip
import os
import re
import subprocess
import sys

FORMATS = ['speedscope', 'd3', 'cpuprofile', 'chrome-trace', 'heapprofile',
           'v8-prof', 'stackprof', 'firefox', 'ghc-json']
TIMEOUT = int(os.environ.get('PF_TEST_TIMEOUT', '120'))


def run(pfc, path, fmt=None):
    cmd = [pfc] + (['--format', fmt] if fmt else []) + [path]
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, b'', b'timed out'
    return p.returncode, p.stdout, p.stderr


def refused(st, out, err, path):
    """Why the run is not a clean refusal of path, or None."""
    if st is None:
        return 'timed out'
    if st == 0:
        return 'exit status 0'
    if st < 0 or st > 2:
        return 'exit status %d' % st
    if out:
        return 'something on stdout'
    if ("'%s'" % path).encode() not in err:
        return "the message does not name '%s'" % path
    return None


def cuts(data):
    """Ten (offset, kind) places to cut data at."""
    n = len(data)
    spans = [m.span() for m in re.finditer(rb'"(?:[^"\\]|\\.)*"', data)]
    starts = [a for a, _ in spans]

    def in_string(x):
        k = bisect.bisect_right(starts, x) - 1
        return k >= 0 and spans[k][0] < x < spans[k][1]

    kinds = {
        'number': rb'[0-9](?=[0-9])',
        'before a key': rb'[{,]\s*(?=")',
        'after a colon': rb':',
        'after a bracket': rb'[\[{]',
    }
    found = {}

    def pick(kind, frac):
        want = int(n * frac)
        if kind == 'string':
            k = bisect.bisect_left(starts, want)
            for a, b in spans[k:k + 1000]:
                if b - a >= 4:
                    found.setdefault((a + b) // 2, kind)
                    return
            return
        for m in re.compile(kinds[kind]).finditer(data, want):
            if not in_string(m.start()):
                found.setdefault(m.end(), kind)
                return

    for kind, fracs in (('string', (0.2, 0.7)), ('number', (0.4, 0.9)),
                        ('before a key', (0.1, 0.6)),
                        ('after a colon', (0.5,)),
                        ('after a bracket', (0.3,))):
        for f in fracs:
            pick(kind, f)
    last = len(data.rstrip())
    found.setdefault(last - 1, 'before the last byte')
    found.setdefault(min(200, last - 2), 'early')
    return [(x, found[x]) for x in sorted(c for c in found if 0 < c < last)][:10]


def main():
    pfc, samples, work = sys.argv[1:4]
    failed = 0

    def report(name, check, why, err=b''):
        nonlocal failed
        if why is None:
            print('ok %s: %s' % (name, check))
            return
        failed += 1
        print('not ok %s: %s: %s' % (name, check, why))
        for line in err.decode('utf-8', 'replace').splitlines()[:4]:
            print('    ' + line[:300])

    for line in open(samples):
        if not line.strip() or line.startswith('#'):
            continue
        f = line.rstrip('\n').split('\t')
        name, fmt, src = f[0], f[1], f[2]
        says = f[3] if len(f) > 3 else ''
        if not os.path.isfile(src):
            report(name, 'sample', 'no file %s' % src)
            continue
        with open(src, 'rb') as fh:
            data = fh.read()
        if data[:2] == b'\x1f\x8b':
            data = gzip.decompress(data)
        path = os.path.join(work, name + '.json')
        with open(path, 'wb') as fh:
            fh.write(data)

        # Detection.
        st, out, err = run(pfc, path)
        if fmt == '-':
            why = refused(st, out, err, path)
            if why is None and says.lower().encode() not in err.lower():
                why = "the refusal does not say '%s'" % says
            report(name, 'detection', why, err)
        else:
            st2, out2, err2 = run(pfc, path, fmt)
            why = None
            if st != 0 or st2 != 0:
                why = 'exit status %s, with --format %s %s' % (st, fmt, st2)
            elif not out:
                why = 'nothing folded'
            elif out != out2 or err != err2:
                why = 'not read as with --format %s' % fmt
            report(name, 'detection as %s' % fmt, why, err + err2)

        # Every other JSON format refuses it.
        for other in FORMATS:
            if other == fmt:
                continue
            st, out, err = run(pfc, path, other)
            report(name, '--format %s refuses' % other,
                   refused(st, out, err, path), err)

        # Truncation.
        for x, kind in cuts(data):
            cut = os.path.join(work, 'cut-%d-%s.json' % (x, name))
            with open(cut, 'wb') as fh:
                fh.write(data[:x])
            st, out, err = run(pfc, cut, None if fmt == '-' else fmt)
            os.unlink(cut)
            # The line of the last byte read; after a newline, the next.
            lines = (data[:x - 1].count(b'\n') + 1, data[:x].count(b'\n') + 1)
            why = refused(st, out, err, cut)
            if why is None and fmt != '-':
                at = re.search(rb"' line ([0-9]+)[:,]", err)
                if at is None or int(at.group(1)) not in lines:
                    why = 'the message does not say line %d' % lines[0]
                elif b'JSON ends' in err and \
                        not re.search(rb'at byte %d\b' % x, err):
                    why = 'the message does not say byte %d' % x
            report(name, 'cut at byte %d (%s, line %d)' % (x, kind, lines[0]),
                   why, err)
        os.unlink(path)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
