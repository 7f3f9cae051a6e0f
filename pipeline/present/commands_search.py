"""Commands on embeddings, search and comparison: embed, search, compare."""

from __future__ import annotations

import click

from argmap.pipeline.config import DEFAULT_SEARCH_SCOPE, SEARCH_MODES, SEARCH_SCOPES
from argmap.pipeline.present.cli_helpers import (
    argument_filters,
    db_option,
    echo_json,
    friendly_errors,
    llm_flags,
    llm_options,
    open_store,
    read_user_text,
)
from argmap.pipeline.text import clock

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
    """Embed arguments and transcript passages for search.

    Only new or changed text is embedded; a second --model keeps its vectors apart.

    \b
    Example:
        argmap embed
        argmap embed --model BAAI/bge-small-en-v1.5"""
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
    default=DEFAULT_SEARCH_SCOPE,
    show_default=True,
    help="Search extracted arguments, transcript passages (about 30 s each), or both (arguments"
    " first when a passage is about as relevant).",
)
@click.option(
    "--mode",
    type=click.Choice(SEARCH_MODES),
    default="hybrid",
    show_default=True,
    help="Meaning (vectors), words (full-text), or both fused by rank.",
)
@argument_filters
@click.option(
    "--since",
    help="Only videos published on or after this date, YYYY-MM-DD; undated videos (local files)"
    " are left out, and a note says how many (default: any date).",
)
@click.option(
    "--limit", type=click.IntRange(1, 1000), default=10, show_default=True, help="At most this many hits."
)
@click.option(
    "--model",
    default=None,
    help="Embedding model whose vectors to search (default: all-MiniLM-L6-v2 if embedded, else the"
    " most used).",
)
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
    """Find who said what about QUERY.

    Ranks arguments and transcript passages by meaning and by words, fused. When nothing
    is found, the message says why: nothing stored yet, which filter left nothing, or no
    match among how many items. --since leaves out undated videos (local files) and says so.

    \b
    Example:
        argmap search "who thinks export controls backfire?"
        argmap search tariffs --scope all --type critique --since 2025-01-01"""
    from argmap.pipeline.search.query import filter_report
    from argmap.pipeline.search.query import search as run_search
    from argmap.pipeline.search.relevance import answers

    if not query.strip():
        raise click.ClickException(
            'empty query: give words to search for, e.g. argmap search "export controls"'
        )
    store = open_store(db_path, readonly=True)
    options = dict(scope=scope, mode=mode, type=arg_type, commentator=commentator, since=since, model=model)
    # JSON is the ranked hits with their scores; people read the hits the relevance judge keeps, the
    # limit counting those (as the web view does), so a loose hit never takes a good one's place.
    answer = None if as_json else answers(store, query, limit=limit, **options)
    hits = run_search(store, query, limit=limit, **options) if as_json else []
    found = len(hits) if answer is None else answer.found
    # Counted only when needed: a plain search with hits costs nothing extra.
    counts: dict[str, int] = {}
    if since or not found:
        counts = filter_report(store, scope=scope, type=arg_type, commentator=commentator, since=since)
    if counts.get("undated") and (found or as_json):  # with no hits, the line below says it
        n = counts["undated"]
        click.secho(
            f"note: --since {since} left out {n} undated video{'s' if n != 1 else ''}"
            " (local files and some feeds have no publication date)",
            fg="yellow",
            err=True,
        )
    if answer is None:
        echo_json([h.as_dict() for h in hits])
        return
    if not found:
        filters = {"commentator": f"--commentator {commentator!r}", "type": f"--type {arg_type}"}
        filters["since"] = f"--since {since}"
        click.echo(_why_empty(counts, filters, scope, mode, query, bool(store.embedding_models())))
        return
    # Judged as the web view judges them: a plain label, not a fusion score, and hits that
    # neither mean nor say what was asked left out (counted, so the cut-off is never silent).
    shown = answer.shown
    for n, j in enumerate(shown, start=1):
        hit = j.hit
        click.echo(
            f"{n:>2}. [{j.label}] {hit.item.said_by_label} · {hit.video_title} · {hit.type} @ {hit.timestamp}"
        )
        click.echo(f"    {hit.text}")
        if hit.kind == "argument" and hit.quote and hit.quote != hit.text:
            click.echo(f"    “{hit.quote}”")  # curly: a quote that opens on a quote of its own stays readable
        click.echo(f"    {hit.url}")
    hidden = answer.hidden
    if hidden:
        hits_word = f"{hidden} hit{'s' if hidden != 1 else ''}"
        what = f"nothing stored is closely related to {query!r}: {hits_word}" if not shown else hits_word
        click.echo(f"{what} left out as too loosely related (--json lists the ranked hits with their scores)")


