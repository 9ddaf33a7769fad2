import csv, re, math
import sys
# Usage: python3 scripts/attribution/tables.py [OUT] > docs/attribution-issue-19.md
D = sys.argv[1] if len(sys.argv) > 1 else '/tmp/attr'
MODELS=["you-run","you-and-sre-run","sre-run","ops-run","ops-sometimes-run","you-run-ops-monitors"]
SHORT={"you-run":"you-run","you-and-sre-run":"you-and-sre-run","sre-run":"sre-run","ops-run":"ops-run","ops-sometimes-run":"ops-sometimes-run","you-run-ops-monitors":"you-run-ops-monitors"}
def reps(v):
    r={}
    for row in csv.DictReader(open(f'{D}/{v}/replications.csv')):
        r[(row['model'],int(row['replication']))]=row
    return r
def ratings(v):
    out={}
    for l in open(f'{D}/{v}/comparison.md'):
        if l.startswith('| **') and '(simulated)' in l:
            cells=[c.strip() for c in l.strip().strip('|').split('|')]
            crit=re.match(r'\*\*(.*?)\*\*',cells[0]).group(1)
            for m,c in zip(MODELS,cells[1:]):
                out[(crit,m)]=re.match(r'\*\*(.*?)\*\*',c).group(1)+(' ✓' if '✓ agrees' in c else ' ✗' if '✗' in c else '')
    return out
def agree(v): return open(f'{D}/{v}/comparison.md').read().split('Agreement counts simulated cells only: ')[1].split('.')[0]
MECH={1:('Freezes defer held changes; one error-budget policy for all models','`[error_budget] held_changes = "dropped"`, `models = [all but "ops-run"]`'),
2:('Severity queue and swarming','`[response] queue = "fifo"`, `swarm = false`'),
3:('Workaround rule','`[workarounds] on_conflict = "keep"`'),
4:('Revenue by customer journey','no `[organisation]`/`[[journeys]]`; every service `revenue_per_hour` 50k/10k/2k/500 by tier (≥99.95/≥99.9/≥99.5/else)'),
5:('Staffing sized by load, symmetric','`[costs] min_rota_size = 8`, `operational_load_basis = "seat-time"`; `[groups.sre]`, `[groups.ops] concurrent_oncall = 2`; `[you_run_ops_monitors] charging = "full"`'),
6:('Support hours by tier; domain rotas','every service `support = "24/7"`, `rota = "team"`'),
7:('A steady start','`horizon = "13140h"`, `warmup = "4380h"`')}
METRICS=[('mttr_hours','MTTR (h)',1,'%+.2f'),('availability','availability (pp)',100,'%+.3f'),('cost_operating','operating (M)',1e-6,'%+.2f'),('cost_unreliability','unreliability (M)',1e-6,'%+.2f'),('cost_total','total (M)',1e-6,'%+.2f')]
def diff(a,b,m,k,sc):
    xs=[(float(a[(m,i)][k])-float(b[(m,i)][k]))*sc for i in range(200)]
    mu=sum(xs)/200; sd=math.sqrt(sum((x-mu)**2 for x in xs)/199); h=1.96*sd/math.sqrt(200)
    return mu,h
def cell(mu,h,f):
    s=f%mu
    if h<1e-12: return s+' (exact)' if abs(mu)>0 else '0'
    sig = abs(mu)>h
    return f'{s} ±{h:.3f}'.replace('±0.000','±<0.001')+('' if sig else ' (n.s.)')
out=[]
P=out.append
P('# Attribution of issue 19\'s mechanisms (baseline and large-estate, -n 200)\n')
P('Binary: `whoruns` (not rebuilt). Seed 42 (the scenarios\' own), 200 replications. '
  'Scenario variants are in `/tmp/attr/*.toml`, made by `scripts/attribution/variants.py` from `scenarios/baseline.toml` and '
  '`scenarios/large-estate.toml`; every variant passes `whoruns validate`. Tables by `scripts/attribution/tables.py`.\n')
