#!/usr/bin/env python3
"""make-macsample.py SRC MB OUT: a macOS sample(1) report of about MB MiB
made from the real report SRC: its header, then its call graph's threads
again and again, renumbered Thread_1 ... Thread_256 over and over (so the
distinct stacks stop growing while the input does), then the rest of SRC.
Prints the sum of the threads' counts."""
import re
import sys

src, mb, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
lines = open(src, encoding="utf-8").read().split("\n")
start = lines.index("Call graph:") + 1
end = next(i for i in range(start, len(lines))
           if lines[i] and not lines[i].startswith("    "))
graph = lines[start:end]
total = 0
with open(out, "w", encoding="utf-8") as f:
    f.write("\n".join(lines[:start]) + "\n")
    size, k = 0, 0
    while size < mb * 1048576:
        for ln in graph:
            m = re.match(r"^    (\d+) Thread_\d+", ln)
            if m:
                k += 1
                total += int(m.group(1))
                ln = re.sub(r"Thread_\d+", "Thread_%d" % (k % 256 + 1), ln, count=1)
            f.write(ln + "\n")
            size += len(ln) + 1
    f.write("\n".join(lines[end:]))
print(total)
