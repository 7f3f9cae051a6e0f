"""How a batch's stages are driven: stage at a time, streaming on this machine, or Ray.

Every engine keeps the same promises (see :mod:`argmap.pipeline.runner`): the process that
holds the store is its only writer, each stage's rows and done mark land in one transaction,
and a failure is recorded per video while the batch goes on.
"""
