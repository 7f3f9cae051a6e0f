"""Commands on embeddings, search and comparison: embed, search, compare."""

from __future__ import annotations

import click

from argmap.pipeline.config import SEARCH_MODES, SEARCH_SCOPES
from argmap.pipeline.present.cli_helpers import (
    argument_filters,
    db_option,
    echo_json,
    friendly_errors,
    open_store,
)

# -- embedding, search and compare commands (embed, search, compare) ----------------


@click.command()
@db_option
@click.option(
    "--model",
    default=None,
    help="sentence-transformers name or path (default: all-MiniLM-L6-v2, bundled for offline use).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def embed(db_path: str | None, model: str | None, as_json: bool) -> None:
    """Embed arguments and transcript passages; unchanged text is never embedded twice."""
    from argmap.pipeline.search.embed import embed_all

    store = open_store(db_path)
    report = embed_all(store, model)
    if as_json:
        echo_json(report.as_dict())
        return
    click.echo(
        f"{report.model}: {report.embedded} embedded, {report.unchanged} unchanged, {report.videos} videos"
    )
    for video_id, reason in report.failed.items():
        click.secho(f"  failed {video_id}: {reason}", fg="red", err=True)


@click.command()
@db_option
@click.argument("query")
@click.option(
    "--scope",
    type=click.Choice(SEARCH_SCOPES),
    default="arguments",
    show_default=True,
    help="Search extracted arguments, transcript passages (about 30 s each), or both.",
)
@click.option(
    "--mode",
    type=click.Choice(SEARCH_MODES),
    default="hybrid",
    show_default=True,
    help="Meaning (vectors), words (full-text), or both fused by rank.",
)
@argument_filters
@click.option("--since", help="Only videos published on or after this date (YYYY-MM-DD).")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--model", default=None, help="Embedding model whose vectors to search.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (a list of hits).")
@friendly_errors
def search(
    db_path: str | None,
    query: str,
    scope: str,
    mode: str,
    arg_type: str | None,
    commentator: str | None,
    since: str | None,
    limit: int,
    model: str | None,
    as_json: bool,
) -> None:
    """Find who said what about QUERY: vector and keyword search, fused."""
    from argmap.pipeline.search.query import search as run_search

    store = open_store(db_path, readonly=True)
    hits = run_search(
        store,
        query,
        scope=scope,
        mode=mode,
        type=arg_type,
        commentator=commentator,
        since=since,
        limit=limit,
        model=model,
    )
    if as_json:
        echo_json([h.as_dict() for h in hits])
        return
    if not hits:
        hint = "" if store.embedding_models() else " (no embeddings yet: run `argmap embed`)"
        click.echo(f"no results{hint}")
        return
    for n, hit in enumerate(hits, start=1):
        who = hit.commentator or "unknown"
        click.echo(f"{n:>2}. [{hit.score:.3f}] {who} · {hit.video_title} · {hit.type} @ {hit.timestamp}")
        click.echo(f"    {hit.text}")
        if hit.kind == "argument" and hit.quote and hit.quote != hit.text:
            click.echo(f'    "{hit.quote}"')
        click.echo(f"    {hit.url}")


@click.command()
@db_option
@click.option("--topic", help="Only arguments near this query.")
@click.option("--commentator", "commentators", multiple=True, help="Restrict to these (repeatable).")
@click.option("--min-commentators", type=click.IntRange(1), default=2, show_default=True)
@click.option(
    "--threshold",
    type=click.FloatRange(0.0, 1.0, min_open=True, max_open=True),
    default=None,
    help="Cosine similarity that makes two arguments one key point (default 0.65).",
)
@click.option("--model", default=None, help="Embedding model to compare with.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (key points, members, stances, relations).")
@friendly_errors
def compare(
    db_path: str | None,
    topic: str | None,
    commentators: tuple[str, ...],
    min_commentators: int,
    threshold: float | None,
    model: str | None,
    as_json: bool,
) -> None:
    """Where commentators agree or clash: shared key points, stances, and what only one argued."""
    from argmap.pipeline.compare.clustering import DEFAULT_THRESHOLD
    from argmap.pipeline.compare.clustering import compare as run_compare
    from argmap.pipeline.text import timestamp_url

    store = open_store(db_path)
    result = run_compare(
        store,
        topic=topic,
        commentators=list(commentators) or None,
        min_commentators=min_commentators,
        threshold=threshold if threshold is not None else DEFAULT_THRESHOLD,
        model=model,
    )
    if as_json:
        echo_json(result.as_dict())
        return
    if not result.key_points and not result.unique:
        click.echo("no arguments to compare (run `argmap extract` first?)")
        return
    click.echo(f"{len(result.key_points)} shared key points from {result.arguments} arguments")
    for n, kp in enumerate(result.key_points, start=1):
        click.echo("")
        click.secho(f"{n}. {kp.key_point.label}", bold=True)
        stances = ", ".join(f"{who}: {stance}" for who, stance in kp.stances.items())
        click.echo(f"   stances: {stances}")
        for m in kp.members:
            click.echo(f"   - {m.commentator:<20} {m.argument.type:<15} {m.argument.text}")
            click.echo(f"     {timestamp_url(m.video, m.argument.start)}")
        clashes = [r for r in kp.relations if r.relation == "contrasts"]
        if clashes:
            rules = ", ".join(sorted({r.method for r in clashes}))
            click.secho(f"   clashes: {len(clashes)} ({rules})", fg="red")
    if result.unique:
        click.echo("")
        for kp in result.unique:
            click.echo(f"only {kp.members[0].commentator} argued: {kp.key_point.label}")


__all__ = ["embed", "search", "compare"]
