#!/usr/bin/python3
"""Checks `rnnlab grads` against PyTorch: loads the parameters into torch.nn.RNN/LSTM/GRU +
nn.Linear with no reshaping, runs the same batch, and compares the hidden states, the loss,
dL/dh_t, every parameter gradient, the gradient itemised by loss term (itemised.npy, and
itemised_first.npy for the first sample) and
the first sample's output-input Jacobian norms (connectivity.npy). Needs Debian's python3-torch.
Usage: bench/check_pytorch.py RNNLAB_BINARY"""
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import torch
except ImportError:
    print("PyTorch is not installed (scripts/deps.sh --bench installs it): skipped")
    sys.exit(77)

torch.set_default_dtype(torch.float64)
BIN = sys.argv[1] if len(sys.argv) > 1 else "build/rnnlab"
NAMES = ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]


def grads_dump(settings, d):
    """Runs `rnnlab grads` into d; returns its configuration and a loader of its arrays."""
    args = [BIN, "grads", "--out", d]
    for s in settings:
        args += ["--set", s]
    subprocess.run(args, check=True)
    cfg = dict(line.strip().split("=", 1) for line in open(os.path.join(d, "config.txt")))
    return cfg, lambda n: torch.from_numpy(np.load(os.path.join(d, n + ".npy")))


def loss_of(cfg, pred, y, O):
    if cfg["loss"] == "mse":
        return torch.nn.functional.mse_loss(pred, y)
    return torch.nn.functional.cross_entropy(pred.reshape(-1, O), y.reshape(-1))


def report(settings, pairs):
    """Fails on the first (name, torch value, rnnlab value) that differs; prints the worst."""
    worst = 0.0
    for name, a, b in pairs:
        e = (a - b).norm().item() / max(a.norm().item(), b.norm().item(), 1e-300)
        worst = max(worst, e)
        if e > 1e-12:
            raise SystemExit(f"{settings}: {name} differs from PyTorch: relative error {e:.3g}")
    print(f"{' '.join(settings):45s} matches PyTorch {torch.__version__}: worst relative error {worst:.2e}")


def itemised_and_connectivity(cfg, ld, pred, y, O, hs, xs, every):
    """itemised.npy and connectivity.npy by autograd: L_s is loss term s's part of the mean
    loss (its per-element losses summed over the batch, over the number of them all); the
    Jacobian of the first sample's output at s with respect to each x_t, row by row."""
    if cfg["loss"] == "mse":
        el = torch.nn.functional.mse_loss(pred, y, reduction="none")
    else:
        el = torch.nn.functional.cross_entropy(pred.reshape(-1, O), y.reshape(-1), reduction="none")
    S, n = pred.shape[0] if every else 1, el.numel()
    el = el.reshape(S, -1)
    item, first, conn = torch.zeros(S, len(hs)), torch.zeros(S, len(hs)), torch.zeros(S, len(hs))
    for s in range(S):
        gs = torch.autograd.grad(el[s].sum() / n, hs, retain_graph=True, allow_unused=True)
        item[s] = torch.stack([g.norm() if g is not None else torch.tensor(0.0) for g in gs])
        first[s] = torch.stack([g.reshape(-1, g.shape[-1])[0].norm() if g is not None else torch.tensor(0.0) for g in gs])
        ys = pred[s, 0] if every else pred[0]
        for k in range(O):
            gx = torch.autograd.grad(ys[k], xs, retain_graph=True, allow_unused=True)
            gx = torch.cat([(g if g is not None else torch.zeros_like(x))[:, 0, :].pow(2).sum(1)
                            for g, x in zip(gx, xs)])
            conn[s] += gx
    return [("itemised ||dL_s/dh_t||", item, ld("itemised")),
            ("itemised_first ||dL_s/dh_t[0]||", first, ld("itemised_first")),
            ("connectivity ||dy_s/dx_t||", conn.sqrt(), ld("connectivity"))]


