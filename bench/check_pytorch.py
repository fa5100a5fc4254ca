#!/usr/bin/python3
"""Checks `rnnlab grads` against PyTorch: loads the parameters into torch.nn.RNN/LSTM/GRU
(num_layers=L) + nn.Linear with no reshaping, runs the same batch, and compares the hidden
states, the loss, dL/dh_t of every layer, every parameter gradient, the gradient itemised by
loss term (itemised.npy, and itemised_first.npy for the first sample) and the first sample's
output-input Jacobian norms (connectivity.npy). Needs Debian's python3-torch.
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


def names(L):
    """PyTorch's parameter names of an L-layer module, layer by layer."""
    return [n[:-1] + str(l) for l in range(L) for n in NAMES]


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
        if a.shape != b.shape:  # no broadcasting past a wrong shape
            raise SystemExit(f"{settings}: {name} has shape {tuple(b.shape)}, PyTorch's {tuple(a.shape)}")
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


def make(cfg, I, H, L=1):
    if cfg["model"] == "rnn":
        return torch.nn.RNN(I, H, num_layers=L, nonlinearity=cfg["activation"])
    return {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cfg["model"]](I, H, num_layers=L)


def stack(cfg, ld, prefix, I, H, L):
    """The saved stack loaded, with no reshaping, into one nn.RNN/LSTM/GRU(num_layers=L), and
    the same weights as L one-layer modules, layer l's _l{l} tensors as its _l0: stepped layer
    by layer, each h_t of each layer is then one tensor feeding both the layer above and the
    next step, and its .grad the total dL/dh_t."""
    whole = make(cfg, I, H, L)
    whole.load_state_dict({k: ld(prefix + k) for k in names(L)})
    layers = []
    for l in range(L):
        one = make(cfg, I if l == 0 else H, H)
        one.load_state_dict({k: ld(prefix + k[:-1] + str(l)) for k in NAMES})
        layers.append(one)
    return whole, layers


def step_stack(cfg, layers, inp, states, hs):
    """One time step up the stack from states (one per layer, None = zero); appends each
    layer's h_t to hs[l] and returns the new states."""
    new = []
    for l, layer in enumerate(layers):
        _, st = layer(inp, states[l])
        h = st[0] if cfg["model"] == "lstm" else st
        h.retain_grad()
        hs[l].append(h)
        new.append(st)
        inp = h
    return new


def detach(cfg, st):
    return tuple(s.detach() for s in st) if cfg["model"] == "lstm" else st.detach()


def layer_grads(prefix, layers, ld):
    """(name, torch, rnnlab) for every parameter gradient of the one-layer modules."""
    return [("grad." + prefix + k[:-1] + str(l), getattr(layer, k).grad, ld("grad." + prefix + k[:-1] + str(l)))
            for l, layer in enumerate(layers) for k in NAMES]


def per_layer(a, L):
    """rnnlab's per-step arrays are (T, B, H) for one layer, (L, T, B, H) for a stack."""
    return a if L > 1 else a.unsqueeze(0)


def check_seq2seq(settings):
    """encoder.* and decoder.* load into two PyTorch stacks; each encoder layer's final state
    starts the decoder layer of the same index (h_n, c_n), fed x_decoder.npy (teacher forcing)."""
    with tempfile.TemporaryDirectory() as d:
        cfg, ld = grads_dump(settings, d)
        x, xd, y = ld("x").requires_grad_(), ld("x_decoder").requires_grad_(), ld("y")
        H, O, L = int(cfg["hidden"]), ld("head.weight").shape[0], int(cfg.get("layers", 1))
        enc_whole, enc = stack(cfg, ld, "encoder.", x.shape[2], H, L)
        dec_whole, dec = stack(cfg, ld, "decoder.", xd.shape[2], H, L)
        head = torch.nn.Linear(H, O)
        head.load_state_dict({"weight": ld("head.weight"), "bias": ld("head.bias")})
        states, hs = [None] * L, [[] for _ in range(L)]
        for layers, inp in ((enc, x), (dec, xd)):
            for t in range(inp.shape[0]):
                states = step_stack(cfg, layers, inp[t:t + 1], states, hs)
        T = x.shape[0]
        pred = head(torch.cat(hs[-1][T:]))
        loss = loss_of(cfg, pred, y, O)
        loss.backward(retain_graph=True)
        # the stacks in one call each, the encoder's (h_n, c_n) starting the decoder
        _, final = enc_whole(x)
        out, _ = dec_whole(xd, final)
        pairs = [("h", torch.stack([torch.cat(h) for h in hs]).detach(), per_layer(ld("h"), L)),
                 ("h (one call)", out.detach(), per_layer(ld("h"), L)[-1, T:]),
                 ("loss", loss.detach(), ld("loss")),
                 ("dL/dh_t (encoder, then decoder)", torch.stack([torch.cat([h.grad for h in hl]) for hl in hs]),
                  per_layer(ld("dh"), L)),
                 ("grad.head.weight", head.weight.grad, ld("grad.head.weight"))]
        pairs += layer_grads("encoder.", enc, ld) + layer_grads("decoder.", dec, ld)
        pairs += itemised_and_connectivity(cfg, ld, pred, y, O, hs[-1], [x, xd], True)
        report(settings, pairs)


