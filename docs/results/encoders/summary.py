import json, os, sys
ID = ['mmlu', 'gsm8k', 'cmmlu', 'arc_challenge', 'humaneval']
OOD = ['MATH_prealgebra', 'mbpp', 'ceval']
root = os.path.dirname(os.path.abspath(__file__))
encs = sys.argv[1:]
def row(path, method):
    d = json.load(open(path))['methods']
    if method == 'best single':
        # best single model on the mean of the group (chosen per group, as the reference numbers)
        singles = [k for k in d if '/' in k and not k.startswith('bma')]
        out = []
        for g in (ID, OOD):
            out.append(max(sum(d[s]['subsets'][t] for t in g) / len(g) for s in singles))
        return out + [None]
    s = d[method]['subsets']
    return [sum(s[t] for t in ID) / len(ID), sum(s[t] for t in OOD) / len(OOD), s['javascript']]
print('| encoder | run | method | ID (5) | OOD (3) | javascript | mmlu | gsm8k | cmmlu | arc_c | humaneval | MATH_pre | mbpp | ceval |')
print('|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
for e in encs:
    tag = e.replace('+', '_')
    for run, label in (('rdc', 'raw (suite routerdc)'), ('bin', 'binarised')):
        p = f'{root}/{tag}-{run}/results.json'
        if not os.path.exists(p):
            continue
        d = json.load(open(p))['methods']
        for m in ('zooter', 'knn'):
            r = row(p, m)
            s = d[m]['subsets']
            print(f'| {e} | {label} | {m} | {100*r[0]:.2f} | {100*r[1]:.2f} | {100*r[2]:.2f} | ' + ' | '.join(f'{100*s[t]:.2f}' for t in ID + OOD) + ' |')
        if e == encs[0]:
            r = row(p, 'best single')
            print(f'| – | {label} | best single (per group) | {100*r[0]:.2f} | {100*r[1]:.2f} | | | | | | | | | |')
