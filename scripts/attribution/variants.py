import re, sys, tomllib
import os
# Usage: python3 scripts/attribution/variants.py [OUT]   (OUT defaults to /tmp/attr)
# Writes, for baseline and large-estate, the scenario with all of issue 19's mechanisms
# at their old settings (S-old), unchanged (S-cur), and with only mechanism K old (S-notK).
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = sys.argv[1] if len(sys.argv) > 1 else '/tmp/attr'
os.makedirs(OUT, exist_ok=True)
SRC = {'baseline': os.path.join(ROOT, 'scenarios/baseline.toml'), 'large': os.path.join(ROOT, 'scenarios/large-estate.toml')}

def sections(lines):
    # returns list of (start_idx, header) ; header None for top-level
    out=[(0,None)]
    for i,l in enumerate(lines):
        if re.match(r'^\s*\[', l):
            out.append((i,l.strip()))
    return out

def set_key(text, header, key, value):
    lines = text.split('\n')
    secs = sections(lines)
    for j,(start,h) in enumerate(secs):
        if h == header:
            end = secs[j+1][0] if j+1 < len(secs) else len(lines)
            body_start = start+1 if h else 0
            for i in range(body_start, end):
                if re.match(r'^\s*'+re.escape(key)+r'\s*=', lines[i]):
                    lines[i] = f'{key} = {value}'
                    return '\n'.join(lines)
            lines.insert(body_start, f'{key} = {value}')
            return '\n'.join(lines)
    # section missing: append
    lines += ['', header, f'{key} = {value}']
    return '\n'.join(lines)

def per_service(text, fn):
    # fn(service_block_lines) -> new lines
    lines = text.split('\n'); secs = sections(lines)
    out=[]; 
    bounds=[(s, secs[j+1][0] if j+1<len(secs) else len(lines), h) for j,(s,h) in enumerate(secs)]
    for s,e,h in bounds:
        block = lines[s:e]
        if h == '[[services]]':
            block = fn(block)
        out += block
    return '\n'.join(out)

def tier_rev(t):
    return 50000 if t>=0.9995 else 10000 if t>=0.999 else 2000 if t>=0.995 else 500

def m1(t):
    t = set_key(t, '[error_budget]', 'held_changes', '"dropped"')
    t = set_key(t, '[error_budget]', 'models', '["you-run", "you-and-sre-run", "sre-run", "ops-sometimes-run", "you-run-ops-monitors"]')
    return t
def m2(t):
    t = set_key(t, '[response]', 'queue', '"fifo"')
    return set_key(t, '[response]', 'swarm', 'false')
def m3(t):
    return set_key(t, '[workarounds]', 'on_conflict', '"keep"')
def m4(t):
    lines = t.split('\n'); secs = sections(lines)
    bounds=[(s, secs[j+1][0] if j+1<len(secs) else len(lines), h) for j,(s,h) in enumerate(secs)]
    out=[]
    for s,e,h in bounds:
        if h in ('[organisation]','[[journeys]]'): continue
        out += lines[s:e]
    t='\n'.join(out)
    def fn(block):
        tgt=None
        for l in block:
            m=re.match(r'^\s*availability_target\s*=\s*([0-9.]+)', l)
            if m: tgt=float(m.group(1))
        block=[l for l in block if not re.match(r'^\s*revenue_per_hour\s*=', l)]
        return [block[0], f'revenue_per_hour = {tier_rev(tgt)}'] + block[1:]
    return per_service(t, fn)
def m5(t):
    t = set_key(t, '[costs]', 'min_rota_size', '8')
    t = set_key(t, '[costs]', 'operational_load_basis', '"seat-time"')
    t = set_key(t, '[groups.sre]', 'concurrent_oncall', '2')
    t = set_key(t, '[groups.ops]', 'concurrent_oncall', '2')
    return set_key(t, '[you_run_ops_monitors]', 'charging', '"full"')
def m6(t):
    def fn(block):
        block=[l for l in block if not re.match(r'^\s*(support|rota)\s*=', l)]
        return [block[0], 'support = "24/7"', 'rota = "team"'] + block[1:]
    return per_service(t, fn)
def m7(t):
    t = set_key(t, None, 'horizon', '"13140h"')
    return set_key(t, None, 'warmup', '"4380h"')
MECH=[m1,m2,m3,m4,m5,m6,m7]
for name,src in SRC.items():
    base=open(src).read()
    variants={'cur': base}
    old=base
    for f in MECH: old=f(old)
    variants['old']=old
    for k,f in enumerate(MECH,1):
        variants[f'not{k}']=f(base)
    for v,t in variants.items():
        tomllib.loads(t)
        open(f'{OUT}/{name}-{v}.toml','w').write(t)
print('ok')