def grad_of(v):
    """v.grad; zero where no loss term reaches v (a chunk before a last-step-only loss)."""
    return v.grad if v.grad is not None else torch.zeros_like(v)


def make(cfg, I, H):
    if cfg["model"] == "rnn":
        return torch.nn.RNN(I, H, nonlinearity=cfg["activation"])
    return {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cfg["model"]](I, H)


def check_seq2seq(settings):
    """encoder.* and decoder.* load into two PyTorch layers; the encoder's final state
    starts the decoder, fed x_decoder.npy (teacher forcing)."""
    with tempfile.TemporaryDirectory() as d:
        cfg, ld = grads_dump(settings, d)
        x, xd, y = ld("x").requires_grad_(), ld("x_decoder").requires_grad_(), ld("y")
        H, O = int(cfg["hidden"]), ld("head.weight").shape[0]
        enc, dec, head = make(cfg, x.shape[2], H), make(cfg, xd.shape[2], H), torch.nn.Linear(H, O)
        enc.load_state_dict({k: ld("encoder." + k) for k in NAMES})
        dec.load_state_dict({k: ld("decoder." + k) for k in NAMES})
        head.load_state_dict({"weight": ld("head.weight"), "bias": ld("head.bias")})
        state, hs = None, []
        for layer, inp in ((enc, x), (dec, xd)):
            for t in range(inp.shape[0]):
                _, state = layer(inp[t:t + 1], state)
                h = state[0] if cfg["model"] == "lstm" else state
                h.retain_grad()
                hs.append(h)
        T = x.shape[0]
        pred = head(torch.cat(hs[T:]))
        loss = loss_of(cfg, pred, y, O)
        loss.backward(retain_graph=True)
        pairs = [("h", torch.cat(hs).detach(), ld("h")), ("loss", loss.detach(), ld("loss")),
                 ("dL/dh_t (encoder, then decoder)", torch.cat([h.grad for h in hs]), ld("dh")),
                 ("grad.head.weight", head.weight.grad, ld("grad.head.weight"))]
        for prefix, layer in (("encoder.", enc), ("decoder.", dec)):
            pairs += [("grad." + prefix + k, getattr(layer, k).grad, ld("grad." + prefix + k)) for k in NAMES]
        pairs += itemised_and_connectivity(cfg, ld, pred, y, O, hs, [x, xd], True)
        report(settings, pairs)


