"""Commands on arguments and summaries: extract, arguments, summary, eval."""

from __future__ import annotations

import sys
from typing import Any

import click

from argmap.pipeline.present.cli_helpers import (
    argument_filters,
    db_option,
    echo_json,
    friendly_errors,
    llm_flags,
    llm_options,
    open_store,
)

# -- argument commands (extract, arguments, summary, eval) ---------------------------


@click.command()
@db_option
@click.argument("videos", nargs=-1)
@click.option(
    "--extractor",
    "extractor_name",
    default="default",
    show_default=True,
    help="Extractor: default (offline), rules, llm, or a plugin's name.",
)
@click.option("--force", is_flag=True, help="Re-extract even when this extractor version already ran.")
@llm_flags
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def extract(
    db_path: str | None,
    videos: tuple[str, ...],
    extractor_name: str,
    force: bool,
    llm_base_url: str | None,
    llm_model: str | None,
    llm_api_key: str | None,
    as_json: bool,
) -> None:
    """Extract arguments (and summaries) from transcripts.

    VIDEOS (default: every transcribed video) are named as for `argmap transcript`: id,
    prefix, URL, file path or title words.

    \b
    Example:
        argmap extract
        argmap extract multilingual --force
        argmap extract --extractor llm --llm-base-url http://localhost:11434/v1 --llm-model qwen2.5:7b"""
    from dataclasses import asdict

    from argmap.pipeline.extract.run import extract_videos
    from argmap.pipeline.summarise.run import refresh_summaries

    options = llm_options(extractor_name, llm_base_url, llm_model, llm_api_key)
    store = open_store(db_path)
    outcomes = extract_videos(store, list(videos) or None, extractor_name, force=force, **options)
    # A summary is built on the arguments: those extracted again are summarised again.
    ok = [o.video_id for o in outcomes if o.status != "failed"]
    problems: list[str] = []
    extracted = {o.video_id for o in outcomes if o.status == "extracted"}
    summarised = set(refresh_summaries(store, ok, extracted, extractor_name, problems, **options))
    if as_json:
        echo_json([{**asdict(o), "summarised": o.video_id in summarised} for o in outcomes])
    else:
        for o in outcomes:
            if o.status == "failed":
                click.secho(f"{o.video_id}: failed: {o.message}", fg="red", err=True)
                continue
            again = ", summary made again" if o.video_id in summarised else ""
            click.echo(f"{o.video_id}: {o.status}, {o.count} arguments ({o.extractor} v{o.version}){again}")
            for note in o.notes:
                click.secho(f"  note: {note}", fg="yellow")
    for line in problems:
        click.secho(line, fg="red", err=True)
    if problems or any(o.status == "failed" for o in outcomes):
        sys.exit(1)


@click.command()
@db_option
@click.argument("videos", nargs=-1)
@argument_filters
@click.option("--extractor", "extractor_name", help="Only rows made by this extractor (default: any).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def arguments(
    db_path: str | None,
    videos: tuple[str, ...],
    arg_type: str | None,
    commentator: str | None,
    extractor_name: str | None,
    as_json: bool,
) -> None:
    """List stored arguments with their type, time and link.

    VIDEOS (default: all) are named as for `argmap transcript`. An empty list says why:
    nothing transcribed, extraction not run, extraction ran and found none, or which
    filter left nothing.

    \b
    Example:
        argmap arguments --type critique --commentator "Eli the Computer Guy"
        argmap arguments multilingual --json"""
    from argmap.pipeline.extract.run import list_arguments

    store = open_store(db_path, readonly=True)
    if commentator:
        from argmap.pipeline.search.query import full_name

        commentator = full_name(store, commentator)
    rows = list_arguments(
        store, list(videos) or None, type=arg_type, commentator=commentator, extractor=extractor_name
    )
    if not rows and commentator and _nobody_named(store, commentator):
        from argmap.pipeline.search.query import did_you_mean

        # an error, as for `argmap search`: a typo is not an empty listing
        raise click.ClickException(
            f"no commentator or speaker named {commentator!r}{did_you_mean(store, commentator)}"
        )
    if as_json:
        echo_json(rows)
        return
    if not rows:
        ids = [store.resolve_video(ref).id for ref in videos] if videos else None
        flags = {"extractor": extractor_name, "type": arg_type, "commentator": commentator}
        click.echo(_why_no_arguments(store, ids, flags))
    for r in rows:
        minutes, seconds = divmod(int(r["start"]), 60)
        who = r["said_by"] if r["said_by"] != "unknown" else r["video_id"]
        source = " (from the title)" if r.get("origin") == "title" else ""
        click.echo(f"[{minutes:02d}:{seconds:02d}] {r['type']:<14} {who}{source}: {r['text']}")
        click.echo(f"{'':22}{r['url']}")


