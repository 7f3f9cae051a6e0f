"""Per-video summaries: the offline extractive default and the LLM map-reduce, found by name."""
