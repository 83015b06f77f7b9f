#!/usr/bin/env python3
"""PyTorch mirror of `make bench`'s training steps, for the ratios bench.ts prints.

Reads a JSON list of {"name": ..., "spec": ...} from stdin (the shapes of each step, from
src/bench/training.ts's TorchSpec), builds random data of exactly those shapes and times the
same computation: the same MLPs (tanh hidden layers), the same losses, global-norm gradient
clipping at 1 and Adam. Prints one JSON object: {"torch": version, "threads": n,
"blas": ..., "rates": {name: steps per second}}.

Differences from the project's steps, on purpose: inputs are random numbers of the right
shapes (not the world's features), and the policy's input features are built once outside the
timed step (bench.ts's DPO step re-encodes its batch in JavaScript every step). Timing: the
median of 5 rounds of at least 250 ms of process CPU time, after 2 warm-up calls, as in
bench.ts (CPU time is steadier than wall time on a shared machine; one thread, like wasm).

Only run by scripts/bench.ts when Debian's python3-torch is importable; never by the tests.
"""
import json
import os
import re
import sys
import time

import torch
import torch.nn.functional as F


def mlp(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i + 2 < len(sizes):
            layers.append(torch.nn.Tanh())
    return torch.nn.Sequential(*layers)


def optimizer_step(opt, params, loss):
    opt.zero_grad(set_to_none=True)
    loss.backward()
    norm = torch.nn.utils.clip_grad_norm_(params, 1.0)
    opt.step()
    return loss.item(), float(norm)


def features(rows, dim, gen):
    """One-hot-like sparse rows (three ones per row), as the token policy's inputs are."""
    x = torch.zeros(rows, dim)
    idx = torch.randint(0, dim, (rows, 3), generator=gen)
    x.scatter_(1, idx, 1.0)
    return x


def dpo_step_fn(spec, gen):
    d, v = spec["inputDim"], spec["vocab"]
    net = mlp([d] + spec["hidden"] + [v])
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    lengths = spec["lengths"]
    rows = sum(lengths)
    n2 = len(lengths)
    n = n2 // 2
    x = features(rows, d, gen)
    tok = torch.randint(0, v, (rows,), generator=gen)
    seg = torch.repeat_interleave(torch.arange(n2), torch.tensor(lengths))
    ref = torch.randn(n2, generator=gen) * 5 - 10
    params = list(net.parameters())

    def step():
        logp = F.log_softmax(net(x), dim=1).gather(1, tok[:, None]).squeeze(1)
        seq = torch.zeros(n2).index_add(0, seg, logp)
        margin = (seq[:n] - ref[:n]) - (seq[n:] - ref[n:])
        loss = -F.logsigmoid(0.1 * margin).mean()
        with torch.no_grad():
            _acc = (margin > 0).float().mean().item()
        optimizer_step(opt, params, loss)

    return step


def ppo_step_fn(spec, gen):
    d, v, b, t = spec["inputDim"], spec["vocab"], spec["batch"], spec["maxLen"]
    pol = mlp([d] + spec["hidden"] + [v])
    ref = mlp([d] + spec["hidden"] + [v])
    ref.load_state_dict(pol.state_dict())
    val = mlp([d] + spec["valueHidden"] + [1])
    params = list(pol.parameters()) + list(val.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    ctx = features(b, d, gen)  # context and state part of each sequence's rows

    def step():
        # Rollout: one forward pass per position over the still-active sequences.
        active = torch.arange(b)
        toks, seqs, poss = [], [], []
        with torch.no_grad():
            for pos in range(t):
                if len(active) == 0:
                    break
                x = ctx[active].clone()
                x[:, d - t + pos] = 1.0
                p = F.softmax(pol(x), dim=1)
                tk = torch.multinomial(p, 1, generator=gen).squeeze(1)
                toks.append(tk)
                seqs.append(active)
                poss.append(torch.full_like(active, pos))
                active = active[tk != 0]
            tok = torch.cat(toks)
            seq = torch.cat(seqs)
            pos = torch.cat(poss)
            order = torch.argsort(seq * t + pos)
            tok, seq, pos = tok[order], seq[order], pos[order]
            x = ctx[seq].clone()
            x[torch.arange(len(seq)), d - t + pos] = 1.0
            old_lp = F.log_softmax(pol(x), 1).gather(1, tok[:, None]).squeeze(1)
            ref_lp = F.log_softmax(ref(x), 1).gather(1, tok[:, None]).squeeze(1)
            old_v = val(x).squeeze(1)
            # Per-token rewards (−β·KL, plus the sequence's length at its last token), GAE.
            r = -0.1 * (old_lp - ref_lp)
            lengths = torch.bincount(seq, minlength=b)
            last = torch.cumsum(lengths, 0) - 1
            r[last] += lengths.float()
            adv = torch.zeros_like(r)
            rv, vv = r.tolist(), old_v.tolist()
            out = [0.0] * len(rv)
            start = 0
            for L in lengths.tolist():
                gae, nxt = 0.0, 0.0
                for i in range(start + L - 1, start - 1, -1):
                    delta = rv[i] + nxt - vv[i]
                    gae = delta + 0.95 * gae
                    out[i] = gae
                    nxt = vv[i]
                start += L
            adv = torch.tensor(out)
            ret = adv + old_v
        # 2 epochs × 2 minibatches of half the sequences each.
        half = b // 2
        for _ in range(spec["epochs"]):
            for m in range(spec["minibatches"]):
                mask = (seq >= m * half) & (seq < (m + 1) * half)
                xs, ts = x[mask], tok[mask]
                logits = pol(xs)
                lps = F.log_softmax(logits, 1)
                lp = lps.gather(1, ts[:, None]).squeeze(1)
                ratio = torch.exp(lp - old_lp[mask])
                a = adv[mask]
                pl = torch.max(-a * ratio, -a * torch.clamp(ratio, 0.8, 1.2)).mean()
                vpred = val(xs).squeeze(1)
                vclip = old_v[mask] + torch.clamp(vpred - old_v[mask], -0.2, 0.2)
                vl = 0.5 * torch.max((vpred - ret[mask]) ** 2, (vclip - ret[mask]) ** 2).mean()
                ent = -(lps.exp() * lps).sum(1).mean()
                loss = pl + 0.5 * vl - 0.0 * ent
                optimizer_step(opt, params, loss)

    return step


def rm_step_fn(spec, gen):
    dim, n = spec["dim"], spec["batch"]
    net = mlp([dim] + spec["hidden"] + [1])
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    a = torch.randn(n, dim, generator=gen)
    b = torch.randn(n, dim, generator=gen)
    y = torch.randint(0, 2, (n,), generator=gen).float()
    params = list(net.parameters())
    weights = [p for name, p in net.named_parameters() if name.endswith("weight")]

    def step():
        ra, rb = net(a).squeeze(1), net(b).squeeze(1)
        loss = F.binary_cross_entropy_with_logits(ra - rb, y) + 1e-4 * sum((w**2).sum() for w in weights)
        with torch.no_grad():
            _acc = ((ra > rb) == (y > 0.5)).float().mean().item()
        optimizer_step(opt, params, loss)

    return step


def measure(run, rounds=5, min_s=0.25, warmup=2):
    for _ in range(warmup):
        run()
    rates = []
    for _ in range(rounds):
        n, t0 = 0, time.process_time()
        while True:
            run()
            n += 1
            dt = time.process_time() - t0
            if dt >= min_s:
                break
        rates.append(n / dt)
    rates.sort()
    return rates[len(rates) // 2]


def loaded_blas():
    """The BLAS library file mapped into this process (from /proc/self/maps), or None."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "/" in line}
    except OSError:
        return None
    hits = sorted(p for p in paths if re.search(r"lib(open)?blas", os.path.basename(p)))
    return ", ".join(os.path.realpath(p) for p in hits) or None


def main():
    threads = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 1
    torch.set_num_threads(threads)
    gen = torch.Generator().manual_seed(1)
    torch.manual_seed(1)
    makers = {"dpo": dpo_step_fn, "ppo": ppo_step_fn, "rm": rm_step_fn}
    rates = {}
    for job in json.load(sys.stdin):
        rates[job["name"]] = measure(makers[job["spec"]["kind"]](job["spec"], gen))
    m = re.search(r"BLAS_INFO=([^,\s]*)", torch.__config__.show())
    blas = m.group(1) if m else "unknown"
    # Debian's torch uses whichever libblas.so.3 the loader finds (the alternatives system's
    # choice, or LD_LIBRARY_PATH's): name the one this process actually mapped.
    loaded = loaded_blas()
    if loaded:
        blas += f" ({loaded})"
    print(json.dumps({"torch": torch.__version__, "threads": threads, "blas": blas, "rates": rates}))


if __name__ == "__main__":
    main()
