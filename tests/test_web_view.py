"""The web view's pages and media route over real HTTP, on a library with every kind of video
(tests/web_fixtures.py): local media, an imported transcript, a deleted file, YouTube videos."""

from __future__ import annotations

import http.client
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from web_fixtures import LOCAL, MISSING, REMOTE, TEXT, seed_library

from argmap.pipeline.present.serve import ArgmapServer, make_server
from argmap.pipeline.present.web.media import Unsatisfiable, parse_range
from argmap.store import Store


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ArgmapServer, Path]]:
    root = tmp_path_factory.mktemp("library")
    store = Store.open(root / "argmap.db")
    seed_library(store, root)
    store.close()
    server = make_server(root / "argmap.db", port=0, warm=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, root
    server.shutdown()
    server.server_close()


def request(
    server: ArgmapServer, path: str, headers: dict[str, str] | None = None, method: str = "GET"
) -> tuple[int, dict[str, str], bytes]:
    """One request with http.client, the path sent exactly as given (no client-side normalising)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=30)
    try:
        conn.request(method, path, headers=headers or {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def page(server: ArgmapServer, path: str) -> tuple[int, str]:
    status, _, body = request(server, path)
    return status, body.decode("utf-8")


def video_path(video_id: str, **extra: str) -> str:
    return "/video?" + urlencode({"id": video_id, **extra})


# -- /media/: range requests ----------------------------------------------------------------------


def test_media_answers_range_requests_with_the_right_bytes(library: tuple[ArgmapServer, Path]) -> None:
    server, root = library
    data = (root / "stadium.wav").read_bytes()
    size = len(data)
    path = "/media/" + quote(LOCAL, safe="")

    status, headers, body = request(server, path)
    assert status == 200 and body == data
    assert headers["accept-ranges"] == "bytes" and headers["content-type"] == "audio/wav"

    status, headers, body = request(server, path, {"Range": "bytes=100-199"})
    assert status == 206 and body == data[100:200]
    assert headers["content-range"] == f"bytes 100-199/{size}" and headers["content-length"] == "100"

    status, headers, body = request(server, path, {"Range": f"bytes={size - 10}-"})
    assert status == 206 and body == data[-10:]
    assert headers["content-range"] == f"bytes {size - 10}-{size - 1}/{size}"

    status, headers, body = request(server, path, {"Range": "bytes=-64"})
    assert status == 206 and body == data[-64:]

    status, headers, body = request(server, path, {"Range": f"bytes={size}-"})
    assert status == 416 and headers["content-range"] == f"bytes */{size}" and body == b""

    status, headers, body = request(server, path, {"Range": "bytes=0-1,5-9"})  # multi-range: whole file
    assert status == 200 and body == data

    status, headers, body = request(server, path, {"Range": "bytes=0-9", "If-Range": '"stale"'})
    assert status == 200 and body == data  # the client's copy is of another version

    etag = headers["etag"]
    status, headers, body = request(server, path, {"Range": "bytes=0-9", "If-Range": etag})
    assert status == 206 and body == data[:10]

    status, headers, body = request(server, path, {"Range": "bytes=10-19"}, method="HEAD")
    assert status == 206 and body == b"" and headers["content-length"] == "10"
    assert headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("bytes=0-0", (0, 0)),
        ("bytes=5-", (5, 99)),
        ("bytes=-1", (99, 99)),
        ("bytes=-500", (0, 99)),
        ("bytes=90-500", (90, 99)),
        ("bytes=9-3", None),
        ("bytes=a-b", None),
        ("items=0-5", None),
        ("bytes=-", None),
        ("bytes=0-1, 3-4", None),
    ],
)
def test_parse_range(header: str | None, expected: tuple[int, int] | None) -> None:
    assert parse_range(header, 100) == expected


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=-0", "bytes=250-300"])
def test_parse_range_past_the_end(header: str) -> None:
    with pytest.raises(Unsatisfiable):
        parse_range(header, 100)


def test_media_never_serves_a_path_from_the_url(library: tuple[ArgmapServer, Path]) -> None:
    server, root = library
    secret = root / "secret.txt"
    secret.write_text("not for the browser", encoding="utf-8")
    attempts = [
        "/media/../argmap.db",
        "/media/..%2Fargmap.db",
        "/media/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/media/../../../../etc/passwd",
        "/media/" + quote(str(secret), safe=""),
        "/media/" + quote(str(root / "stadium.wav"), safe=""),  # the right file, but by path: no
        "/media/" + quote(secret.as_uri(), safe=""),
        "/media/file%3Anope",
        "/media/",
        "/media/" + quote(TEXT, safe=""),  # an imported transcript: no media at all
        "/media/" + quote(MISSING, safe=""),  # its file was deleted
        "/media/" + quote(REMOTE, safe=""),  # lives on YouTube
    ]
    for path in attempts:
        status, _, body = request(server, path)
        assert status == 404, path
        assert b"not for the browser" not in body and b"SQLite format" not in body
    # the server is still answering, and the one right request still works
    assert request(server, "/media/" + quote(LOCAL, safe=""), {"Range": "bytes=0-3"})[2] == b"RIFF"


def test_media_refuses_a_stored_path_that_is_not_media(tmp_path: Path) -> None:
    """Even a path the store holds is served only when it is an audio or video file."""
    from argmap.store import Video

    store = Store.open(tmp_path / "argmap.db")
    db = str(tmp_path / "argmap.db")
    store.upsert_video(Video("file:dbfile", (tmp_path / "x.mp3").as_uri(), "odd", media_path=db))
    store.close()
    server = make_server(tmp_path / "argmap.db", port=0, warm=False)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        status, _, body = request(server, "/media/file%3Adbfile")
        assert status == 404 and b"SQLite format" not in body
    finally:
        server.shutdown()
        server.server_close()


# -- the video page: player, moment links, transcript -----------------------------------------------


def test_video_page_plays_local_media_and_every_moment_seeks_it(library: tuple[ArgmapServer, Path]) -> None:
    server, _ = library
    status, body = page(server, video_path(LOCAL))
    assert status == 200
    assert f'<audio id="player" controls preload="metadata" src="/media/{quote(LOCAL, safe="")}"' in body
    assert '<script src="/static/player.js" defer></script>' in body
    moments = re.findall(r'<a class="moment" href="([^"]+)" data-t="([^"]+)">', body)
    assert len(moments) >= 8 + 4  # every transcript line and every argument
    # each link is the video page at that moment, so it also works opened in a tab of its own
    # (the media file's address plays nothing there: /media/ answers with a download-only CSP)
    assert all(h == f"{video_path(LOCAL)}#t={t}" for h, t in moments)
    assert "file://" not in body and "open the video" not in body
    # transcript lines carry their times for the player to follow, speaker turns are marked
    assert re.search(r'<div class="seg hl" id="seg-0" data-start="0" data-end="5">', body)
    assert body.count('<div class="turn">') == 3  # Dana, the guest, Dana again
    assert '<div class="turn">Guest Expert</div>' in body
    assert 'href="/person?id=p-guest"' in body  # the speakers section links people
    assert "Dana Reyes argues that stadium subsidies" in body  # the summary


def test_imported_transcript_shows_quotes_not_a_video_link(library: tuple[ArgmapServer, Path]) -> None:
    server, _ = library
    status, body = page(server, video_path(TEXT))
    assert status == 200
    assert "<audio" not in body and "player.js" not in body and "open the video" not in body
    assert 'id="media-note">An imported transcript with no media' in body
    assert "<blockquote>Vote against the arena deal this spring.</blockquote>" in body  # quote, even if same
    assert '<a class="moment line" href="#seg-2">0:10</a>' in body  # times point into the transcript


def test_deleted_media_says_so(library: tuple[ArgmapServer, Path]) -> None:
    server, _ = library
    status, body = page(server, video_path(MISSING))
    assert status == 200 and "<audio" not in body
    assert "The media file is no longer on disk" in body and "--keep-media" in body


def test_remote_videos_keep_their_sites_time_links(library: tuple[ArgmapServer, Path]) -> None:
    server, _ = library
    status, body = page(server, video_path(REMOTE))
    assert status == 200 and "<audio" not in body
    assert 'href="https://www.youtube.com/watch?v=remote00001&amp;t=5s" target="_blank"' in body
    assert "moment links open it on its site" in body


# -- home, commentator and person pages ------------------------------------------------------------


def test_home_pluralises_and_leaves_out_empty_ones(library: tuple[ArgmapServer, Path]) -> None:
    server, _ = library
    status, body = page(server, "/")
    assert status == 200
    assert "1 video · 4 arguments" in body  # Dana
    assert "3 videos · 4 arguments" in body  # Marco
    assert "1 video · 2 arguments" in body  # Priya
    assert "1 videos" not in body and "1 arguments" not in body
    assert 'never pay back</a> <span class="meta">40 s · 4 arguments' in body  # a local file's decoded length
    assert ">audio<" not in body and "0 videos" not in body  # a renamed commentator left behind
    assert "Guest Expert" in body and "Old Name" not in body  # a merged-away person


def test_commentator_page(library: tuple[ArgmapServer, Path]) -> None:
    from argmap.store import Commentator

    server, _ = library
    status, body = page(server, "/commentator?id=" + Commentator.make_id("Dana Reyes"))
    assert status == 200
    assert "<h1>Dana Reyes</h1>" in body and "Stadium subsidies never pay back" in body
    for heading in ("Claims (1)", "Critiques (1)", "Calls to action (2)"):
        assert heading in body
    # key points of the run that holds her arguments, with her stance and the others'
    assert 'id="key-point-run">from compare run <a href="/compare?run=run-stadium">run-stadium</a>' in body
    table = body[body.index('<table class="key-points">') : body.index("</table>")]
    assert "Stadium subsidies never pay back." in table
    assert '<span class="stance asserts">asserts</span>' in table
    assert '<span class="stance criticises">disputes</span>' in table  # Marco disputes it
    assert "Buses need lanes" not in table  # another run's key point
    # relations: Priya agrees twice, Marco once; Marco is the one who clashes
    agrees = body[body.index('id="agrees"') : body.index('id="clashes"')]
    assert agrees.index("Priya Nair") < agrees.index("Marco Bianchi") and "2 pairs of arguments" in agrees
    clashes = body[body.index('id="clashes"') :]
    clashes = clashes.split("</section>")[0]
    assert "Marco Bianchi" in clashes and "Priya Nair" not in clashes


def test_person_page(library: tuple[ArgmapServer, Path]) -> None:
    server, _ = library
    status, body = page(server, "/person?id=p-guest")
    assert status == 200
    assert "<h1>Guest Expert</h1>" in body and "1 video · 1 argument" in body
    assert "The guest criticises seasonal low paid jobs" in body and "Vote against" not in body
    assert 'href="/compare?run=run-transit"' in body  # the one run holding their argument
    assert page(server, "/person?id=p-nobody")[0] == 404


def test_moment_links_elsewhere_open_the_video_page_at_that_time(library: tuple[ArgmapServer, Path]) -> None:
    from argmap.store import Commentator

    server, _ = library
    _, body = page(server, "/commentator?id=" + Commentator.make_id("Dana Reyes"))
    assert f'href="/video?id={quote(LOCAL, safe="")}#t=30" data-t="30"' in body
    _, body = page(server, "/commentator?id=" + Commentator.make_id("Marco Bianchi"))
    assert f'href="/video?id={quote(TEXT, safe="")}#seg-1"' in body  # the transcript line, not a player
    assert "watch?v=remote00001&amp;t=0s" in body


# -- search ---------------------------------------------------------------------------------------


def test_search_drops_irrelevant_hits_labels_and_highlights(library: tuple[ArgmapServer, Path]) -> None:
    server, _ = library
    status, body = page(server, "/search?" + urlencode({"q": "will they vote against the arena deal"}))
    assert status == 200
    hits = re.findall(r'<div class="arg hit', body)
    assert hits
    assert "strong match" in body and re.search(r"\[0\.\d+\]|0\.0\d{3}", body) is None  # no raw scores
    assert "<mark>arena</mark> <mark>deal</mark>" in body and "<mark>Vote</mark>" in body
    # "Nothing else matters as much this year." shares no word: never shown as an argument; weak
    # keyword hits are cut (by default the passage around it is searched too, and may be shown)
    _, arguments_only = page(server, "/search?" + urlencode({"q": "will they vote against the arena deal",
                                                             "scope": "arguments"}))  # fmt: skip
    assert "Nothing else matters" not in arguments_only and "<mark>arena</mark>" in arguments_only
    wide = "arena cost city schools jobs tourism"
    status, body = page(server, "/search?" + urlencode({"q": wide}))
    assert 'id="show-hidden"' in body  # hits matching one of six words fall under the cut-off
    shown = len(re.findall(r'<div class="arg hit', body))
    status, everything = page(server, "/search?" + urlencode({"q": wide, "all": "1"}))
    assert len(re.findall(r'<div class="arg hit', everything)) > shown


def test_search_filters_as_in_the_cli(library: tuple[ArgmapServer, Path]) -> None:
    from argmap.store import Commentator

    server, _ = library
    q = "vote against the arena deal"
    _, body = page(server, "/search?" + urlencode({"q": q, "type": "claim"}))
    assert 'class="arg hit call_to_action' not in body
    _, body = page(server, "/search?" + urlencode({"q": q, "commentator": Commentator.make_id("Priya Nair")}))
    assert "Priya Nair" in body and "Dana Reyes</a></strong>" not in body
    _, body = page(server, "/search?" + urlencode({"q": q, "since": "2025-01-20"}))
    assert "Priya on the arena vote" in body and "Notes on stadium costs" not in body
    status, body = page(server, "/search?" + urlencode({"q": q, "since": "last week"}))
    assert status == 400 and "--since wants a date" in body
    _, body = page(server, "/search?q=")
    assert "Type something to search for." in body
    _, body = page(server, "/search?" + urlencode({"q": q, "type": "critique", "since": "2030-01-01"}))
    assert 'id="no-hits">No results with these filters (type, since)' in body
    _, body = page(server, "/search?" + urlencode({"q": q, "scope": "passages", "mode": "keyword"}))
    assert 'class="arg hit passage' in body


def test_relevance_words() -> None:
    from argmap.pipeline.search.relevance import label_for, query_terms, split_matches, stem

    assert stem("prices") == stem("price") and stem("rising") == stem("rise")
    assert stem("raised") == stem("raise")
    assert query_terms("Will Avocado be open or closed source?") == ("avocado", "open", "clos", "sourc")
    assert query_terms("what is it") == ("what", "is", "it")  # only stop words: keep them
    pieces = split_matches("Energy prices <rise>!", query_terms("price rising"))
    assert "".join(p for p, _ in pieces) == "Energy prices <rise>!"
    assert [p for p, hit in pieces if hit] == ["prices", "rise"]
    # an apostrophe does not cut a word: "'s" is no query term, so "Let's" is not marked
    assert query_terms("the consultant's budget") == ("consultant", "budget")
    pieces = split_matches("Let's read the consultant's budget.", query_terms("consultant's budget"))
    assert [p for p, hit in pieces if hit] == ["consultant's", "budget"]
    assert label_for(0.6, 0.0) == "strong" and label_for(0.4, 0.0) == "good" and label_for(0.3, 0.0) == "weak"
    assert label_for(0.12, 0.5) == "none"  # an MIT licence passage for "open or closed source"
    assert label_for(None, 1.0) == "strong" and label_for(None, 0.25) == "none"


# -- compare --------------------------------------------------------------------------------------


def test_compare_leads_with_the_matrix_of_the_run_asked_for(library: tuple[ArgmapServer, Path]) -> None:
    server, _ = library
    status, body = page(server, "/compare?" + urlencode({"topic": "Stadium  Subsidies", "go": "1"}))
    assert status == 200
    assert 'id="run">compare run run-stadium · topic “stadium subsidies” · commentators: all' in body
    matrix = body[body.index('<table class="matrix"') : body.index("</table>")]
    header = matrix[: matrix.index("</thead>")]
    assert [c for c in ("Dana Reyes", "Marco Bianchi", "Priya Nair") if c in header] == [
        "Dana Reyes", "Marco Bianchi", "Priya Nair"
    ]  # fmt: skip
    rows = matrix.split('<tr class="kp ')[1:]
    pay = next(r for r in rows if "Stadium subsidies never pay back." in r)
    vote = next(r for r in rows if "Vote against the arena deal." in r)
    assert pay.startswith("mixed") and vote.startswith("agree")  # agrees and contrasts / agrees only
    assert '<td class="cell criticises"><span class="stance criticises">disputes</span>' in pay
    assert pay.count('<td class="cell asserts"><span class="stance asserts">asserts</span>') == 2
    assert vote.count("calls to act") == 3 and "watch?v=remote00002&amp;t=5s" in vote  # moment links
    assert "Tax money should go to schools" not in matrix  # one commentator alone: listed below
    assert "only <strong>" in body and "Tax money should go to schools." in body
    assert "Buses need lanes" not in body  # the other run's key point
    assert 'href="/map?run=run-stadium"' in body
    assert "in no key point" not in body  # all seven of the run's arguments are in one
    from types import SimpleNamespace

    from argmap.pipeline.present.web.compare import _outside

    views = [SimpleNamespace(members=[SimpleNamespace(argument_id=i) for i in ("a", "b")])]
    assert _outside({"arguments": 5}, views) == 3 and _outside({"arguments": None}, views) is None


def test_compare_says_when_no_run_was_made_for_the_question(library: tuple[ArgmapServer, Path]) -> None:
    server, _ = library
    status, body = page(server, "/compare?" + urlencode({"topic": "housing", "go": "1"}))
    assert status == 200 and 'id="no-run">No stored comparison for the topic “housing”' in body
    assert '<pre class="command">argmap compare --topic housing</pre>' in body
    assert '<table class="matrix"' not in body
    # the right topic, but for two commentators only: not the run made for everyone
    query = [("topic", "stadium subsidies"), ("commentator", "Dana Reyes"), ("commentator", "Priya Nair")]
    _, body = page(server, "/compare?" + urlencode(query))
    assert "No stored comparison" in body and "--commentator &#x27;Dana Reyes&#x27;" in body
    status, body = page(server, "/compare?run=run-nope")
    assert status == 404 and "No stored compare run run-nope" in body
    status, body = page(server, "/map?run=run-nope")
    assert status == 404 and "no compare run" in body
    _, body = page(server, "/compare?run=run-transit")
    assert "topic “transit”" in body and "Buses need lanes" in body
    _, body = page(server, "/compare")
    assert 'href="/compare?run=run-stadium"' in body and 'href="/compare?run=run-transit"' in body
    # the bare page leads with the newest run's matrix, as an export would, above the list
    store = Store.open(server.db_path, readonly=True)
    newest = next(r for r in store.compare_runs() if r["key_points"])
    store.close()
    assert body.index(f'id="run">compare run {newest["run_id"]}') < body.index("Stored comparisons")
    # a name that is nobody's is said so, rather than offering a command that would fail
    _, body = page(server, "/compare?" + urlencode({"commentator": "c-nope", "go": "1"}))
    assert "No commentator or speaker named “c-nope”" in body and "argmap compare --commentator" not in body


def test_pages_send_a_strict_policy(library: tuple[ArgmapServer, Path]) -> None:
    server, _ = library
    for path in ("/", video_path(LOCAL), "/search?q=arena", "/compare", "/person?id=p-dana"):
        status, headers, _ = request(server, path)
        csp = headers["content-security-policy"]
        assert status == 200 and "script-src 'self';" in csp and "unsafe-inline" not in csp, path
        assert "media-src 'self'" in csp and headers["x-frame-options"] == "DENY"
    status, headers, body = request(server, "/static/player.js")
    assert status == 200 and headers["content-type"].startswith("text/javascript") and b"data-t" in body
    assert request(server, "/static/../serve.py")[0] == 404
    assert request(server, "/static/map.html")[0] == 404  # only the listed files


def test_a_guests_words_are_shown_under_the_guests_name(library: tuple[ArgmapServer, Path]) -> None:
    # In the two-speaker video the jobs line is the guest's, not the channel's host.
    from click.testing import CliRunner

    from argmap.pipeline.present.cli import cli

    server, root = library
    q = "are the promised jobs seasonal and low paid"
    _, body = page(server, "/search?" + urlencode({"q": q, "scope": "arguments"}))
    first = body[body.index('<div class="arg hit') :]
    first = first[: first.index("</div>")]
    assert "Guest Expert (" in first and "seasonal" in first, first
    db = str(root / "argmap.db")
    out = CliRunner().invoke(cli, ["search", q, "--db", db, "--scope", "arguments", "--limit", "1"]).output
    assert " 1. " in out and "Guest Expert (" in out.splitlines()[0], out
    argdown = CliRunner().invoke(cli, ["export", "--db", db, "--format", "argdown"]).output
    line = next(x for x in argdown.splitlines() if "seasonal" in x)
    assert "#(Guest Expert)" in line, line


def test_a_failed_video_says_why_and_counts_no_arguments(tmp_path: Path) -> None:
    """The page of a video whose download failed gives the stage and reason `argmap videos`
    gives; lists say "download failed", not "0 arguments" (which reads as extraction found none)."""
    from argmap.store import Commentator, Video

    store = Store.open(tmp_path / "argmap.db")
    ana = store.upsert_commentator(Commentator(Commentator.make_id("Ana"), "Ana", kind="feed"))
    store.upsert_video(Video("generic:gone", "http://127.0.0.1:9/gone.mp3", "Gone episode", ana.id))
    store.mark("generic:gone", "download", "failed", "HTTP Error 404: Not Found", permanent=True)
    store.close()
    server = make_server(tmp_path / "argmap.db", port=0, warm=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        status, body = page(server, video_path("generic:gone"))
        assert status == 200
        assert (
            "No transcript: download failed: HTTP Error 404: Not Found (argmap retry runs it again)." in body
        )
        assert "None: there is no transcript to read." in body
        for path in ("/", "/commentator?" + urlencode({"id": ana.id})):
            status, body = page(server, path)
            assert status == 200 and 'Gone episode</a> <span class="meta">download failed</span>' in body, (
                path
            )
    finally:
        server.shutdown()
        server.server_close()
