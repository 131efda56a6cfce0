"""Splits an imported RouterDC file into train/test JSONL whose `scores` are RouterDC's metric (score > 0 -> 1 for
the multiple-choice tasks, the stored fraction for the code/maths-sampling ones) and whose `rewards` stay raw.
Usage: python3 binarise.py /tmp/rdc.jsonl /tmp/rdcb-train.jsonl /tmp/rdcb-test.jsonl"""
import json
import sys

MC = {'mmlu', 'cmmlu', 'arc_challenge', 'arc_easy', 'ceval', 'MATH_prealgebra'}
src, train, test = sys.argv[1:4]
with open(train, 'w') as tr, open(test, 'w') as te:
    for line in open(src):
        r = json.loads(line)
        r['scores'] = {m: (1.0 if v > 0 else 0.0) if r['subset'] in MC else v for m, v in r['rewards'].items()}
        (tr if r['split'] == 'train' else te).write(json.dumps(r, ensure_ascii=False) + '\n')
