"""Tried and not adopted: LoRA on the top three layers of all-mpnet-base-v2 under the restorer's head.

    python benchmarks/try_sentence_ends_mpnet_lora.py [--windows 6000] [--epochs 2] [--rank 16]

The shipped restorer trains a head on the frozen encoder (``train_sentence_ends_mpnet.py``). This
asks whether adapting the encoder itself helps: a LoRA delta (rank ``--rank``, on the attention and
feed-forward projections of layers 10-12) trained with the head, against the head alone on the same
windows and schedule, in one run. Layers 1-9 stay frozen, so their output is read once per window
and a step runs only the top three layers (about 10 minutes for 6,000 windows and 2 epochs on 2
cores). Both are scored on the kept-out development transcripts (which choose the decoding) and on
the new-topics transcripts; the held-out ones are not read. Figures: README, "Caption form".
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lora_common as lc
import numpy as np
import torch
import train_sentence_ends as base
import train_sentence_ends_mpnet as tm

from argmap.pipeline.mpnet import FrozenMPNet, pieces
from argmap.pipeline.sentence_ends import MAX_TOKENS, MPNetSentenceEndModel, _norm, head_module, padded
from argmap.pipeline.wordpieces import last_pieces

FROM = 9  # layers 10..12 (encoder.layer[9..11]) adapted


class LoRA(torch.nn.Module):
    def __init__(self, base_linear, r, alpha):
        super().__init__()
        self.base = base_linear
        for p in self.base.parameters():
            p.requires_grad_(False)
        self.a = torch.nn.Parameter(
            torch.randn(r, base_linear.in_features) / math.sqrt(base_linear.in_features)
        )
        self.b = torch.nn.Parameter(torch.zeros(base_linear.out_features, r))
        self.scale = alpha / r

    def forward(self, x):
        return self.base(x) + (x @ self.a.t() @ self.b.t()) * self.scale


def patch(model, r, alpha, first=FROM):
    params = []
    for layer in model.encoder.layer[first:]:
        for parent, name in (
            (layer.attention.attn, "q"),
            (layer.attention.attn, "k"),
            (layer.attention.attn, "v"),
            (layer.attention.attn, "o"),
            (layer.intermediate, "dense"),
            (layer.output, "dense"),
        ):
            mod = LoRA(getattr(parent, name), r, alpha)
            setattr(parent, name, mod)
            params += [mod.a, mod.b]
    return params


def top(model, h, mask, first=FROM):
    ext = (1.0 - mask[:, None, None, :].to(h.dtype)) * torch.finfo(h.dtype).min
    bias = model.encoder.compute_position_bias(h)
    for layer in model.encoder.layer[first:]:
        h = layer(h, ext, bias)[0]
    return h


def read(model, tok, windows, log):
    out = [None] * len(windows)
    order = sorted(range(len(windows)), key=lambda i: len(windows[i][0]))
    t0 = time.time()
    for s in range(0, len(order), 16):
        idx = order[s : s + 16]
        batch = pieces(tok, [[_norm(w) for w in windows[i][0]] for i in idx], MAX_TOKENS)
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16):
            st = model(**batch, output_hidden_states=True).hidden_states
        for row, i in enumerate(idx):
            last = last_pieces(batch.word_ids(row))
            kept = []
            for w in range(len(windows[i][0])):
                if w not in last:
                    break
                kept.append(last[w])
            n = int(batch["attention_mask"][row].sum())
            low = torch.cat([st[6][row, kept], st[9][row, kept]], -1).to(torch.float16)
            out[i] = (
                st[FROM][row, :n].to(torch.bfloat16).clone(),
                torch.tensor(kept),
                low,
                torch.as_tensor(np.asarray(windows[i][1][: len(kept)], dtype=np.float32)),
            )
        if s % 1600 == 0:
            log(f"read {s}/{len(order)} {(time.time() - t0) / 60:.1f} min")
    return out


def features(model, items, lora_on=True):
    T = max(it[0].shape[0] for it in items)
    h = torch.zeros(len(items), T, 768, dtype=torch.bfloat16)
    mask = torch.zeros(len(items), T)
    for r, it in enumerate(items):
        h[r, : it[0].shape[0]] = it[0]
        mask[r, : it[0].shape[0]] = 1
    with torch.autocast("cpu", dtype=torch.bfloat16):
        h12 = top(model, h, mask)
    feats = [torch.cat([it[2].float(), h12[r, it[1]].float()], -1) for r, it in enumerate(items)]
    return feats


def train(model, data, lora_params, opts, log):
    torch.manual_seed(opts.seed)
    head = head_module()
    groups = [{"params": head.parameters(), "lr": opts.lr}]
    if lora_params:
        groups.append({"params": lora_params, "lr": opts.lora_lr})
    opt = torch.optim.AdamW(groups, weight_decay=0.01)
    B = 32
    total = opts.epochs * (len(data) // B)
    sch = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, s / 100) * max(0.0, 1 - s / total))
    lf = torch.nn.BCEWithLogitsLoss(reduction="none")
    rng, t0, run = random.Random(opts.seed), time.time(), 0.0
    step = 0
    for ep in range(opts.epochs):
        head.train()
        model.train() if lora_params else None
        order = list(range(len(data)))
        rng.shuffle(order)
        for s in range(0, len(order) - B + 1, B):
            items = [data[i] for i in order[s : s + B]]
            if lora_params:
                feats = features(model, items)
            else:
                with torch.no_grad():
                    feats = features(model, items)
            x, lengths = padded(feats)
            tgt, m = torch.zeros(x.shape[:2]), torch.zeros(x.shape[:2])
            for r, it in enumerate(items):
                tgt[r, : len(it[3])] = it[3]
                m[r, : len(it[3])] = 1
            loss = (lf(head(x, lengths), tgt) * m).sum() / m.sum()
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(list(head.parameters()) + list(lora_params), 1.0)
            opt.step()
            sch.step()
            step += 1
            v = float(loss.detach())
            run = 0.95 * run + 0.05 * v if run else v
            if step % 50 == 0:
                log(f"ep {ep} step {step}/{total} loss {run:.4f} {(time.time() - t0) / 60:.1f} min")
    model.eval()
    return head.eval()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--windows", type=int, default=4000)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--lora-lr", type=float, default=5e-4)
    p.add_argument("--rank", type=int, default=16)
    p.add_argument("--seed", type=int, default=5)
    p.add_argument("--mode", default="both")
    p.add_argument("--out", type=Path, default=Path("/tmp/me/lora_head.npz"))
    p.add_argument("--timing", action="store_true")
    opts = p.parse_args()
    log = lc.Log(None)
    torch.set_num_threads(2)
    enc = FrozenMPNet()
    model, tok = enc.load()
    ns = argparse.Namespace(dev=base.DEV, shared=base.SHARED, windows=opts.windows, seed=opts.seed)
    windows = tm.training_windows(ns, log)
    if opts.timing:
        windows = windows[:64]
    data = read(model, tok, windows, log)
    # equivalence check: top() from cached h9 equals the model's layer 12
    it = data[:4]
    with torch.no_grad():
        f = features(model, it)
    b2 = pieces(tok, [[_norm(w) for w in windows[i][0]] for i in range(4)], MAX_TOKENS)
    with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16):
        st = model(**b2, output_hidden_states=True).hidden_states
    ref = st[12][0, it[0][1]].float()
    log("check max diff", float((f[0][:, 1536:] - ref).abs().max()), float(ref.abs().mean()))
    modes = ["head", "lora"] if opts.mode == "both" else [opts.mode]
    for mode in modes:
        params = patch(model, opts.rank, 2 * opts.rank) if mode == "lora" else []
        t0 = time.time()
        head = train(model, data, params, opts, log)
        log(mode, "trained in", f"{(time.time() - t0) / 60:.1f} min")
        if opts.timing:
            continue
        out = opts.out.with_name(f"{opts.out.stem}_{mode}.npz")
        tm.save(out, head, 0.5, 2, 0.0)
        sm = MPNetSentenceEndModel(out, enc)
        val = base.transcript_docs(base.DEV)[:: base.VALIDATION_EVERY]
        probs = [sm.probabilities([w for s in d for w in s]).tolist() for d in val]
        f1, th, mw = base.best_decoding(probs, val)
        log(mode, "validation", f1, th, mw)
        nt = base.transcript_docs(base.REPO / "tests" / "data" / "argeval" / "newtopics.jsonl")
        for th2, mw2 in ((th, mw), (0.3, 3)):
            sm.threshold, sm.min_words = th2, mw2
            found = [sm.ends([w for s in d for w in s]) for d in nt]
            log(mode, "newtopics", th2, mw2, base.boundary_scores(found, nt))
        if mode == "lora":
            sd = {
                f"lora::{n}": v.detach().numpy().astype(np.float16)
                for n, v in model.named_parameters()
                if n.endswith((".a", ".b"))
            }
            np.savez_compressed(opts.out.with_name("lora_delta.npz"), **sd)


if __name__ == "__main__":
    main()
