#!/usr/bin/env python3
"""The default teacher of grokking.cpp written the way a research engineer would write it in
PyTorch: the same task, split, model, initialisation distributions, AdamW and schedule,
dropout, batch size and full validation every epoch (REFERENCE.md §1-3 of the project's
design notes; README "A worked example"), eager or through torch.compile. A peer to time
against, not a port: nothing here is tuned beyond what the PyTorch documentation suggests.

usage: grokking_torch.py [--epochs 150] [--threads 2] [--compile] [--seed 42] [--json FILE]
Prints one line per --log_every epochs and, at the end, JSON with seconds per epoch (after
the first epoch, which includes torch.compile's compilation) and the accuracies.
"""
import argparse
import json
import math
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

P, DIM, DEPTH, HEADS, DROPOUT = 97, 128, 2, 1, 0.2
LR, BETAS, EPS, WEIGHT_DECAY, WARMUP = 1e-3, (0.9, 0.98), 1e-8, 1.0, 10
BATCH, EVAL_CHUNK, ROPE_BASE = 512, 512, 1e6
VOCAB = P + 2  # numbers, op, eq


def division_split(seed, fraction=0.5):
    """a / b mod p for b != 0, pairs a-major; NumPy's legacy RandomState permutation."""
    a, b = np.meshgrid(np.arange(P), np.arange(1, P), indexing="ij")
    a, b = a.ravel(), b.ravel()
    c = a * np.array([pow(int(x), P - 2, P) for x in b]) % P
    tokens = np.stack([a, np.full_like(a, P), b, np.full_like(a, P + 1)], axis=1)
    perm = np.random.RandomState(seed).permutation(len(a))
    n_train = int(fraction * len(a))
    to = lambda idx: (torch.tensor(tokens[idx], dtype=torch.long),
                      torch.tensor(c[idx], dtype=torch.long))
    return to(perm[:n_train]), to(perm[n_train:])


def linear(fan_in, fan_out):
    """Flax's default kernel init: truncated normal on [-2σ, 2σ], variance 1/fan_in."""
    layer = nn.Linear(fan_in, fan_out, bias=False)
    std = math.sqrt(1.0 / fan_in) / 0.87962566103423978
    nn.init.trunc_normal_(layer.weight, std=std, a=-2 * std, b=2 * std)
    return layer


class RMSNorm(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * self.scale


def rope(x, cos, sin):
    """Half-split rotary embedding on [B, H, T, dh]."""
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.attn_norm, self.ffn_norm = RMSNorm(DIM), RMSNorm(DIM)
        self.wq, self.wk, self.wv, self.wo = (linear(DIM, DIM) for _ in range(4))
        self.w1, self.w3, self.w2 = linear(DIM, 4 * DIM), linear(DIM, 4 * DIM), linear(4 * DIM, DIM)
        self.drop = nn.Dropout(DROPOUT)

    def forward(self, h, cos, sin):
        b, t, _ = h.shape
        xn = self.attn_norm(h)
        split = lambda y: y.view(b, t, HEADS, DIM // HEADS).transpose(1, 2)
        q, k, v = split(self.wq(xn)), split(self.wk(xn)), split(self.wv(xn))
        ctx = F.scaled_dot_product_attention(rope(q, cos, sin), rope(k, cos, sin), v,
                                             is_causal=True)
        h = h + self.drop(self.wo(ctx.transpose(1, 2).reshape(b, t, DIM)))
        xn = self.ffn_norm(h)
        return h + self.w2(self.drop(F.silu(self.w1(xn)) * self.w3(xn)))


class Transformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, DIM)
        nn.init.normal_(self.embed.weight, std=math.sqrt(1.0 / DIM))
        self.layers = nn.ModuleList(Layer() for _ in range(DEPTH))
        self.final_norm = RMSNorm(DIM)
        self.out = linear(DIM, VOCAB)
        dh = DIM // HEADS
        theta = ROPE_BASE ** (-2.0 * torch.arange(dh // 2, dtype=torch.float64) / dh)
        angle = torch.arange(4, dtype=torch.float64)[:, None] * theta[None, :]
        self.register_buffer("cos", angle.cos().float(), persistent=False)
        self.register_buffer("sin", angle.sin().float(), persistent=False)

    def forward(self, tokens):
        h = self.embed(tokens)
        for layer in self.layers:
            h = layer(h, self.cos, self.sin)
        return self.out(self.final_norm(h)[:, -1, :])  # cls: the last position


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=150)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--compile", action="store_true", help="torch.compile the model")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--log_every", type=int, default=10)
    parser.add_argument("--json", help="write the result here too")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    (train_x, train_y), (val_x, val_y) = division_split(args.seed)
    model = Transformer()
    step_model = torch.compile(model) if args.compile else model
    optimizer = torch.optim.AdamW(model.parameters(), lr=LR, betas=BETAS, eps=EPS,
                                  weight_decay=WEIGHT_DECAY)
    # Optax's linear warmup: the first update has lr 0.
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: min(1.0, t / WARMUP))
    generator = torch.Generator().manual_seed(args.seed)
    epoch_seconds, history = [], []
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        model.train()
        order = torch.randperm(len(train_x), generator=generator)
        loss_sum, correct = 0.0, 0
        for i in range(0, len(order), BATCH):
            idx = order[i:i + BATCH]
            logits = step_model(train_x[idx])
            loss = F.cross_entropy(logits, train_y[idx])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            loss_sum += loss.item() * len(idx)
            correct += (logits.argmax(-1) == train_y[idx]).sum().item()
        model.eval()
        val_correct, val_loss = 0, 0.0
        with torch.no_grad():
            for i in range(0, len(val_x), EVAL_CHUNK):
                logits = step_model(val_x[i:i + EVAL_CHUNK])
                val_loss += F.cross_entropy(logits, val_y[i:i + EVAL_CHUNK], reduction="sum").item()
                val_correct += (logits.argmax(-1) == val_y[i:i + EVAL_CHUNK]).sum().item()
        epoch_seconds.append(time.perf_counter() - start)
        history.append({"epoch": epoch, "train_acc": correct / len(train_x),
                        "val_acc": val_correct / len(val_x), "val_loss": val_loss / len(val_x)})
        if epoch % args.log_every == 0 or epoch == args.epochs:
            print(f"epoch {epoch:3d}  train {100 * correct / len(train_x):6.2f}%  val "
                  f"{100 * val_correct / len(val_x):6.2f}%  {epoch_seconds[-1]:.3f} s", flush=True)
    steady = epoch_seconds[1:] or epoch_seconds
    result = {"variant": "torch.compile" if args.compile else "eager", "torch": torch.__version__,
              "threads": args.threads, "epochs": args.epochs,
              "first_epoch_s": epoch_seconds[0], "s_per_epoch": sum(steady) / len(steady),
              "wall_s": sum(epoch_seconds), "final_val_acc": history[-1]["val_acc"],
              "epoch_to_99": next((h["epoch"] for h in history if h["val_acc"] >= 0.99), None)}
    print(json.dumps(result))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
