"""From a transcript to typed, timed, quoted arguments: sentence rules, the classifier, the LLM path, evaluation."""
