#!/usr/bin/env python3
"""callgrind-self.py FILE [EVENT]: each function's exclusive cost in a
callgrind-format file (valgrind's "Callgrind Format Specification"): one
line per function name, "NAME COST", then "total COST" and "totals COST"
(the file's totals: line, or summary:).  The cost line after a calls= line
is the call's inclusive cost and belongs to no function's own cost.
Written from the specification, independently of pf's reader; its per
function sums agree with callgrind_annotate --inclusive=no --threshold=100
(which keys functions by file as well, so sum those by name)."""
import gzip
import re
import sys

path = sys.argv[1]
want = sys.argv[2] if len(sys.argv) > 2 else None
opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
names = {"fn": {}}
npos, col, events = 1, 0, None
fn, in_call = None, False
self_cost, totals, summary = {}, None, None
for raw in opener(path, "rt", encoding="utf-8", errors="surrogateescape"):
    line = raw.strip()
    if not line or line.startswith("#"):
        continue
    if re.match(r"^[0-9+*-]", line):
        f = line.split()
        v = int(f[npos + col]) if len(f) > npos + col else 0
        if in_call:
            in_call = False
        else:
            self_cost[fn] = self_cost.get(fn, 0) + v
        continue
    m = re.match(r"^(\w+)=(.*)$", line)
    if m:
        key, val = m.group(1), m.group(2).strip()
        if key in ("fn", "cfn", "jfn"):
            c = re.match(r"^\((\d+)\)(?:\s+(.*))?$", val)
            if c:
                if c.group(2) is not None:
                    names["fn"][c.group(1)] = c.group(2)
                val = names["fn"][c.group(1)]
            if key == "fn":
                fn = val.replace(";", ":")
        elif key == "calls":
            in_call = True
        continue
    m = re.match(r"^(\w+):\s*(.*)$", line)
    if m:
        key, val = m.group(1), m.group(2)
        if key == "events" and events is None:
            events = val.split()
            col = events.index(want) if want else 0
        elif key == "positions":
            npos = len(val.split())
        elif key in ("totals", "summary"):
            f = val.split()
            t = int(f[col]) if len(f) > col else 0
            if key == "totals":
                totals = (totals or 0) + t
            else:
                summary = (summary or 0) + t
for name in sorted(k for k in self_cost if self_cost[k]):
    print("%s %d" % (name, self_cost[name]))
print("total %d" % sum(self_cost.values()))
print("totals %s" % (totals if totals is not None else summary))