P('Variants, for each scenario `S` in {baseline, large}:\n')
P('- `S-old`: all seven mechanisms at their old settings (as `legacy()` in `tests/it/legacy.rs`);')
P('- `S-cur`: the bundled scenario unchanged;')
P('- `S-notK` (K = 1..7): the bundled scenario with only mechanism K back at its old setting ("all but K").\n')
P('Commands:\n')
P('    python3 scripts/attribution/variants.py /tmp/attr')
P('    for f in /tmp/attr/*.toml; do whoruns validate $f; done')
P('    for f in /tmp/attr/*.toml; do n=$(basename $f .toml); whoruns run $f -n 200 -o /tmp/attr/$n -q --force; done')
P('    whoruns run /tmp/attr/baseline-old.toml -n 1000 -o /tmp/attr/baseline-old-1000 -q --force --no-report   # and large-old\n')
P('The old settings per mechanism:\n')
for k,(n,s) in MECH.items(): P(f'{k}. {n} — old: {s}')
P('\n**Check of (a).** `S-old` at `-n 1000` reproduces the old table in `docs/model.md` §11 to every printed digit '
  '(baseline: you-run 2.10 h, 99.907%, 0.50M / 3.32M / 3.82M; ops-run 3.99 h, 99.785%, 1.60M / 5.65M / 7.25M; large estate: ops-run 5.40 h, 99.706%, 0.27M / 7.90M / 8.17M; all other rows likewise).\n')
P('**How to read the effect tables.** Effect of mechanism K = (current) − ("all but K"), mean over the 200 paired replications '
  '(same seeds, so replication i of both variants shares its random numbers) ± the half-width of the paired 95% interval; '
  '"n.s." = the interval includes zero. Availability in percentage points. Effects are measured from the current scenario, so they '
  'include interactions with the other six mechanisms; they need not add up to current − all-old.\n')
for sc,label in [('baseline','scenarios/baseline.toml'),('large','scenarios/large-estate.toml')]:
    cur=reps(f'{sc}-cur'); old=reps(f'{sc}-old'); rc=ratings(f'{sc}-cur'); ro=ratings(f'{sc}-old')
    P(f'## {label}\n')
    P('### Levels: current (b) against all-old (a), -n 200\n')
    P('| model | MTTR cur / old (h) | availability cur / old | operating cur / old | unreliability cur / old | total cur / old | incidents cur / old |')
    P('|---|---|---|---|---|---|---|')
    def mean(r,m,k): return sum(float(r[(m,i)][k]) for i in range(200))/200
    for m in MODELS:
        P(f'| {m} | {mean(cur,m,"mttr_hours"):.2f} / {mean(old,m,"mttr_hours"):.2f} | {100*mean(cur,m,"availability"):.3f}% / {100*mean(old,m,"availability"):.3f}% | '
          f'{mean(cur,m,"cost_operating")/1e6:.2f}M / {mean(old,m,"cost_operating")/1e6:.2f}M | {mean(cur,m,"cost_unreliability")/1e6:.2f}M / {mean(old,m,"cost_unreliability")/1e6:.2f}M | '
          f'{mean(cur,m,"cost_total")/1e6:.2f}M / {mean(old,m,"cost_total")/1e6:.2f}M | {mean(cur,m,"incidents"):.1f} / {mean(old,m,"incidents"):.1f} |')
    P(f'\nChapter agreement (simulated cells): current {agree(sc+"-cur")}; all old {agree(sc+"-old")}. Ratings that differ (all old → current):\n')
    for key in rc:
        if rc[key]!=ro[key]: P(f'- {key[0]}, `{key[1]}`: {ro[key]} → **{rc[key]}**')
    P('')
    for k in range(1,8):
        v=reps(f'{sc}-not{k}'); rv=ratings(f'{sc}-not{k}')
        P(f'### {k}. {MECH[k][0]} ({label.split("/")[1]})\n')
        P('| model | '+' | '.join(n for _,n,_,_ in METRICS)+' |'); P('|---'*(1+len(METRICS))+'|')
        for m in MODELS:
            P(f'| {m} | '+' | '.join(cell(*diff(cur,v,m,key,sc_),f) for key,n,sc_,f in METRICS)+' |')
        ch=[f'- {key[0]}, `{key[1]}`: {rv[key]} (mechanism {k} off) → **{rc[key]}** (current)' for key in rc if rc[key]!=rv[key]]
        P(f'\nChapter agreement with {k} off: {agree(sc+"-not"+str(k))} (current {agree(sc+"-cur")}). ' + ('Ratings that change:' if ch else 'No chapter rating changes.'))
        for c in ch: P(c)
        P('')
open('/tmp/attr/attribution-body.md','w').write('\n'.join(out))