def check(settings):
    with tempfile.TemporaryDirectory() as d:
        cfg, ld = grads_dump(settings, d)
        x, y = ld("x").requires_grad_(), ld("y")
        I, H, L = x.shape[2], int(cfg["hidden"]), int(cfg.get("layers", 1))
        O = ld("head.weight").shape[0]
        whole, layers = stack(cfg, ld, "", I, H, L)
        head = torch.nn.Linear(H, O)
        head.load_state_dict({"weight": ld("head.weight"), "bias": ld("head.bias")})
        last = cfg["shape"] in ("many-to-one", "one-to-one")
        # Step by step, so that each h_t is one tensor feeding both the head (or the layer
        # above) and the next step: its .grad is then the total dL/dh_t, the recurrent path
        # included. truncate_mode=chunk is TBPTT in chunks of K steps: the state each layer
        # carries into a chunk is detached (h.detach(), and c for the LSTM), so no gradient
        # crosses back.
        K = int(cfg["truncate"]) if cfg.get("truncate_mode") == "chunk" else 0
        states, hs = [None] * L, [[] for _ in range(L)]
        for t in range(x.shape[0]):
            if K and t and t % K == 0:
                states = [detach(cfg, st) for st in states]
            states = step_stack(cfg, layers, x[t:t + 1], states, hs)
        top = hs[-1]
        pred = head(top[-1][0]) if last else head(torch.cat(top))
        loss = loss_of(cfg, pred, y, O)
        loss.backward(retain_graph=True)  # the graph again for itemised and connectivity
        pairs = []
        one_call, _ = whole(x)  # the num_layers=L module agrees with the unrolled layers
        if not K:  # and so do its parameter gradients, by autograd through the one call
            p1 = head(one_call[-1]) if last else head(one_call)
            g1 = torch.autograd.grad(loss_of(cfg, p1, y, O), list(whole.parameters()))
            pairs += [("grad." + k + " (num_layers=%d)" % L, g, ld("grad." + k))
                      for (k, _), g in zip(whole.named_parameters(), g1)]

        cs = [[] for _ in range(L)]
        if cfg["model"] == "lstm":
            # nn.LSTM returns c_t as a separate output, whose .grad misses the path through
            # h_t = o tanh(c_t); unroll PyTorch's equations by hand to get the total dL/dc_t.
            B = x.shape[1]
            hh, cc, mh = [torch.zeros(B, H)] * L, [torch.zeros(B, H)] * L, []
            W = {k: ld(k).requires_grad_() for k in names(L)}
            for t in range(x.shape[0]):
                if K and t and t % K == 0:
                    hh, cc = [v.detach() for v in hh], [v.detach() for v in cc]
                inp = x[t]
                for l in range(L):
                    w = lambda n: W[n + str(l)]
                    z = inp @ w("weight_ih_l").T + w("bias_ih_l") + hh[l] @ w("weight_hh_l").T + w("bias_hh_l")
                    i, f, g, o = z.chunk(4, dim=1)
                    cc[l] = torch.sigmoid(f) * cc[l] + torch.sigmoid(i) * torch.tanh(g)
                    cc[l].retain_grad()
                    cs[l].append(cc[l])
                    hh[l] = torch.sigmoid(o) * torch.tanh(cc[l])
                    inp = hh[l]
                mh.append(hh[-1])
            mpred = head(mh[-1]) if last else head(torch.stack(mh))
            mloss = loss_of(cfg, mpred, y, O)
            hw, hb = head.weight.grad.clone(), head.bias.grad.clone()
            mloss.backward()
            head.weight.grad, head.bias.grad = hw, hb
            pairs.append(("h (by hand, top layer)", torch.stack(mh).detach(), per_layer(ld("h"), L)[-1]))
        pairs += [("h", torch.stack([torch.cat(h) for h in hs]).detach(), per_layer(ld("h"), L)),
                  ("h (one call)", one_call.detach(), per_layer(ld("h"), L)[-1]),
                  ("loss", loss.detach(), ld("loss")),
                  ("dL/dh_t", torch.stack([torch.cat([grad_of(h) for h in hl]) for hl in hs]), per_layer(ld("dh"), L))]
        if cs[0]:
            pairs += [("c", torch.stack([torch.stack(c) for c in cs]).detach(), per_layer(ld("c"), L)),
                      ("dL/dc_t", torch.stack([torch.stack([grad_of(c) for c in cl]) for cl in cs]),
                       per_layer(ld("dc"), L))]
        pairs += layer_grads("", layers, ld)
        pairs += [("grad.head.weight", head.weight.grad, ld("grad.head.weight")),
                  ("grad.head.bias", head.bias.grad, ld("grad.head.bias"))]
        # after the .grad reads: autograd.grad also runs the retained h_t's hooks
        extra = itemised_and_connectivity(cfg, ld, pred, y, O, top, [x], not last)
        # connectivity is the model's Jacobian (full BPTT): with chunks, this graph's
        # detached states cut it, so it is compared in the unchunked cases only
        pairs += [e for e in extra if not (K and e[0].startswith("connectivity"))]
        report(settings, pairs)


