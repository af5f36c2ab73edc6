# Writes perf samples as a Gecko profile (JSON, on stdout), the format of
# "perf script report gecko" (Linux 6.7 and later): one thread per tid,
# frames "SYMBOL (in DSO)" root first, tables as schema and data.
#   perf script -s gecko-perf.py > profile.json
import json
import sys

threads = {}


def thread_of(pid, tid, comm):
    t = threads.get(tid)
    if t is None:
        t = {"pid": pid, "tid": tid, "name": comm, "samples": [],
             "frames": [], "frame_ix": {}, "strings": [], "string_ix": {},
             "stacks": [], "stack_ix": {}}
        threads[tid] = t
    t["name"] = comm
    return t


def intern(t, table, index, key, make):
    i = index.get(key)
    if i is None:
        i = len(table)
        table.append(make())
        index[key] = i
    return i


def process_event(param_dict):
    sample = param_dict["sample"]
    t = thread_of(sample["pid"], sample["tid"], param_dict["comm"])
    names = []
    chain = param_dict.get("callchain")
    if chain:
        for call in chain:
            if "sym" not in call:
                continue
            names.append("%s (in %s)" % (call["sym"]["name"], call.get("dso", "[unknown]")))
        names.reverse()
    else:
        names.append("%s (in %s)" % (param_dict.get("symbol", "[unknown]"),
                                     param_dict.get("dso", "[unknown]")))
    prefix = None
    for name in names:
        s = intern(t, t["strings"], t["string_ix"], name, lambda: name)
        f = intern(t, t["frames"], t["frame_ix"], name,
                   lambda: [s, False, 0, None, None, None, None, 0, None])
        prefix = intern(t, t["stacks"], t["stack_ix"], (prefix, f),
                        lambda: [prefix, f])
    if prefix is not None:
        t["samples"].append([prefix, sample["time"] / 1e6, 0])


def trace_end():
    out = []
    for t in threads.values():
        out.append({
            "tid": t["tid"], "pid": t["pid"], "name": t["name"],
            "markers": {"schema": {"name": 0, "startTime": 1, "endTime": 2,
                                   "phase": 3, "category": 4, "data": 5},
                        "data": []},
            "samples": {"schema": {"stack": 0, "time": 1, "responsiveness": 2},
                        "data": t["samples"]},
            "frameTable": {"schema": {"location": 0, "relevantForJS": 1,
                                      "innerWindowID": 2, "implementation": 3,
                                      "optimizations": 4, "line": 5, "column": 6,
                                      "category": 7, "subcategory": 8},
                           "data": t["frames"]},
            "stackTable": {"schema": {"prefix": 0, "frame": 1}, "data": t["stacks"]},
            "stringTable": t["strings"],
            "registerTime": 0, "unregisterTime": None, "processType": "default",
        })
    json.dump({"meta": {"interval": 1, "processType": 0, "product": "Linux",
                        "stackwalk": 1, "debug": 0, "gcpoison": 0, "asyncstack": 1,
                        "startTime": 0, "shutdownTime": None, "version": 24,
                        "presymbolicated": True, "markerSchema": []},
               "libs": [], "threads": out, "processes": [], "pausedRanges": []},
              sys.stdout, indent=2)
