#!/usr/bin/env python3
"""pstats-self.py FILE: each function's self time of a cProfile / profile
output file, as Python's own pstats module reads it: one line per function,
"FRAME NANOSECONDS", FRAME named as pf-collapse names it ("name (file:line)",
built-ins by their name alone), then "total NANOSECONDS" (pstats' total_tt).
Written from the pstats documentation, independently of pf's reader."""
import pstats
import sys

st = pstats.Stats(sys.argv[1])
self_ns = {}
for (file, line, name), (cc, nc, tt, ct, callers) in st.stats.items():
    if not isinstance(name, str):
        # The profile module names its made-up frame by a code object.
        c = name
        name = '<code object %s, file "%s", line %d>' % (c.co_name, c.co_filename,
                                                         c.co_firstlineno)
    if line == 0 and file in ("~", ""):
        frame = name
    else:
        frame = "%s (%s:%d)" % (name, file, line)
    frame = frame.replace(";", ":").replace("\n", ":")
    ns = int(tt * 1e9 + 0.5) if tt > 0 else 0
    if ns:
        self_ns[frame] = self_ns.get(frame, 0) + ns
for f in sorted(self_ns):
    print("%s %d" % (f, self_ns[f]))
print("total %d" % round(st.total_tt * 1e9))