def masked_loss(cfg, pred, y, mask, O):
    """The mean over the real positions (mask (P...) True) of MSELoss or CrossEntropyLoss."""
    if cfg["loss"] == "mse":
        return ((pred - y) ** 2 * mask.unsqueeze(-1)).sum() / (mask.sum() * O)
    return torch.nn.functional.cross_entropy(pred[mask], y[mask])


def check_varlen(settings):
    """min_len=: the dump's lengths.npy into pack_padded_sequence through one
    nn.RNN/LSTM/GRU(num_layers=L) call (h_n the state after each sequence's end,
    pad_packed_sequence's zeros past it, seq2seq's decoder started from the encoder's h_n
    and packed by the same lengths), and the same stack stepped by hand with each
    sequence's state frozen past its end, for dL/dh_t and dL/dc_t of every layer."""
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
    with tempfile.TemporaryDirectory() as d:
        cfg, ld = grads_dump(settings, d)
        x, y, lengths = ld("x").requires_grad_(), ld("y"), ld("lengths")
        H, L, O = int(cfg["hidden"]), int(cfg.get("layers", 1)), ld("head.weight").shape[0]
        s2s, last = cfg["shape"] == "seq2seq", cfg["shape"] in ("many-to-one", "one-to-one")
        lstm = cfg["model"] == "lstm"
        prefix = "encoder." if s2s else ""
        whole, layers = stack(cfg, ld, prefix, x.shape[2], H, L)
        head = torch.nn.Linear(H, O)
        head.load_state_dict({"weight": ld("head.weight"), "bias": ld("head.bias")})
        T, B = x.shape[0], x.shape[1]
        params = list(whole.parameters())
        # ---- packed, in one call
        out, final = whole(pack_padded_sequence(x, lengths, enforce_sorted=False))
        if s2s:
            xd = ld("x_decoder")
            dec_whole, dec = stack(cfg, ld, "decoder.", xd.shape[2], H, L)
            params += list(dec_whole.parameters())
            out, _ = dec_whole(pack_padded_sequence(xd, lengths, enforce_sorted=False), final)
        top, _ = pad_packed_sequence(out, total_length=xd.shape[0] if s2s else T)
        mask = torch.arange(top.shape[0]).unsqueeze(1) < lengths.unsqueeze(0)  # (steps, B)
        if last:
            h_n = final[0] if lstm else final
            pred1, loss1 = head(h_n[-1]), None
            loss1 = loss_of(cfg, pred1, y, O)
        else:
            loss1 = masked_loss(cfg, head(top), y, mask, O)
        g1 = torch.autograd.grad(loss1, params)
        names1 = [prefix + k for k, _ in whole.named_parameters()]
        if s2s:
            names1 += ["decoder." + k for k, _ in dec_whole.named_parameters()]
        pairs = [("loss (packed)", loss1.detach(), ld("loss"))]
        pairs += [("grad." + k + " (packed)", g, ld("grad." + k)) for k, g in zip(names1, g1)]
        h_dump, dh_dump = per_layer(ld("h"), L), per_layer(ld("dh"), L)
        pairs.append(("h of the top layer (pad_packed_sequence)", top.detach(), h_dump[-1, T:] if s2s else h_dump[-1]))
        # ---- stepped by hand, each sequence's state frozen past its end
        def run(mods, inp, n, states, hs, cs):
            for t in range(inp.shape[0]):
                real = (t < n).reshape(1, -1, 1)
                cur = inp[t:t + 1]
                for l, m in enumerate(mods):
                    _, st = m(cur, states[l])
                    h = st[0] if lstm else st
                    h.retain_grad()
                    hs[l].append(h)
                    if lstm:
                        st[1].retain_grad()
                        cs[l].append(st[1])
                    old = states[l]
                    if old is None:
                        old = (torch.zeros_like(h), torch.zeros_like(h)) if lstm else torch.zeros_like(h)
                    states[l] = tuple(torch.where(real, a, b) for a, b in zip(st, old)) if lstm else torch.where(real, st, old)
                    cur = h
            return states
        hs, cs = [[] for _ in range(L)], [[] for _ in range(L)]
        states = run(layers, x, lengths, [None] * L, hs, cs)
        if s2s:
            run(dec, xd, lengths, states, hs, cs)
            pred = head(torch.cat(hs[-1][T:]))
            loss = masked_loss(cfg, pred, y, mask, O)
        elif last:
            pred = head(torch.stack([hs[-1][int(lengths[b]) - 1][0, b] for b in range(B)]))
            loss = loss_of(cfg, pred, y, O)
        else:
            loss = masked_loss(cfg, head(torch.cat(hs[-1])), y, mask, O)
        loss.backward()
        steps = len(hs[0])
        real = torch.stack([(t % T if s2s else t) < lengths for t in range(steps)]).unsqueeze(-1)  # (steps, B, 1)
        zero = lambda a: torch.where(real, a, torch.zeros_like(a))
        pairs += [("h (stepped)", torch.stack([zero(torch.cat(h).detach()) for h in hs]), h_dump),
                  ("dL/dh_t (stepped)", torch.stack([torch.cat([grad_of(h) for h in hl]) for hl in hs]), dh_dump)]
        # lstm: nn.LSTM's c_n misses the path through h_t = o tanh(c_t), so only the states
        if lstm:
            pairs.append(("c (stepped)", torch.stack([zero(torch.cat(c).detach()) for c in cs]), per_layer(ld("c"), L)))
        pairs += layer_grads(prefix, layers, ld)
        if s2s:
            pairs += layer_grads("decoder.", dec, ld)
        pairs.append(("grad.head.weight", head.weight.grad, ld("grad.head.weight")))
        report(settings, pairs)


