"""A small argument map with hostile text everywhere, seeded straight into a store.

Shared by the export and serve tests: every string a transcript could carry into a file
format or a page (markup, Mermaid and DOT syntax, braces, Markdown images, formulas,
quotes, newlines, unicode) sits in some name, title, argument, quote or key point.
"""

from __future__ import annotations

from argmap.store import (
    Argument,
    ArgumentRelation,
    Commentator,
    KeyPoint,
    KeyPointMember,
    Segment,
    Store,
    Summary,
    Transcript,
    Video,
)

HOSTILE = [
    "<script>window.__pwned = 1</script>",
    '"]; A-->B',
    "}",
    "![tracker](http://evil.example/x.png)",
    'O\'Brien said "enough"\nand then a new line',
    "ünïcödé — 東京 🙂",
    '<img src=x onerror="window.__pwned = 2">',
    '=HYPERLINK("http://evil.example")',
    "/*VIS_JS*/ </script><script>window.__pwned = 3</script>",
    "[Claim]: + <Arg> - [x](y) #tag @mention",
    "back\\slash \\N \\l \\",
    "--> -.-> |x| %% click n1 call alert(1)",
]


def seed_map(store: Store) -> dict[str, list[str]]:
    """Two commentators, three videos, arguments of every type, two key points, relations.

    Returns the ids it made, by kind.
    """
    alice = Commentator(id=Commentator.make_id("Alice Analyst"), name="Alice Analyst", kind="channel")
    bob = Commentator(id=Commentator.make_id(HOSTILE[0]), name='Bob "<b>" ' + HOSTILE[0], kind="person")
    for c in (alice, bob):
        store.upsert_commentator(c)
    videos = [
        Video(
            id="youtube:aaaaaaaaaaa",
            source_url="https://www.youtube.com/watch?v=aaaaaaaaaaa",
            webpage_url="https://www.youtube.com/watch?v=aaaaaaaaaaa",
            title="Inflation explained " + HOSTILE[1],
            commentator_id=alice.id,
            published="2024-03-01",
        ),
        Video(
            id="generic:bbbb",
            source_url="https://media.example.org/talk one.mp3",
            title=HOSTILE[3] + " " + HOSTILE[8],
            commentator_id=bob.id,
            published="2024-03-02",
        ),
        Video(
            id="youtube:ccccccccccc",
            source_url="https://www.youtube.com/watch?v=ccccccccccc",
            webpage_url="https://www.youtube.com/watch?v=ccccccccccc",
            title="Housing " + HOSTILE[2],
            commentator_id=alice.id,
        ),
    ]
    for v in videos:
        store.upsert_video(v)

    texts = [
        ("youtube:aaaaaaaaaaa", "claim", "Inflation is driven by energy prices. " + HOSTILE[0], HOSTILE[4]),
        (
            "youtube:aaaaaaaaaaa",
            "call_to_action",
            "Central banks must raise rates now " + HOSTILE[1],
            HOSTILE[2],
        ),
        ("youtube:aaaaaaaaaaa", "critique", "Critics ignore wage growth " + HOSTILE[3], HOSTILE[6]),
        ("generic:bbbb", "claim", "Energy prices explain most inflation " + HOSTILE[7], HOSTILE[8]),
        ("generic:bbbb", "critique", "Raising rates would hurt workers " + HOSTILE[9], HOSTILE[10]),
        ("generic:bbbb", "call_to_action", "Vote for rent control " + HOSTILE[11], HOSTILE[5]),
        ("youtube:ccccccccccc", "claim", "Housing supply is too low " + HOSTILE[5], "we simply do not build"),
    ]
    ids: dict[str, list[str]] = {"arguments": [], "key_points": [], "relations": []}
    by_video: dict[str, list[Argument]] = {}
    for n, (video_id, type_, text, quote) in enumerate(texts):
        transcript_id = Transcript.make_id(video_id, "import")
        arg = Argument(
            id=Argument.make_id(video_id, "test", "1", n, quote),
            video_id=video_id,
            transcript_id=transcript_id,
            type=type_,
            text=text,
            quote=quote,
            start=10.0 * n + 65.5,
            end=10.0 * n + 70.0,
            seg_first=n,
            seg_last=n,
            extractor="test",
            extractor_version="1",
        )
        by_video.setdefault(video_id, []).append(arg)
        ids["arguments"].append(arg.id)
    for video_id, args in by_video.items():
        transcript = Transcript(id=Transcript.make_id(video_id, "import"), video_id=video_id, source="import")
        segments = [
            Segment(
                id=Segment.make_id(transcript.id, i),
                transcript_id=transcript.id,
                video_id=video_id,
                idx=i,
                start=10.0 * i + 60.0,
                end=10.0 * i + 70.0,
                text=f"Segment {i}: " + HOSTILE[i % len(HOSTILE)],
            )
            for i in range(len(texts))
        ]
        store.save_transcript(transcript, segments)
        store.save_arguments(video_id, "test", "1", args)
        store.save_summary(
            Summary(
                id=Summary.make_id(video_id, "test", "1"),
                video_id=video_id,
                transcript_id=transcript.id,
                extractor="test",
                extractor_version="1",
                gist="Gist " + HOSTILE[0],
                paragraph="Summary paragraph " + HOSTILE[6] + " " + HOSTILE[3],
                key_points=[{"text": "Key moment " + HOSTILE[1], "start": 65.5, "end": 70.0}],
            )
        )
    a = ids["arguments"]
    kp1 = KeyPoint(
        id="kp-energy",
        run_id="run-1",
        label="Energy prices drive inflation " + HOSTILE[1] + " " + HOSTILE[2],
        label_argument_id=a[0],
        size=3,
        commentators=2,
        topic="inflation",
        prevalence={alice.id: 2, bob.id: 1},
    )
    kp2 = KeyPoint(
        id="kp-rates",
        run_id="run-1",
        label="Rates " + HOSTILE[8],
        label_argument_id=a[1],
        size=2,
        commentators=2,
        topic="inflation",
    )
    store.upsert("key_points", [kp1, kp2])
    store.save_compare_run(
        {
            "run_id": "run-1",
            "model": "test-model",
            "threshold": 0.65,
            "topic": "inflation",
            "commentators": [],
            "min_commentators": 2,
            "arguments": 5,
            "created_at": "2024-03-03T00:00:00+00:00",
        }
    )
    store.upsert(
        "key_point_members",
        [
            KeyPointMember("kp-energy", a[0], 0.91, "asserts"),
            KeyPointMember("kp-energy", a[3], 0.88, "asserts"),
            KeyPointMember("kp-energy", a[2], 0.61, "criticises"),
            KeyPointMember("kp-rates", a[1], 0.9, "calls_for_action"),
            KeyPointMember("kp-rates", a[4], 0.7, "criticises"),
        ],
        pk=("key_point_id", "argument_id"),
    )
    relations = [
        ArgumentRelation("r1", a[0], a[3], "agrees", "test-rule", "kp-energy", 0.88),
        ArgumentRelation("r2", a[4], a[1], "attacks", "test-rule", "kp-rates", 0.7),
        ArgumentRelation("r3", a[2], a[0], "contrasts", "test-rule", None, 0.5),
        ArgumentRelation("r4", a[6], a[5], "supports", "test-rule", None, None),
        ArgumentRelation("r5", a[3], a[0], "same_key_point", "test-rule", "kp-energy", None),
    ]
    store.upsert("argument_relations", relations)
    ids["key_points"] = ["kp-energy", "kp-rates"]
    ids["relations"] = [r.id for r in relations]
    return ids