_ITEMS = {
    "arguments": ("argument", "arguments"),
    "passages": ("transcript passage", "transcript passages"),
    "all": ("argument or passage", "arguments and passages"),
}


def _why_empty(
    counts: dict[str, int], flags: dict[str, str], scope: str, mode: str, query: str, embedded: bool
) -> str:
    """One line on why a search found nothing: the store holds nothing to search, a filter
    left nothing (the first one that did, named as the user typed it), or nothing matched."""
    one, many = _ITEMS[scope]

    def items(n: int) -> str:
        return f"{n} {one if n == 1 else many}"

    if not counts["all"]:
        hint = "run `argmap embed`" if scope == "passages" else "run `argmap extract`, or ingest videos first"
        return f"nothing to search: no {many} stored yet ({hint})"
    before = counts["all"]
    for step in ("commentator", "type", "since"):
        if step not in counts:
            continue
        if not counts[step]:
            why = f"no results: {flags[step]} leaves none of {items(before)}"
            if step == "type" and scope == "passages":
                why += " (passages have no type; use --scope arguments or all)"
            if step == "since" and counts.get("undated"):
                n = counts["undated"]
                why += (
                    f": {n} of their videos {'has' if n == 1 else 'have'} no publication date"
                    " (local files and some feeds are undated)"
                )
            return why
        before = counts[step]
    hint = "" if embedded or mode == "keyword" else " (no embeddings yet, so words only: run `argmap embed`)"
    return f"no results for {query!r} among {items(before)}{hint}"


