"""Commands on arguments and summaries: extract, arguments, summary, eval."""

from __future__ import annotations

import sys

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
@click.option("--extractor", "extractor_name", default="default", show_default=True, help="Extractor name.")
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
    """Extract arguments from transcribed VIDEOS (default: all transcribed videos)."""
    from dataclasses import asdict

    from argmap.pipeline.extract.run import extract_videos

    options = llm_options(extractor_name, llm_base_url, llm_model, llm_api_key)
    store = open_store(db_path)
    outcomes = extract_videos(store, list(videos) or None, extractor_name, force=force, **options)
    if as_json:
        echo_json([asdict(o) for o in outcomes])
    else:
        for o in outcomes:
            if o.status == "failed":
                click.secho(f"{o.video_id}: failed: {o.message}", fg="red", err=True)
                continue
            click.echo(f"{o.video_id}: {o.status}, {o.count} arguments ({o.extractor} v{o.version})")
            for note in o.notes:
                click.secho(f"  note: {note}", fg="yellow")
    if any(o.status == "failed" for o in outcomes):
        sys.exit(1)


@click.command()
@db_option
@click.argument("videos", nargs=-1)
@argument_filters
@click.option("--extractor", "extractor_name", help="Only rows made by this extractor.")
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
    """List stored arguments with type, quote, time and a link to the moment."""
    from argmap.pipeline.extract.run import list_arguments

    store = open_store(db_path, readonly=True)
    rows = list_arguments(
        store, list(videos) or None, type=arg_type, commentator=commentator, extractor=extractor_name
    )
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("no arguments (run `argmap extract` after ingesting)")
    for r in rows:
        minutes, seconds = divmod(int(r["start"]), 60)
        who = r["speaker"] or r["commentator"] or r["video_id"]
        click.echo(f"[{minutes:02d}:{seconds:02d}] {r['type']:<14} {who}: {r['text']}")
        click.echo(f"{'':22}{r['url']}")


@click.command()
@db_option
@click.argument("video")
@click.option("--summariser", default=None, help="Summarise now with this summariser (default, llm).")
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
    """Show a video's summary: gist, paragraph and timed key points (made on demand if missing)."""
    from argmap.pipeline.summarise.run import summarise_video, summary_dict

    store = open_store(db_path)
    v = store.resolve_video(video)  # an unknown video is a StoreError: friendly_errors says so
    stored = None if summariser else store.summary(v.id)
    if stored is None:
        name = summariser or "default"
        options = llm_options(name, llm_base_url, llm_model, llm_api_key)
        stored = summarise_video(store, v, name, **options)
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
        click.echo(f"  [{minutes:02d}:{seconds:02d}] {kp['text']}")
        click.echo(f"          {kp['url']}")


@click.command(name="eval")
@click.argument("dataset", type=click.Path(exists=True, dir_okay=False), required=False)
@click.option(
    "--seeds",
    "seeds_dir",
    type=click.Path(exists=True, file_okay=False),
    help="Score on the labelled shared seed texts in this folder (../shared/seeds) instead of a DATASET.",
)
@click.option("--extractor", "extractor_name", default="default", show_default=True)
@llm_flags
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def eval_command(
    dataset: str | None,
    seeds_dir: str | None,
    extractor_name: str,
    llm_base_url: str | None,
    llm_model: str | None,
    llm_api_key: str | None,
    as_json: bool,
) -> None:
    """Score an extractor on a labelled JSONL DATASET (or the labelled seed texts with --seeds DIR).

    Prints precision, recall and F1 for detection, typed, and per type; --seeds adds one table per text.
    """
    from argmap.pipeline.extract.evaluate import evaluate_file, evaluate_seeds, format_table

    if (dataset is None) == (seeds_dir is None):
        raise click.UsageError("give either a DATASET file or --seeds DIR")
    options = llm_options(extractor_name, llm_base_url, llm_model, llm_api_key)
    if seeds_dir is not None:
        report = evaluate_seeds(seeds_dir, extractor_name, **options)
        if as_json:
            echo_json(report)
            return
        for part in report["per_text"].values():
            click.echo(format_table(part) + "\n")
        click.echo(format_table(report))
        return
    assert dataset is not None
    report = evaluate_file(dataset, extractor_name, **options)
    if as_json:
        echo_json(report)
    else:
        click.echo(format_table(report))


__all__ = ["extract", "arguments", "summary", "eval_command"]
