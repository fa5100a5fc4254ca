#!/usr/bin/python3
"""PyTorch's training throughput for the same work as `rnnlab bench`: a recurrent layer, or
a stack of num_layers of them (nn.RNN tanh / nn.LSTM / nn.GRU), and an nn.Linear head on the adding task, many-to-one,
MSE loss, Adam, float64, one thread. Prints one line per measurement in rnnlab bench's
key=value form. Data generation is included, as it is in rnnlab's measurement."""
import sys
import time

import torch

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)


def adding_batch(T, B, gen):
    x = torch.zeros(T, B, 2)
    x[:, :, 0] = torch.rand(T, B, generator=gen)
    half = T // 2
    m1 = torch.randint(0, half, (B,), generator=gen)
    m2 = torch.randint(half, T, (B,), generator=gen)
    idx = torch.arange(B)
    x[m1, idx, 1] = 1.0
    x[m2, idx, 1] = 1.0
    y = (x[m1, idx, 0] + x[m2, idx, 0]).unsqueeze(1)
    return x, y


def measure(kind, B, H=32, T=50, seconds=1.0, L=1):
    cls = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind]
    torch.manual_seed(1)
    gen = torch.Generator().manual_seed(2)
    rnn = cls(2, H, num_layers=L)
    head = torch.nn.Linear(H, 1)
    params = list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=0.01)
    loss_fn = torch.nn.MSELoss()

    def step():
        x, y = adding_batch(T, B, gen)
        out, _ = rnn(x)
        loss = loss_fn(head(out[-1]), y)
        opt.zero_grad()
        loss.backward()
        opt.step()

    for _ in range(3):
        step()
    steps, start = 0, time.perf_counter()
    while True:
        for _ in range(5):
            step()
        steps += 5
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            break
    return steps * B / elapsed


def main():
    """Usage: torch_bench.py [SECONDS] [MODEL:HIDDEN:SEQ_LEN:BATCH[:LAYERS] ...] (default:
    rnn, lstm and gru at 32:50 and batch 1 and 32, one layer)."""
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    specs = sys.argv[2:] or [f"{k}:32:50:{b}" for k in ("rnn", "lstm", "gru") for b in (1, 32)]
    for spec in specs:
        kind, H, T, B, *rest = spec.split(":")
        L = int(rest[0]) if rest else 1
        rate = measure(kind, int(B), H=int(H), T=int(T), seconds=seconds, L=L)
        print(f"model={kind} hidden={H} seq_len={T} batch={B} layers={L} torch={torch.__version__} "
              f"sequences_per_s={rate:.1f}", flush=True)


if __name__ == "__main__":
    main()