@click.command()
@db_option
@click.option(
    "--topic", help="Only arguments near this query, as `argmap search` finds them (default: all arguments)."
)
@click.option(
    "--commentator",
    "commentators",
    multiple=True,
    help="Only this commentator, name or id (repeatable; default: all).",
)
@click.option(
    "--min-commentators",
    type=click.IntRange(1),
    default=2,
    show_default=True,
    help="A key point needs arguments from at least this many commentators to be shared.",
)
@click.option(
    "--method",
    type=click.Choice(["kpa", "cluster"]),
    default="kpa",
    show_default=True,
    help="kpa: choose key points, match every argument to them (trained matcher, relation model); "
    "cluster: group similar arguments (the older way).",
)
@click.option(
    "--key-points",
    "key_points_file",
    type=click.Path(exists=True, dir_okay=False),
    help="Your own key points, one per line (kpa; default: chosen from the arguments).",
)
@click.option(
    "--update",
    is_flag=True,
    help="Match only arguments new since the stored run with the same options to its key points, and "
    "propose key points for what matches none; the rest stays as it was (kpa).",
)
@click.option(
    "--max-key-points",
    type=click.IntRange(1),
    default=60,
    show_default=True,
    help="kpa: at most this many key points in the run (narrow with --topic/--commentator for more detail).",
)
@click.option(
    "--threshold",
    type=click.FloatRange(-1.0, 1.0, min_open=True, max_open=True),
    default=None,
    help="kpa: match score an argument needs to join a key point (default: the matcher's own, learned); "
    "cluster: cosine similarity that makes two arguments one key point (default 0.65).",
)
@click.option(
    "--model",
    default=None,
    help="cluster: embedding model whose vectors to compare (default: as for search).",
)
@click.option(
    "--llm",
    "use_llm",
    is_flag=True,
    help="kpa: key point labels written and sides judged by the configured LLM, checked, with the offline "
    "models behind it (default: offline only).",
)
@llm_flags
@click.option("--json", "as_json", is_flag=True, help="Print JSON (key points, members, stances, relations).")
@friendly_errors
def compare(
    db_path: str | None,
    topic: str | None,
    commentators: tuple[str, ...],
    min_commentators: int,
    method: str,
    key_points_file: str | None,
    update: bool,
    max_key_points: int,
    threshold: float | None,
    model: str | None,
    use_llm: bool,
    llm_base_url: str | None,
    llm_model: str | None,
    llm_api_key: str | None,
    as_json: bool,
) -> None:
    """Where commentators agree or clash, as key points.

    Chooses key points, matches every argument to them and shows each commentator's stance,
    the clashes, and how many of each one's arguments no other commentator matched. The run
    is stored; `argmap export` and `argmap serve` show it.

    \b
    Example:
        argmap compare --topic "Meta training Avocado on Qwen"
        argmap compare --commentator "Dana Reyes" --commentator "Marco Bianchi" --json
        argmap compare --key-points points.txt
        argmap compare --update            # after ingesting more videos"""
    from argmap.pipeline.compare.clustering import DEFAULT_THRESHOLD, STANCE_LABELS, alone_line
    from argmap.pipeline.compare.clustering import compare as run_cluster
    from argmap.pipeline.compare.kpa import kpa_compare
    from argmap.pipeline.text import timestamp_url
    from argmap.store.queries import count_arguments

    store = open_store(db_path)
    if method == "cluster":
        if key_points_file or update:
            raise click.UsageError("--key-points and --update are for --method kpa")
        result = run_cluster(
            store,
            topic=topic,
            commentators=list(commentators) or None,
            min_commentators=min_commentators,
            threshold=threshold if threshold is not None else DEFAULT_THRESHOLD,
            model=model,
        )
    else:
        given = None
        if key_points_file:
            given = [line.strip() for line in read_user_text(key_points_file).splitlines()]
            given = [g for g in given if g and not g.startswith("#")]
            if not given:
                raise click.UsageError(f"{key_points_file} holds no key points (one per line)")
        judge, llm = None, None
        if use_llm:
            from argmap.pipeline.compare.llm_compare import llm_judge
            from argmap.pipeline.compare.sides import default_judge

            options = llm_options("llm", llm_base_url, llm_model, llm_api_key)
            judge, llm = llm_judge(default_judge(), **options)
        result = kpa_compare(
            store,
            topic=topic,
            commentators=list(commentators) or None,
            min_commentators=min_commentators,
            threshold=threshold,
            key_points=given,
            update=update,
            max_key_points=max_key_points,
            judge=judge,
            labeller=llm.label if llm is not None and not given else None,
        )
        for note in llm.notes if llm is not None else []:
            click.secho(note, err=True, fg="yellow")
    if as_json:
        echo_json(result.as_dict())
        return
    at_least = f"by {result.min_commentators} or more commentators"
    if not result.key_points and not result.unique:
        if result.formed:  # key points formed, none with enough commentators
            click.echo(f"{result.formed} key point(s) formed; none is shared {at_least}")
        elif result.arguments:  # arguments were there, but no point was made twice
            hint = "a key point needs 2 matching arguments; try more videos or commentators"
            click.echo(f"no key point formed from {result.arguments} argument(s) ({hint})")
        elif topic and topic.strip() and count_arguments(store):  # the topic left none of them
            click.echo(
                f"no argument is near the topic {topic!r}; try other words"
                " (`argmap search` shows what is there)"
            )
        else:
            click.echo("no arguments to compare (run `argmap extract` first?)")
        return
    click.echo(f"{len(result.key_points)} key point(s) shared {at_least}, from {result.arguments} arguments")
    for n, kp in enumerate(result.key_points, start=1):
        click.echo("")
        click.secho(f"{n}. {kp.key_point.label}", bold=True)
        stances = ", ".join(
            f"{who}: {STANCE_LABELS.get(stance, stance)}" for who, stance in kp.stances.items()
        )
        click.echo(f"   stances: {stances}")
        for m in kp.members:
            click.echo(f"   - {m.commentator:<20} {m.argument.type:<15} {m.argument.text}")
            click.echo(f"     {timestamp_url(m.video, m.argument.start)}")
        clashes = [r for r in kp.relations if r.relation == "contrasts"]
        if clashes:
            by_id = {m.argument.id: m for m in kp.members}
            click.secho(f"   clashes: {len(clashes)}", fg="red")
            for r in clashes:
                a, b = by_id.get(r.source_argument_id), by_id.get(r.target_argument_id)
                if a is None or b is None:
                    continue
                sure = f", confidence {r.score:.2f}" if r.score is not None else ""
                click.secho(
                    f"   x {a.commentator} at {clock(a.argument.start)} vs {b.commentator} at "
                    f"{clock(b.argument.start)}{sure}",
                    fg="red",
                )
    if any(r.relation == "contrasts" for kp in result.key_points for r in kp.relations):
        methods = sorted({r.method for kp in result.key_points for r in kp.relations})
        click.echo("")
        click.echo(f"sides judged by {', '.join(methods)}; a clash is a lead to check at the linked moments")
    if result.unique:
        click.echo("")
        for kp in result.unique:
            click.echo(alone_line(kp))
    if result.alone:
        # an argument no key point took is a point nobody else made: say whose, and where to read them
        n = sum(result.alone.values())
        whose = ", ".join(f"{who} {count}" for who, count in result.alone.items())
        click.echo("")
        click.echo(
            f"{n} of {result.arguments} arguments joined no key point, points nobody else made ({whose};"
            " argmap arguments --commentator NAME lists them with the rest)"
        )


__all__ = ["embed", "search", "compare"]
