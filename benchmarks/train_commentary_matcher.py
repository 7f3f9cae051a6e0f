"""Continue the key point matcher on commentary: sentences on one point match, whichever side.

    python benchmarks/train_commentary_matcher.py --out PATH [--train FILE ...] [--steps 600]

Why. On debate arguments (ArgKP-2021) the matcher finds an argument's key point at 0.846 mAP, but
on commentary about one story it barely tells sentences on the same point from sentences that
only share the story's words (same-point AUC 0.66 on ``tests/data/compare_eval/dev.jsonl``), so
compare joined the wrong sentences and clashes were read off the wrong pairs. ArgKP also only ever
matches an argument with key points of its own stance, where compare must put both sides of a
point together to show a clash.

Recipe. The shipped adapter (``pipeline/data/matcher_lora.npz``) is loaded and trained further,
alternating two kinds of batch:

- a commentary story (``benchmarks/data/compare_train*.jsonl``, written for this project, never
  an evaluation story): its debated points' statements, the sentences that take a side on one
  (either side) and up to 12 of its other argument sentences (facts, asides). Each side-taking
  sentence must score its own point above the others and above the matcher's "none" threshold;
  the other sentences must put their mass on "none"; and each side-taking sentence must be
  closer to the sentences on its point (both sides, any commentator) than to the rest of the
  story, a multi-positive contrastive loss;
- an ArgKP-2021 train topic as ``train_matcher.py`` builds it, opposite-stance key points
  masked rather than negative, so the debate skill is kept without teaching "other side =
  other point".

Checkpoints are chosen on the dev stories' same-point AUC (pairs of side-taking sentences by
different commentators), with ArgKP-2021 dev mAP logged beside it; the held-out stories
(``compare_eval/heldout.jsonl``) are scored once, by ``benchmarks/eval_compare.py --matcher PATH``.

Not shipped. On files a-d (``--steps 600``, seed 13, 9 minutes on 2 cores) the dev same-point AUC
rose from 0.664 to 0.731 (step 350 kept) with ArgKP-2021 dev strict mAP 0.846 -> 0.834, but the
held-out stories' AUC fell (0.676 -> 0.638); on files a-h (``--steps 800``) dev 0.742 (step 700),
held-out 0.642, and compare showed more links, fewer of them on point (README, "Key point matching
and relations").
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import lora_common as lc  # noqa: E402
import train_matcher as tm  # noqa: E402

REPO = lc.REPO
SHIPPED = REPO / "pipeline" / "data" / "matcher_lora.npz"
DEV = REPO / "tests" / "data" / "compare_eval" / "dev.jsonl"
TRAIN = sorted((REPO / "benchmarks" / "data").glob("compare_train*.jsonl"))


def stories(paths: list[Path]) -> list[dict[str, Any]]:
    return [
        json.loads(line) for p in paths for line in p.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def story_items(story: dict[str, Any]) -> tuple[list[str], list[tuple[str, int, str]], list[str]]:
    """(point statements, side-taking sentences as (text, point index, commentator), other
    argument sentences)."""
    points = [p["statement"] for p in story["points"]]
    index = {p["id"]: i for i, p in enumerate(story["points"])}
    sided, other = [], []
    for doc in story["transcripts"]:
        for s in doc["segments"]:
            if s.get("point") in index and s.get("side") in ("for", "against"):
                sided.append((s["text"], index[s["point"]], doc["commentator"]))
            elif s["label"] != "other":
                other.append(s["text"])
    return points, sided, other


def same_point_auc(model: Any, cache: lc.LowerCache, dev: list[dict[str, Any]]) -> float:
    """AUC of cosine for 'same point' over pairs of side-taking sentences by different commentators."""
    import torch

    model.eval()
    pos: list[float] = []
    neg: list[float] = []
    with torch.inference_mode():
        for story in dev:
            _, sided, _ = story_items(story)
            e = tm.encode(cache, [t for t, _, _ in sided]).float()
            cos = (e @ e.t()).numpy()
            for i, j in itertools.combinations(range(len(sided)), 2):
                if sided[i][2] != sided[j][2]:
                    (pos if sided[i][1] == sided[j][1] else neg).append(cos[i, j])
    model.train()
    import numpy as np

    p, n = np.array(pos)[:, None], np.array(neg)[None, :]
    return float((p > n).mean() + 0.5 * (p == n).mean())


def story_loss(
    cache: lc.LowerCache, story: dict[str, Any], rng: random.Random, scale: float, tau: float
) -> Any:
    import torch

    points, sided, other = story_items(story)
    other = rng.sample(other, min(12, len(other)))
    texts = points + [t for t, _, _ in sided] + other
    e = tm.encode(cache, texts).float()
    k, n = len(points), len(sided)
    pv, sv, ov = e[:k], e[k : k + n], e[k + n :]
    none = torch.full((n + len(other), 1), scale * tau)
    logits = torch.cat([scale * (torch.cat([sv, ov]) @ pv.t()), none], dim=1)
    target = torch.tensor([p for _, p, _ in sided] + [k] * len(other))
    loss = torch.nn.functional.cross_entropy(logits, target)
    # sentence to sentence: same point (either side, any voice) closer than the rest of the story
    bank = torch.cat([sv, ov])
    sims = scale * (sv @ bank.t())
    eye = torch.zeros_like(sims, dtype=torch.bool)
    eye[torch.arange(n), torch.arange(n)] = True
    sims = sims.masked_fill(eye, float("-inf"))
    labels = torch.tensor([p for _, p, _ in sided] + [-1] * len(other))
    same = (labels[None, :] == torch.tensor([p for _, p, _ in sided])[:, None]) & ~eye
    rows = same.any(dim=1)
    if rows.any():
        positive = sims.masked_fill(~same, float("-inf"))
        loss = loss + (torch.logsumexp(sims[rows], 1) - torch.logsumexp(positive[rows], 1)).mean()
    return loss


def argkp_loss(cache: lc.LowerCache, train: Any, targets: dict[str, Any], batch: tuple[str, list[str]],
               scale: float, tau: float) -> Any:  # fmt: skip
    import torch

    topic, ids = batch
    kps, rows = targets[topic]
    target = torch.tensor([rows[a] for a in ids], dtype=torch.long)
    a = tm.encode(cache, [train.args[x][0] for x in ids]).float()
    kv = tm.encode(cache, [train.kps[x][0] for x in kps]).float()
    masked = (scale * (a @ kv.t())).masked_fill(target < 0, float("-inf"))
    none = torch.full((len(ids), 1), scale * tau)
    full = torch.cat([masked, none], dim=1)
    has_pos = (target == 1).any(dim=1, keepdim=True)
    pos = torch.cat(
        [masked.masked_fill(target != 1, float("-inf")), none.masked_fill(has_pos, float("-inf"))], 1
    )
    return (torch.logsumexp(full, 1) - torch.logsumexp(pos, 1)).mean()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--train", type=Path, nargs="*", default=TRAIN)
    ap.add_argument("--dev", type=Path, default=DEV)
    ap.add_argument(
        "--out", type=Path, required=True, help="where to write the adapter (not the shipped one)"
    )
    ap.add_argument("--log", type=Path)
    ap.add_argument("--steps", type=int, default=600)
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--scale", type=float, default=20.0)
    ap.add_argument("--eval-every", type=int, default=50)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--bf16", action="store_true")
    opts = ap.parse_args(argv)

    import numpy as np
    import torch

    torch.set_num_threads(opts.threads)
    lc.seed_everything(opts.seed)
    log = lc.Log(opts.log)
    log("options", {k: str(v) for k, v in vars(opts).items()})
    shipped = lc.read_arrays(SHIPPED)
    tau = float(shipped["meta::threshold"])
    model, tokenizer = lc.base_model()
    params = lc.add_lora(model, 16, 32.0)
    log(f"loaded {lc.load_lora(model, SHIPPED)} adapted layers from {SHIPPED.name}; threshold {tau:.3f}")
    model.train()
    cache = lc.LowerCache(model, tokenizer, [], 0)
    train_stories = stories(opts.train)
    dev_stories = stories([opts.dev])
    argkp, argkp_dev = lc.load_argkp("train"), lc.load_argkp("dev")
    targets = {t: tm.targets(argkp, t, False) for t in argkp.topics()}
    log(f"{len(train_stories)} training stories, {len(dev_stories)} dev stories")
    optimizer = torch.optim.AdamW([{"params": params, "weight_decay": 0.01}], lr=opts.lr)
    schedule = lc.warmup_decay(optimizer, opts.steps)
    rng = random.Random(opts.seed)
    auc = same_point_auc(model, cache, dev_stories)
    strict, _ = lc.kpa_map(tm.dev_scores(model, cache, argkp_dev), argkp_dev)
    log(f"step 0 dev same-point AUC {auc:.4f} ArgKP dev strict {strict:.4f}")
    best = (auc, 0)
    story_queue: list[dict[str, Any]] = []
    kp_queue: list[tuple[str, list[str]]] = []
    started, running = time.time(), 0.0
    for step in range(1, opts.steps + 1):
        if step % 2:
            if not story_queue:
                story_queue = list(train_stories)
                rng.shuffle(story_queue)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=opts.bf16):
                loss = story_loss(cache, story_queue.pop(), rng, opts.scale, tau)
        else:
            if not kp_queue:
                kp_queue = tm.batches(argkp, 32, rng)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=opts.bf16):
                loss = argkp_loss(cache, argkp, targets, kp_queue.pop(), opts.scale, tau)
        value = lc.descend(optimizer, schedule, params, loss)
        running = 0.9 * running + 0.1 * value if step > 1 else value
        if step % 10 == 0:
            log(f"step {step}/{opts.steps} loss {running:.4f} {(time.time() - started) / 60:.1f} min")
        if step % opts.eval_every == 0 or step == opts.steps:
            auc = same_point_auc(model, cache, dev_stories)
            strict, _ = lc.kpa_map(tm.dev_scores(model, cache, argkp_dev), argkp_dev)
            log(f"step {step} dev same-point AUC {auc:.4f} ArgKP dev strict {strict:.4f}")
            if auc > best[0]:
                best = (auc, step)
                meta = {"threshold": tau, "step": step, "dev_strict": strict, "commentary_auc": auc}
                lc.save_delta(opts.out, lc.delta_arrays(model, meta))
                log(f"saved {opts.out}")
    log(f"best dev same-point AUC {best[0]:.4f} at step {best[1]}; {(time.time() - started) / 60:.1f} min")
    del np


if __name__ == "__main__":
    main()