def _stored_as(flag: str, value: str | None) -> str:
    """ "; its rows are stored as 'default' (version 1)" for an extractor that writes under another
    name (rules is default version 1), else ""."""
    if flag != "extractor" or not value:
        return ""
    from argmap.pipeline.extract.registry import get_extractor

    try:
        extractor = get_extractor(value)
    except Exception:  # noqa: BLE001 - an unknown name is just not found
        return ""
    stored = getattr(extractor, "name", value)
    if stored == value:
        return ""
    return f"; its rows are stored as {stored!r} (version {getattr(extractor, 'version', '?')})"


def _nobody_named(store: Any, name: str) -> bool:
    """No commentator, named person or caption label is called ``name`` (nor has it as id)."""
    from argmap.store.queries import arguments_in_context, filter_names

    known = {n.casefold() for n in filter_names(store)}
    return (
        name.casefold() not in known
        and not store.find_commentators(name)
        and not arguments_in_context(store, commentator=name)
    )


def _why_no_arguments(store: Any, video_ids: list[str] | None, flags: dict[str, str | None]) -> str:
    """One line on why ``argmap arguments`` is empty, never a hint that misleads: "run
    extract" only where extraction has not run; a filter named only when it left nothing."""
    from argmap.store.queries import count_arguments, extraction_state

    state = extraction_state(store, video_ids)
    which = "these videos" if video_ids else "the store"
    if not state["videos"]:
        return "no videos yet: add some with `argmap ingest SOURCE`"
    if state["arguments"]:
        # Arguments exist: a filter removed them all. Name the first one that did.
        applied: dict[str, str | None] = {}
        before = state["arguments"]
        by = ""
        for name in ("extractor", "type", "commentator"):
            if not flags[name]:
                continue
            applied[name] = flags[name]
            left = count_arguments(store, video_ids=video_ids, **applied)  # type: ignore[arg-type]
            if not left:
                given = f"--{name} {flags[name]!r}"
                of = f"the {before} argument(s) {by}" if by else f"{before} argument(s)"
                return f"no arguments: {given} matches none of {of} in {which}{_stored_as(name, flags[name])}"
            before = left
            by = f"left by {', '.join(f'--{k} {v}' for k, v in applied.items())}"
        return "no arguments match these filters"  # unreachable while the filters above are all there are
    waiting = state["transcribed"] - state["extracted"]
    if state["extracted"]:
        line = f"extraction ran on {state['extracted']} video(s) and found no arguments"
        if waiting > 0:
            line += f"; {waiting} transcribed video(s) are not extracted yet (`argmap extract`)"
        return line
    if state["transcribed"]:
        n = state["transcribed"]
        return f"no arguments yet: {n} transcribed video(s) not extracted (run `argmap extract`)"
    if video_ids and len(video_ids) == 1:  # say why this one has none, as `argmap transcript` does
        from argmap.pipeline.document import no_transcript_reason

        return f"no arguments: {no_transcript_reason(store, store.resolve_video(video_ids[0]))}"
    return f"no arguments yet: no video in {which} has a transcript (see `argmap videos` for failures)"


