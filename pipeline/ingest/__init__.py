"""Getting videos in: sources expanded to entries, media or captions fetched, speech transcribed."""
