import json, sys
a=[json.loads(l) for l in open(sys.argv[1])]
b=[json.loads(l) for l in open(sys.argv[2])]
assert len(a)==len(b), (len(a), len(b))
same=0; maxd=0.0; diffs=[]
margins=[]
for x,y in zip(a,b):
    assert x['id']==y['id']
    if x['model']==y['model']: same+=1
    else: diffs.append((x['id'], x['model'], y['model']))
    for m,p in x['distribution'].items():
        maxd=max(maxd, abs(p-y['distribution'][m]))
    ps=sorted(x['distribution'].values(), reverse=True)
    margins.append(ps[0]-ps[1])
margins.sort()
print(f"queries {len(a)}; same decision {same}; different {len(a)-same}; max |p_before - p_after| {maxd:.3e}; smallest top-1/top-2 margin before {margins[0]:.3e}")
for d in diffs[:10]: print("differs:", d)
