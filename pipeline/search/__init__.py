"""Embeddings for arguments and passages, and hybrid (vector + keyword) search over them."""
