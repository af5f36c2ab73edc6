#!/usr/bin/env python3
# Rewrites a Gecko profile (JSON) in the Firefox Profiler's processed
# format, as profiler.firefox.com saves it and samply writes it, following
# the profiler's src/types/profile.ts and processed-profile-versioning:
# tables as objects of columns with a "length".  Used to make test and
# bench inputs from real recordings.  Usage:
#   python3 tests/ref/gecko-to-processed.py [OPTIONS] IN.json > OUT.json
# Options:
#   --version N       preprocessedProfileVersion: up to 55 each thread has
#                     its tables and "stringArray" (before: "stringTable"
#                     up to 29), 56-59 strings in shared.stringArray, 60
#                     and later the stack, frame and function tables too
#                     (default 55)
#   --samples-last    the samples after the tables (default: first)
#   --weights TYPE    collapse runs of equal stacks into one sample with a
#                     weight: TYPE samples, tracing-ms (1.25 ms a sample)
#                     or bytes (4096 a sample); weight before stack unless
#                     --weight-last
#   --weight-last     the weight column after the stack column
#   --repeat N        every sample N times (bench inputs)
import gzip
import json
import sys

args = sys.argv[1:]
path = args.pop()


def opt(name, default=None):
    if name in args:
        return args[args.index(name) + 1]
    return default


version = int(opt('--version', '55'))
wtype = opt('--weights')
repeat = int(opt('--repeat', '1'))
opener = gzip.open if open(path, 'rb').read(2) == b'\x1f\x8b' else open
gecko = json.load(opener(path, 'rt', encoding='utf-8'))
if 'profile' in gecko and 'threads' not in gecko:
    gecko = gecko['profile']


def gecko_rows(table):
    s = table['schema']
    return [{k: (r[i] if i < len(r) else None) for k, i in s.items()} for r in table['data']]


shared_strings, shared_index = [], {}
shared_tables = {'stackTable': {'frame': [], 'prefix': [], 'length': 0},
                 'frameTable': {'func': [], 'line': [], 'length': 0},
                 'funcTable': {'name': [], 'isJS': [], 'resource': [], 'length': 0}}


def make_thread(t):
    strings, index = (shared_strings, shared_index) if version >= 56 else ([], {})

    def intern(s):
        if s not in index:
            index[s] = len(strings)
            strings.append(s)
        return index[s]

    gstr = t['stringTable']
    if version >= 60:
        st, ft, fn = (shared_tables[k] for k in ('stackTable', 'frameTable', 'funcTable'))
    else:
        st = {'frame': [], 'prefix': [], 'length': 0}
        ft = {'func': [], 'line': [], 'length': 0}
        fn = {'name': [], 'isJS': [], 'resource': [], 'length': 0}
    soff, foff = st['length'], ft['length']
    func_of = {}
    for fr in gecko_rows(t['frameTable']):
        name = gstr[fr['location']]
        if name not in func_of:
            func_of[name] = fn['length']
            fn['name'].append(intern(name))
            fn['isJS'].append(False)
            fn['resource'].append(-1)
            fn['length'] += 1
        ft['func'].append(func_of[name])
        ft['line'].append(fr.get('line'))
        ft['length'] += 1
    for s in gecko_rows(t['stackTable']):
        st['frame'].append(s['frame'] + foff)
        st['prefix'].append(None if s['prefix'] is None else s['prefix'] + soff)
        st['length'] += 1
    stacks, times = [], []
    for s in gecko_rows(t['samples']):
        for _ in range(repeat):
            stacks.append(None if s['stack'] is None else s['stack'] + soff)
            times.append(s.get('time'))
    samples = {'weightType': wtype or 'samples'}
    weights = None
    if wtype:
        unit = {'samples': 1, 'tracing-ms': 1.25, 'bytes': 4096}[wtype]
        cs, ct, weights = [], [], []
        for s, tm in zip(stacks, times):
            if cs and cs[-1] == s:
                weights[-1] += unit
            else:
                cs.append(s)
                ct.append(tm)
                weights.append(unit)
        stacks, times = cs, ct
    if '--weight-last' not in args:
        samples['weight'] = weights
    samples['stack'] = stacks
    samples['time'] = times
    if '--weight-last' in args:
        samples['weight'] = weights
    samples['length'] = len(stacks)
    out = {'name': t.get('name', ''), 'processName': t.get('processName', t.get('name', '')),
           'pid': str(t.get('pid', '')), 'tid': t.get('tid'), 'processType': 'default',
           'isMainThread': False, 'markers': {'data': [], 'name': [], 'startTime': [],
                                               'endTime': [], 'phase': [], 'category': [],
                                               'length': 0}}
    if '--samples-last' not in args:
        out['samples'] = samples
    if version < 60:
        out['stackTable'] = st
        out['frameTable'] = ft
        out['funcTable'] = fn
    if version < 56:
        out['stringTable' if version < 30 else 'stringArray'] = strings
    if '--samples-last' in args:
        out['samples'] = samples
    return out


def threads(p):
    for t in p.get('threads', []):
        yield t
    for sub in p.get('processes', []) or []:
        yield from threads(sub)


doc = {'meta': {'interval': 1, 'startTime': 0, 'processType': 0, 'product': 'pf test',
                'stackwalk': 1, 'version': 27, 'preprocessedProfileVersion': version,
                'categories': [{'name': 'Other', 'color': 'grey', 'subcategories': ['Other']}],
                'markerSchema': []},
       'libs': []}
doc['threads'] = [make_thread(t) for t in threads(gecko)]
if version >= 56:
    doc['shared'] = {'stringArray': shared_strings}
    if version >= 60:
        doc['shared'].update(shared_tables)
json.dump(doc, sys.stdout, separators=(',', ':'))