def check(settings):
    with tempfile.TemporaryDirectory() as d:
        cfg, ld = grads_dump(settings, d)
        x, y = ld("x").requires_grad_(), ld("y")
        I, H = x.shape[2], int(cfg["hidden"])
        O = ld("head.weight").shape[0]
        rnn = make(cfg, I, H)
        head = torch.nn.Linear(H, O)
        rnn.load_state_dict({k: ld(k) for k in NAMES})
        head.load_state_dict({"weight": ld("head.weight"), "bias": ld("head.bias")})
        # Step by step, so that each h_t is one tensor feeding both the head and the next
        # step: its .grad is then the total dL/dh_t, the recurrent path included.
        # truncate_mode=chunk is TBPTT in chunks of K steps: the state carried into each
        # chunk is detached (h.detach(), and c for the LSTM), so no gradient crosses back.
        K = int(cfg["truncate"]) if cfg.get("truncate_mode") == "chunk" else 0
        state, hs, cs = None, [], []
        for t in range(x.shape[0]):
            if K and t and t % K == 0:
                state = tuple(s.detach() for s in state) if cfg["model"] == "lstm" else state.detach()
            _, state = rnn(x[t:t + 1], state)
            h = state[0] if cfg["model"] == "lstm" else state
            h.retain_grad()
            hs.append(h)
        out = torch.cat(hs)
        if cfg["shape"] in ("many-to-one", "one-to-one"):
            pred = head(hs[-1][0])
        else:
            pred = head(out)
        loss = loss_of(cfg, pred, y, O)
        loss.backward(retain_graph=True)  # the graph again for itemised and connectivity
        pairs = []
        whole, _ = rnn(x)  # the one-call forward agrees with the unrolled one

        if cfg["model"] == "lstm":
            # nn.LSTM returns c_t as a separate output, whose .grad misses the path through
            # h_t = o tanh(c_t); unroll PyTorch's equations by hand to get the total dL/dc_t.
            B = x.shape[1]
            hh, cc, mh = torch.zeros(B, H), torch.zeros(B, H), []
            W = {k: ld(k).requires_grad_() for k in NAMES}
            for t in range(x.shape[0]):
                if K and t and t % K == 0:
                    hh, cc = hh.detach(), cc.detach()
                z = x[t] @ W["weight_ih_l0"].T + W["bias_ih_l0"] + hh @ W["weight_hh_l0"].T + W["bias_hh_l0"]
                i, f, g, o = z.chunk(4, dim=1)
                cc = torch.sigmoid(f) * cc + torch.sigmoid(i) * torch.tanh(g)
                cc.retain_grad()
                cs.append(cc)
                hh = torch.sigmoid(o) * torch.tanh(cc)
                mh.append(hh)
            mpred = head(mh[-1]) if cfg["shape"] in ("many-to-one", "one-to-one") else head(torch.stack(mh))
            mloss = loss_of(cfg, mpred, y, O)
            hw, hb = head.weight.grad.clone(), head.bias.grad.clone()
            mloss.backward()
            head.weight.grad, head.bias.grad = hw, hb
            pairs.append(("h (by hand)", torch.stack(mh).detach(), ld("h")))
        pairs += [("h", out.detach(), ld("h")), ("h (one call)", whole.detach(), ld("h")),
                  ("loss", loss.detach(), ld("loss")), ("dL/dh_t", torch.cat([grad_of(h) for h in hs]), ld("dh"))]
        if cs:
            pairs += [("c", torch.stack(cs).detach(), ld("c")),
                      ("dL/dc_t", torch.stack([grad_of(c) for c in cs]), ld("dc"))]
        pairs += [("grad." + k, getattr(rnn, k).grad, ld("grad." + k)) for k in NAMES]
        pairs += [("grad.head.weight", head.weight.grad, ld("grad.head.weight")),
                  ("grad.head.bias", head.bias.grad, ld("grad.head.bias"))]
        # after the .grad reads: autograd.grad also runs the retained h_t's hooks
        extra = itemised_and_connectivity(cfg, ld, pred, y, O, hs, [x],
                                          cfg["shape"] not in ("many-to-one", "one-to-one"))
        # connectivity is the model's Jacobian (full BPTT): with chunks, this graph's
        # detached states cut it, so it is compared in the unchunked cases only
        pairs += [e for e in extra if not (K and e[0].startswith("connectivity"))]
        report(settings, pairs)


for model in ["model=rnn activation=tanh", "model=rnn activation=relu", "model=lstm", "model=gru"]:
    for task in ["task=adding", "task=echo", "task=xor seq_len=1", "task=wave seq_len=9", "task=charlm seq_len=11"]:
        extra = task.split()
        if len(extra) == 1:
            extra.append("seq_len=13")
        check(model.split() + extra + ["hidden=7", "batch=3", "seed=5"])
    check_seq2seq(model.split() + ["task=reverse", "seq_len=6", "hidden=7", "batch=3", "seed=5"])

# Truncated BPTT in chunks of 5 steps: 13 steps are chunks of 5, 5 and 3, 11 of 5, 5 and 1.
for model in ["model=rnn activation=tanh", "model=lstm", "model=gru"]:
    for task in ["task=adding seq_len=13", "task=echo seq_len=13", "task=charlm seq_len=11"]:
        check(model.split() + task.split() + ["truncate=5", "truncate_mode=chunk", "hidden=7", "batch=3", "seed=5"])
