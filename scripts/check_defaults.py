#!/usr/bin/env python3
"""check_defaults.py: trains `rnnlab train`'s defaults (the old free play), or them with --set
overrides (the free play: --set seq_len=100 --set optimizer=sgd --set lr=0.001), headless for
the steps ten minutes in the window come to, and prints, at chosen steps, what the window
shows: how far the gradient fades along the sequence, the loss against the memoryless
baseline, sigma_max(W_hh), and whether the hidden units saturate or flip sign every step.
Leaves out drawing: it reads rnnlab's CSV history and .npy arrays (needs numpy).

Usage: python3 scripts/check_defaults.py [--rnnlab build/rnnlab] [--seeds 1,2,3]
           [--checkpoints 0,1000,10000,50000,360000] [--tail 1000] [--jobs 2]
           [--set key=value]... [--work DIR]

Each seed runs in segments, saving the run (--save) at every checkpoint and loading it
(--load) for the next; the last --tail steps before each checkpoint write CSV history, so a
checkpoint's loss and gradient ratio are medians over the steps the window just drew.
"""
import argparse
import concurrent.futures
import csv
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

BASELINE = {"adding": 1.0 / 6.0}  # Var(u1 + u2): predicting the mean (adding.c)


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def read_csv(path):
    """Rows of (loss, g_0 .. g_{T-1}) as arrays."""
    with open(path, newline="") as f:
        rd = csv.reader(f)
        head = next(rd)
        gcols = [i for i, name in enumerate(head) if name.startswith("g_")]
        loss, g = [], []
        for row in rd:
            loss.append(float(row[1]))
            g.append([float(row[i]) for i in gcols])
    return np.array(loss), np.array(g)


def state_of(rnnlab, run_dir, work, sets):
    """One forward/backward pass of `rnnlab grads` on the run (or a fresh one): sigma_max of
    W_hh, the share of |h| > 0.99, and the share of units whose sign flips from t-1 to t."""
    out = tempfile.mkdtemp(dir=work)
    cmd = [rnnlab, "grads", "--out", out]
    cmd += ["--load", run_dir] if run_dir else sum((["--set", s] for s in sets), [])
    run(cmd)
    w = np.load(os.path.join(out, "weight_hh_l0.npy"))
    h = np.load(os.path.join(out, "h.npy"))  # (T, B, H)
    shutil.rmtree(out)
    sigma = np.linalg.svd(w, compute_uv=False)[0]
    saturated = float(np.mean(np.abs(h) > 0.99))
    flips = float(np.mean(h[1:] * h[:-1] < 0))
    return sigma, saturated, flips


def one_seed(args, seed):
    sets = list(args.set) + ["seed=%d" % seed]
    work = tempfile.mkdtemp(prefix="check_defaults_seed%d_" % seed, dir=args.work)
    rows = []
    prev, done, timed_steps, timed_s = None, 0, 0, 0.0
    for c in args.checkpoints:
        if c == 0:
            # Step 0: the picture of the first frame, before any update.
            csvp = os.path.join(work, "first.csv")
            run([args.rnnlab, "train", "--quiet", "--steps", "1", "--csv", csvp] +
                sum((["--set", s] for s in sets), []))
            loss, g = read_csv(csvp)
            sigma, sat, flips = state_of(args.rnnlab, None, work, sets)
            rows.append((seed, 0, g[0, 0] / g[0, -1], g[0, 0] / g[0, -1], loss[0], sigma, sat, flips))
            continue
        start = ["--load", prev] if prev else sum((["--set", s] for s in sets), [])
        quiet_steps = c - done - args.tail
        if quiet_steps > 0:
            mid = os.path.join(work, "mid%d" % c)
            t0 = time.monotonic()
            run([args.rnnlab, "train", "--quiet", "--steps", str(quiet_steps), "--save", mid] + start)
            timed_s += time.monotonic() - t0
            timed_steps += quiet_steps
            if prev:
                shutil.rmtree(prev)
            prev, start = mid, ["--load", mid]
        here = os.path.join(work, "at%d" % c)
        csvp = os.path.join(work, "tail%d.csv" % c)
        run([args.rnnlab, "train", "--quiet", "--steps", str(c - done if quiet_steps <= 0 else args.tail),
             "--save", here, "--csv", csvp] + start)
        if prev:
            shutil.rmtree(prev)
        prev, done = here, c
        loss, g = read_csv(csvp)
        os.remove(csvp)
        ratio = g[:, 0] / g[:, -1]
        sigma, sat, flips = state_of(args.rnnlab, here, work, sets)
        rows.append((seed, c, float(np.median(ratio)), float(np.max(ratio)), float(np.mean(loss)),
                     sigma, sat, flips))
    shutil.rmtree(work)
    return rows, (timed_steps / timed_s if timed_s > 0 else float("nan"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rnnlab", default=os.path.join(os.path.dirname(__file__), "..", "build", "rnnlab"))
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--checkpoints", default="0,1000,10000,50000,360000")
    ap.add_argument("--tail", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--work", default=None)
    args = ap.parse_args()
    args.checkpoints = sorted(int(x) for x in args.checkpoints.split(","))
    seeds = [int(s) for s in args.seeds.split(",")]
    task = "adding"
    for s in args.set:
        if s.startswith("task="):
            task = s.split("=", 1)[1]
    base = BASELINE.get(task, float("nan"))

    with concurrent.futures.ProcessPoolExecutor(max_workers=args.jobs) as ex:
        results = list(ex.map(one_seed, [args] * len(seeds), seeds))

    print("settings: %s" % (" ".join(args.set) if args.set else "(the defaults)"))
    print("steps/s headless (segments without CSV): %s" %
          ", ".join("seed %d %.0f" % (s, r[1]) for s, r in zip(seeds, results)))
    print()
    print("| seed | step | decades (median) | decades (least in the %d steps) | loss / baseline | sigma_max | |h|>0.99 | sign flips |"
          % args.tail)
    print("|---|---|---|---|---|---|---|---|")
    def decades(ratio):
        """-log10 of g_0 / g_{T-1}; a g_0 that underflowed to zero fades past any count."""
        if ratio > 0 and math.isfinite(ratio):
            return "%.1f" % -math.log10(ratio)
        return "inf (g_0 = 0)" if ratio == 0 else "-inf (g_{T-1} = 0)" if ratio == math.inf else "nan"

    ok = True
    for rows, _ in results:
        for seed, step, med, worst, loss, sigma, sat, flips in rows:
            print("| %d | %d | %s | %s | %.3f / %.3f = %.2f | %.2f | %.1f%% | %.1f%% |" %
                  (seed, step, decades(med), decades(worst), loss, base, loss / base, sigma,
                   100 * sat, 100 * flips))
            ok &= worst <= 1e-6
    print()
    print("every checkpoint fades at least 6 decades: %s" % ("yes" if ok else "NO"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
