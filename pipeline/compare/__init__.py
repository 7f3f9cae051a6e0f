"""Comparison across commentators: key points, who holds them, and who agrees or clashes."""
