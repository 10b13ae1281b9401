#!/usr/bin/env python3
"""Scores the metadata and topics of an index of ../shared/real-itu against hand-made labels.

Usage (from the repository top):
  dotnet run --project src/Search.Host -- ingest ../shared/real-itu --index /tmp/real-itu --skip-semantic
  dotnet run --project src/Search.Host -- export --index /tmp/real-itu > /tmp/real-itu.jsonl
  python3 tools/score-real-itu.py /tmp/real-itu.jsonl [--labels tests/Search.Core.Tests/Ingestion/RealItu/labels.tsv] [--details]

Per field: labelled (files whose label gives a value), found (the product gave a value), right,
wrong (a value that is not the label's), missing. Titles compare letters and digits only (ITU's
non-breaking hyphens and spaces differ between readers); approval compares the month (and the day
when the label has one). Topics: per-topic true/false positives and negatives, precision, recall.
"""
import json, re, sys, argparse

def norm(s):
    return re.sub(r'[^0-9a-z]', '', (s or '').lower())

def load_labels(path):
    rows = []
    with open(path, encoding='utf-8') as f:
        lines = [l.rstrip('\n') for l in f if not l.startswith('#')]
    header = lines[0].split('\t')
    for line in lines[1:]:
        if line.strip():
            rows.append(dict(zip(header, line.split('\t'))))
    return rows

def approval_of(meta):
    rec = meta.get('recommendation') or {}
    return rec.get('approval') or meta.get('date')

def main():
    p = argparse.ArgumentParser()
    p.add_argument('export')
    p.add_argument('--labels', default='tests/Search.Core.Tests/Ingestion/RealItu/labels.tsv')
    p.add_argument('--details', action='store_true')
    a = p.parse_args()
    labels = load_labels(a.labels)
    docs = {}
    with open(a.export, encoding='utf-8') as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                docs[d['id']] = d
    fields = ['kind', 'number', 'title', 'approval', 'group', 'period']
    stats = {k: dict(labelled=0, found=0, right=0, wrong=0, missing=0) for k in fields}
    problems = []
    topics = ['counterfeit', 'iot', 'quantum']
    tstats = {t: dict(tp=0, fp=0, fn=0) for t in topics}
    for lab in labels:
        d = docs.get(lab['file'])
        if d is None:
            problems.append(f"{lab['file']}: not in the export")
            continue
        m = d['metadata']
        got = {
            'kind': m.get('kind'),
            'number': m.get('number'),
            'title': m.get('title'),
            'approval': approval_of(m),
            'group': m.get('group'),
            'period': m.get('studyPeriod'),
        }
        for k in fields:
            want = lab[k]
            if not want:
                continue
            s = stats[k]
            s['labelled'] += 1
            g = got[k]
            if not g:
                s['missing'] += 1
                problems.append(f"{lab['file']}: {k} missing (want {want!r})")
                continue
            s['found'] += 1
            if k == 'title':
                ok = norm(g) == norm(want) or (norm(g).startswith(norm(want)) and len(norm(g)) - len(norm(want)) <= 40)
            elif k == 'approval':
                ok = g[:len(want)] == want
            else:
                ok = g == want
            if ok:
                s['right'] += 1
            else:
                s['wrong'] += 1
                problems.append(f"{lab['file']}: {k} {g!r} (want {want!r})")
        want_topics = set(t for t in lab['topics'].split(',') if t)
        got_topics = set(d.get('topics') and [t['topic'] if isinstance(t, dict) else t for t in d['topics']] or [])
        for t in topics:
            if t in got_topics and t in want_topics: tstats[t]['tp'] += 1
            elif t in got_topics: tstats[t]['fp'] += 1; problems.append(f"{lab['file']}: false topic {t}")
            elif t in want_topics: tstats[t]['fn'] += 1; problems.append(f"{lab['file']}: missed topic {t}")
    print(f"files labelled: {len(labels)}, in the export: {sum(1 for l in labels if l['file'] in docs)}")
    print()
    print("| field | labelled | found | right | wrong | missing |")
    print("| --- | --- | --- | --- | --- | --- |")
    for k in fields:
        s = stats[k]
        print(f"| {k} | {s['labelled']} | {s['found']} | {s['right']} | {s['wrong']} | {s['missing']} |")
    print()
    print("| topic | true pos. | false pos. | false neg. | precision | recall |")
    print("| --- | --- | --- | --- | --- | --- |")
    for t in topics:
        s = tstats[t]
        prec = s['tp'] / (s['tp'] + s['fp']) if s['tp'] + s['fp'] else float('nan')
        rec = s['tp'] / (s['tp'] + s['fn']) if s['tp'] + s['fn'] else float('nan')
        print(f"| {t} | {s['tp']} | {s['fp']} | {s['fn']} | {prec:.2f} | {rec:.2f} |")
    if a.details:
        print()
        for pr in problems:
            print(pr)

if __name__ == '__main__':
    main()
