#!/usr/bin/env python3
"""make-ghcprof.py SRC MB OUT: a GHC .prof report of about MB MiB made from
the real report SRC (+RTS -P): its header, then one cost-centre tree whose
root holds copies of SRC's tree under MAIN, each copy's top cost centres
renamed NAME_K for K = copy mod 1000 (so the distinct stacks stop growing
while the input does).  Prints the total ticks and bytes of the tree."""
import sys

src, mb, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
lines = open(src, encoding="utf-8").read().split("\n")
hdr = next(i for i, ln in enumerate(lines)
           if ln.split()[:3] == ["COST", "CENTRE", "MODULE"] and "entries" in ln.split())
tree = [ln for ln in lines[hdr + 2:] if ln.strip()]
root, body = tree[0], tree[1:]
ticks = bytes_ = 0
with open(out, "w", encoding="utf-8") as f:
    f.write("\n".join(lines[:hdr + 2]) + "\n" + root + "\n")
    w = root.split()
    ticks += int(w[-2])
    bytes_ += int(w[-1])
    size, k = 0, 0
    while size < mb * 1048576:
        for ln in body:
            w = ln.split()
            if ln.startswith(" ") and not ln.startswith("  "):
                ln = ln.replace(" " + w[0] + " ", " " + w[0] + "_%d" % (k % 1000), 1)
            f.write(ln + "\n")
            size += len(ln) + 1
            ticks += int(w[-2])
            bytes_ += int(w[-1])
        k += 1
print(ticks, bytes_)