@click.command()
@db_option
@click.argument("video")
@click.option(
    "--summariser",
    default=None,
    help="Summarise now with this summariser: default or llm (default: show the stored summary,"
    " made with default if there is none).",
)
@llm_flags
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def summary(
    db_path: str | None,
    video: str,
    summariser: str | None,
    llm_base_url: str | None,
    llm_model: str | None,
    llm_api_key: str | None,
    as_json: bool,
) -> None:
    """Show a video's gist, paragraph and timed key points.

    VIDEO is named as for `argmap transcript`. A missing summary, or one the offline default made
    in an older version, is made on demand.

    \b
    Example:
        argmap summary multilingual
        argmap summary youtube:abc123def45 --summariser llm --json"""
    from argmap.pipeline.summarise.run import current_summary, summarise_video, summary_dict

    store = open_store(db_path)
    v = store.resolve_video(video)  # an unknown video is a StoreError: friendly_errors says so
    if summariser:
        options = llm_options(summariser, llm_base_url, llm_model, llm_api_key)
        stored = summarise_video(store, v, summariser, **options)
    else:
        stored = current_summary(store, v)
    data = summary_dict(store, v, stored)
    if as_json:
        echo_json(data)
        return
    click.secho(data["gist"], bold=True)
    click.echo()
    click.echo(data["paragraph"])
    click.echo()
    for kp in data["key_points"]:
        minutes, seconds = divmod(int(kp["start"] or 0), 60)
        who = f"{kp['speaker']}: " if kp.get("speaker") else ""
        click.echo(f"  [{minutes:02d}:{seconds:02d}] {who}{kp['text']}")
        click.echo(f"          {kp['url']}")


@click.command(name="eval")
@click.argument("dataset", type=click.Path(exists=True, dir_okay=False), required=False)
@click.option(
    "--seeds",
    "seeds_dir",
    type=click.Path(exists=True, file_okay=False),
    help="Score on the labelled shared seed texts in this folder (../shared/seeds) instead of a DATASET.",
)
@click.option(
    "--extractor", "extractor_name", default="default", show_default=True, help="Extractor to score."
)
@click.option(
    "--captions/--no-captions",
    default=True,
    show_default=True,
    help="Also score the caption form (lower case, no punctuation, 7-word cues) and how many arguments"
    " of the punctuated run it gives back.",
)
@llm_flags
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def eval_command(
    dataset: str | None,
    seeds_dir: str | None,
    extractor_name: str,
    captions: bool,
    llm_base_url: str | None,
    llm_model: str | None,
    llm_api_key: str | None,
    as_json: bool,
) -> None:
    """Score an extractor on labelled data.

    DATASET is a labelled JSONL file; --seeds DIR scores the labelled seed texts instead.
    Prints precision, recall and F1 for detection, typed, and per type, then the same on the
    caption form of the text; --seeds adds one table per text.
    """
    from argmap.pipeline.extract.evaluate import evaluate_file, evaluate_seeds, format_table

    if (dataset is None) == (seeds_dir is None):
        raise click.UsageError("give either a DATASET file or --seeds DIR")
    options = llm_options(extractor_name, llm_base_url, llm_model, llm_api_key)
    if seeds_dir is not None:
        report = evaluate_seeds(seeds_dir, extractor_name, captions=captions, **options)
        if as_json:
            echo_json(report)
            return
        for part in report["per_text"].values():
            click.echo(format_table(part) + "\n")
        click.echo(format_table(report))
        return
    assert dataset is not None
    report = evaluate_file(dataset, extractor_name, captions=captions, **options)
    if as_json:
        echo_json(report)
    else:
        click.echo(format_table(report))


__all__ = ["extract", "arguments", "summary", "eval_command"]
