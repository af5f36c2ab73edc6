#!/usr/bin/env python3
"""ghcjson-fold.py FILE [ticks|alloc|time]: the "profile" tree of a GHC JSON
profile (+RTS -pj) as folded stacks, merged and sorted (byte order), frames
"MODULE.LABEL", each node weighted by its own ticks (the default), bytes
(alloc) or %time in tenths of a percent (time: ticks over the ticks kept,
in single precision, rounded as printf's "%.1f"); nodes weighing 0 and the
RTS's own cost centres (GC, IDLE, SYSTEM, PROFILING.OVERHEAD_of,
MAIN.DONT_CARE, which GHC's .prof report leaves out) left out.  Then a
line "total N": the profile's own total_ticks or total_alloc less what the
left-out cost centres hold (1000 for time).  Written from GHC's JSON
writer and User's Guide, independently of pf's reader."""
import json
import struct
import sys

kind = sys.argv[2] if len(sys.argv) > 2 else "ticks"
doc = json.load(open(sys.argv[1], encoding="utf-8"))
names = {}
own = set()
for c in doc["cost_centres"]:
    names[c["id"]] = (c["module"] + "." + c["label"]).replace(";", ":")
    if (c["module"], c["label"]) in {("GC", "GC"), ("IDLE", "IDLE"), ("SYSTEM", "SYSTEM"),
                                     ("PROFILING", "OVERHEAD_of"), ("MAIN", "DONT_CARE")}:
        own.add(c["id"])
field = "alloc" if kind == "alloc" else "ticks"
nodes, left_out = [], 0


def walk(node, path):
    global left_out
    if node["id"] in own:
        left_out += node[field]
        for ch in node["children"]:
            walk(ch, None)
        return
    if path is None:
        left_out += node[field]
        return
    path = path + [names[node["id"]]]
    nodes.append((";".join(path), node[field]))
    for ch in node["children"]:
        walk(ch, path)


walk(doc["profile"], [])


def f32(x):
    return struct.unpack("f", struct.pack("f", x))[0]


kept = sum(w for _, w in nodes)
out = {}
for k, w in nodes:
    if kind == "time":
        w = int(("%.1f" % f32(f32(f32(w) / f32(kept)) * f32(100.0))).replace(".", "")) if kept else 0
    if w:
        out[k] = out.get(k, 0) + w
for k in sorted(out, key=lambda s: s.encode("utf-8")):
    sys.stdout.buffer.write(k.encode("utf-8") + b" %d\n" % out[k])
print("total %d" % (1000 if kind == "time" else doc["total_" + field] - left_out))
