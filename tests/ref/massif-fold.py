#!/usr/bin/env python3
"""massif-fold.py FILE [SNAPSHOT]: the heap tree of massif's peak snapshot
(or of snapshot SNAPSHOT) as folded stacks, outermost caller first, each
node weighted by its bytes not under its children; then a line
"mem_heap_B N" with the snapshot's own figure.  Written from massif's
documented output (valgrind manual, "Massif: a heap profiler", and
ms_print), independently of pf's reader."""
import re
import sys

want = sys.argv[2] if len(sys.argv) > 2 else None
snap, heap, take, tree, out = None, None, False, [], {}
result_heap = None
lines = open(sys.argv[1], encoding="utf-8", errors="surrogateescape").read().split("\n")
i = 0
while i < len(lines):
    ln = lines[i]
    i += 1
    if ln.startswith("snapshot="):
        snap = ln[9:]
    elif ln.startswith("mem_heap_B="):
        heap = int(ln[11:])
    elif ln.startswith("heap_tree="):
        kind = ln[10:]
        if kind == "empty":
            continue
        take = (snap == want) if want is not None else kind == "peak"
        nodes = []
        while i < len(lines) and re.match(r"^ *n\d+: ", lines[i]):
            m = re.match(r"^( *)n(\d+): (\d+) ?(.*)$", lines[i])
            nodes.append((len(m.group(1)), int(m.group(3)), m.group(4)))
            i += 1
        if not take:
            continue
        result_heap = heap
        path = []
        for k, (depth, b, label) in enumerate(nodes):
            label = re.sub(r"^0x[0-9A-Fa-f]+: ", "", label).replace(";", ":")
            path[depth:] = [label]
            below = sum(b2 for d2, b2, _ in nodes[k + 1:next(
                (j for j in range(k + 1, len(nodes)) if nodes[j][0] <= depth),
                len(nodes))] if d2 == depth + 1)
            if depth > 0 and b - below > 0:
                s = ";".join(reversed(path[1:depth + 1]))
                out[s] = out.get(s, 0) + b - below
        break
for s in sorted(out, key=lambda x: x.encode("utf-8", "surrogateescape")):
    print("%s %d" % (s, out[s]))
print("mem_heap_B %s" % result_heap)