# Every model and shape, one to three layers.
for layers in ["layers=1", "layers=2", "layers=3"]:
    for model in ["model=rnn activation=tanh", "model=rnn activation=relu", "model=lstm", "model=gru"]:
        for task in ["task=adding", "task=echo", "task=xor seq_len=1", "task=wave seq_len=9", "task=charlm seq_len=11"]:
            extra = task.split()
            if len(extra) == 1:
                extra.append("seq_len=13")
            check(model.split() + extra + ["hidden=7", "batch=3", "seed=5", layers])
        check_seq2seq(model.split() + ["task=reverse", "seq_len=6", "hidden=7", "batch=3", "seed=5", layers])

# Variable lengths against pack_padded_sequence: every model and shape (many-to-one mse
# and xent, many-to-many xent and mse, copy's blanks, seq2seq), one and two layers.
for layers in ["layers=1", "layers=2"]:
    for model in ["model=rnn activation=tanh", "model=lstm", "model=gru"]:
        for task in ["task=adding seq_len=13 min_len=2", "task=parity seq_len=9 min_len=1",
                     "task=echo seq_len=13 min_len=3", "task=sine seq_len=11 min_len=2",
                     "task=charlm seq_len=11 min_len=4", "task=copy seq_len=6 min_len=1",
                     "task=reverse seq_len=6 min_len=2"]:
            check_varlen(model.split() + task.split() + ["hidden=7", "batch=5", "seed=5", layers])

# packing=off, the mistake packing prevents: the padded batch straight through the module
# and the head on its last step, which is plain PyTorch on the padded tensor.
for model in ["model=rnn activation=tanh", "model=lstm", "model=gru"]:
    for layers in ["layers=1", "layers=2"]:
        check(model.split() + ["task=adding", "seq_len=13", "min_len=2", "packing=off", "hidden=7", "batch=5", "seed=5",
                               layers])

# Truncated BPTT in chunks of 5 steps: 13 steps are chunks of 5, 5 and 3, 11 of 5, 5 and 1;
# in a stack every layer's state is detached at the chunk boundaries.
for layers in ["layers=1", "layers=2"]:
    for model in ["model=rnn activation=tanh", "model=lstm", "model=gru"]:
        for task in ["task=adding seq_len=13", "task=echo seq_len=13", "task=charlm seq_len=11"]:
            check(model.split() + task.split() + ["truncate=5", "truncate_mode=chunk", "hidden=7", "batch=3", "seed=5",
                                                  layers])
