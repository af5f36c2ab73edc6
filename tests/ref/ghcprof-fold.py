#!/usr/bin/env python3
"""ghcprof-fold.py FILE [ticks|alloc|time]: the cost-centre tree of a GHC
.prof report as folded stacks, merged and sorted (byte order), frames
"MODULE.NAME", each line weighted by its individual ticks (the default),
bytes (alloc) or %time in tenths of a percent (time); lines weighing 0
left out.  Then a line "total N" with the report's own total: the ticks
of its "total time" line, the bytes of "total alloc", or 1000.  Written
from GHC's documented report (GHC User's Guide, "Profiling"),
independently of pf's reader."""
import re
import sys
from decimal import Decimal

kind = sys.argv[2] if len(sys.argv) > 2 else "ticks"
text = open(sys.argv[1], encoding="utf-8", errors="surrogateescape").read().split("\n")
hdr = next(i for i, ln in enumerate(text)
           if ln.split()[:3] == ["COST", "CENTRE", "MODULE"] and "entries" in ln.split())
cols = text[hdr].split()
cols = cols[cols.index("no."):]
if kind == "ticks" and "ticks" not in cols:
    kind = "time"
total = 1000
for ln in text:
    m = re.search(r"total time\s*=.*\((\d+) ticks", ln)
    if m and kind == "ticks":
        total = int(m.group(1))
    m = re.search(r"total alloc\s*=\s*([\d,]+) bytes", ln)
    if m and kind == "alloc":
        total = int(m.group(1).replace(",", ""))
idx = {"ticks": cols.index("ticks") if "ticks" in cols else None,
       "alloc": cols.index("bytes") if "bytes" in cols else None,
       "time": cols.index("%time")}[kind]
out, path = {}, []
for ln in text[hdr + 1:]:
    if not ln.strip():
        if path:
            break
        continue
    words = ln.split()
    nums = words[len(words) - len(cols):]
    depth = len(ln) - len(ln.lstrip(" "))
    del path[depth:]
    path.append((words[1] + "." + words[0]).replace(";", ":"))
    w = Decimal(nums[idx]) * (10 if kind == "time" else 1)
    if w:
        key = ";".join(path)
        out[key] = out.get(key, 0) + w
for k in sorted(out, key=lambda s: s.encode("utf-8", "surrogateescape")):
    sys.stdout.buffer.write(k.encode("utf-8", "surrogateescape") + b" %s\n" % ("%f" % out[k]).rstrip("0").rstrip(".").encode())
print("total %d" % total)
