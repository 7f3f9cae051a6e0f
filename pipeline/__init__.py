"""argmap.pipeline: the stages (download, transcribe, extract, summarise, embed, compare,
export), the runner that drives them over the store, and the click CLI on top.

Heavy libraries (faster-whisper, yt-dlp, torch, sentence-transformers) are imported only
inside the functions that need them, so importing this package and `argmap --help` stay fast.
"""

__version__ = "0.1.0"
