"""From a transcript to typed, timed, quoted arguments.

Sentence rules, the classifier, the LLM path, and their evaluation."""
