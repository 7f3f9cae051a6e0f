"""Diarization error rate, as NIST and pyannote.metrics define it, without their dependencies.

DER = (missed speech + false alarm + speaker confusion) / reference speech, counted on a 10 ms
grid. Hypothesis speakers are mapped one-to-one onto reference speakers to maximise agreement
(the Hungarian algorithm), and time within ``collar`` seconds of any reference boundary is not
scored (0.25 s is the usual forgiveness for where a turn starts). Overlapped speech counts once
per speaker, as in pyannote.metrics.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from argmap.pipeline.heavy_imports import HEAVY_IMPORTS

STEP = 0.01


def read_rttm(text: str) -> list[tuple[float, float, str]]:
    """(start, end, speaker) from RTTM ``SPEAKER`` lines."""
    out = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 8 and parts[0] == "SPEAKER":
            start, dur = float(parts[3]), float(parts[4])
            out.append((start, start + dur, parts[7]))
    return out


def write_rttm(recording: str, turns: Iterable[tuple[float, float, str]]) -> str:
    """RTTM ``SPEAKER`` lines for the turns (file id and speaker names must hold no spaces)."""
    file_id = "".join(c if c.isalnum() or c in "-_.:" else "_" for c in recording) or "recording"
    lines = []
    for start, end, speaker in turns:
        name = "".join(c if c.isalnum() or c in "-_.:" else "_" for c in speaker) or "speaker"
        duration = max(0.0, end - start)
        lines.append(f"SPEAKER {file_id} 1 {start:.3f} {duration:.3f} <NA> <NA> {name} <NA> <NA>")
    return "\n".join(lines) + ("\n" if lines else "")


def der(
    reference: Sequence[tuple[float, float, Any]],
    hypothesis: Sequence[tuple[float, float, Any]],
    *,
    collar: float = 0.25,
) -> dict[str, float]:
    """DER and its parts (seconds), with the collar applied around reference boundaries."""
    import numpy as np

    with HEAVY_IMPORTS:
        from scipy.optimize import linear_sum_assignment

    end = max([e for _, e, _ in [*reference, *hypothesis]], default=0.0)
    n = int(np.ceil(end / STEP)) + 1
    ref_names = sorted({s for _, _, s in reference}, key=str)
    hyp_names = sorted({s for _, _, s in hypothesis}, key=str)
    ref = np.zeros((len(ref_names), n), dtype=bool)
    hyp = np.zeros((len(hyp_names), n), dtype=bool)
    for grid, names, turns in ((ref, ref_names, reference), (hyp, hyp_names, hypothesis)):
        for s, e, who in turns:
            grid[names.index(who), int(round(s / STEP)) : int(round(e / STEP))] = True
    scored = np.ones(n, dtype=bool)
    for s, e, _ in reference:
        for edge in (s, e):
            scored[max(0, int(round((edge - collar) / STEP))) : int(round((edge + collar) / STEP))] = False
    ref, hyp = ref[:, scored], hyp[:, scored]
    overlap = (ref[:, None, :] & hyp[None, :, :]).sum(axis=2) if len(ref) and len(hyp) else np.zeros((0, 0))
    rows, cols = linear_sum_assignment(-overlap) if overlap.size else ([], [])
    matched = float(sum(overlap[r, c] for r, c in zip(rows, cols, strict=True)))
    n_ref = ref.sum(axis=0)
    n_hyp = hyp.sum(axis=0)
    total = float(n_ref.sum())
    miss = float(np.maximum(n_ref - n_hyp, 0).sum())
    false_alarm = float(np.maximum(n_hyp - n_ref, 0).sum())
    confusion = float(np.minimum(n_ref, n_hyp).sum()) - matched
    return {
        "der": (miss + false_alarm + confusion) / total if total else 0.0,
        "miss": miss * STEP,
        "false_alarm": false_alarm * STEP,
        "confusion": confusion * STEP,
        "total": total * STEP,
    }
