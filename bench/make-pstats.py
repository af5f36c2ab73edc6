#!/usr/bin/env python3
"""make-pstats.py MB OUT: a pstats file (Python's marshal, as cProfile
writes it) of about MB MiB: layers of functions, each called by one to
three functions of the layer above, with times in seconds as cProfile
records them.  Prints the total of the self times in nanoseconds, as
pf-collapse should count it."""
import marshal
import random
import sys

mb, out = float(sys.argv[1]), sys.argv[2]
rnd = random.Random(12)
per_fn = 110                    # bytes per function, about
n = max(50, int(mb * 1048576 / per_fn))
layers = 8
files = ["/usr/lib/python3/dist-packages/app/module%03d.py" % i for i in range(400)]
funcs = [(files[i % len(files)], 10 + (i * 7) % 2000, "handler_%d_%s" %
          (i, "abcdefghij"[i % 10] * 6)) for i in range(n)]
layer = [min(layers - 1, i * layers // n) for i in range(n)]
first = {}
for i, l in enumerate(layer):
    first.setdefault(l, i)
stats = {}
total = 0
for i, fn in enumerate(funcs):
    tt = rnd.randint(1, 2000000) / 1e9
    total += int(tt * 1e9 + 0.5)
    callers = {}
    if layer[i] > 0:
        lo, hi = first[layer[i] - 1], first[layer[i]] - 1
        k = rnd.choices([1, 2, 3], [80, 15, 5])[0]
        for _ in range(k):
            c = funcs[rnd.randint(lo, hi)]
            nc = rnd.randint(1, 50)
            callers[c] = (nc, nc, tt / k, tt / k * 2)
    stats[fn] = (1, 1, tt, tt * 2, callers)
with open(out, "wb") as f:
    marshal.dump(stats, f)
print(total)
