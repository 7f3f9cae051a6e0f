"""The JSON exports: argmap's own graph, and the Argument Interchange Format.

Both are data for other programs rather than pictures, so they carry every field of the map;
they share this module because each is a direct walk over :class:`~.model.ArgMap`.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from .model import ATTACKING, FORMAT_VERSION, ArgMap, hms, voice_of

# -- json: argmap's own graph -----------------------------------------------------------


def to_json(m: ArgMap) -> str:
    doc = {
        "format": "argmap-graph",
        "version": FORMAT_VERSION,
        "filters": m.filters,
        "commentators": m.commentators,
        "videos": m.videos,
        "arguments": [a.as_dict() for a in m.arguments],
        "key_points": [asdict(k) for k in m.key_points],
        "relations": [asdict(r) for r in m.relations],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# -- aif: Argument Interchange Format (AIFdb JSON layout) --------------------------------


def to_aif(m: ArgMap) -> str:
    """AIF+ JSON: commentators are participants, each argument a locution (L) asserting (YA)
    a proposition (I); key points are I nodes that member arguments support (RA) or attack
    (CA); relations become RA, CA or MA (rephrase) nodes. Timestamps and URLs ride in extra
    fields that AIF tools ignore."""
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    locutions: list[dict[str, Any]] = []
    counter = iter(range(1, 10**9))

    def node(type_: str, text: str, **extra: Any) -> str:
        nid = str(next(counter))
        nodes.append({"nodeID": nid, "text": text, "type": type_, "timestamp": "", **extra})
        return nid

    def edge(src: str, dst: str) -> None:
        edges.append({"edgeID": str(len(edges) + 1), "fromID": src, "toID": dst, "formEdgeID": None})

    # Participants: the commentators, and the people who spoke where a video has several speakers;
    # a locution names the participant its text names (compare's rule for whose an argument is).
    participants = []
    person: dict[str, int] = {}
    voices = [(f"commentator:{c['id']}", c["name"]) for c in m.commentators]
    voices += sorted({voice_of(a.argument) for a in m.arguments} - set(voices), key=lambda kv: kv[0])
    for i, (key, name) in enumerate(voices, start=1):
        first, _, last = (name or "").partition(" ")
        argmap_id = key.partition(":")[2] or None
        participants.append({"participantID": i, "firstname": first, "surname": last, "argmapID": argmap_id})
        person[key] = i

    i_node: dict[str, str] = {}
    for a in m.arguments:
        extra = {"argmapID": a.id, "videoID": a.video_id, "start": a.start, "end": a.end, "url": a.url}
        # who said it as every other format says it: a one-voice video's person is its commentator
        lnode = node("L", f"{a.said_by}: {a.quote}", **extra)
        inode = node("I", a.text, argmapType=a.type, **extra)
        ya = node("YA", "Asserting")
        edge(lnode, ya)
        edge(ya, inode)
        i_node[a.id] = inode
        locutions.append(
            {
                "nodeID": lnode,
                "personID": person.get(voice_of(a.argument)[0]),
                "timestamp": hms(a.start),
                "start": a.start,
                "end": a.end,
                "source": a.url,
            }
        )
    for kp in m.key_points:
        kp_node = node("I", kp.label, argmapKeyPointID=kp.id, topic=kp.topic)
        for member in kp.members:
            attacking = member["stance"] in ATTACKING
            scheme = node(
                "CA" if attacking else "RA", "Default Conflict" if attacking else "Default Inference"
            )
            edge(i_node[member["argument_id"]], scheme)
            edge(scheme, kp_node)
    for r in m.relations:
        if r.relation in ("supports",):
            type_, text = "RA", "Default Inference"
        elif r.relation in ATTACKING:
            type_, text = "CA", "Default Conflict"
        else:  # agrees, same_key_point: two wordings of one point
            type_, text = "MA", "Default Rephrase"
        scheme = node(type_, text, argmapRelation=r.relation, method=r.method)
        edge(i_node[r.source], scheme)
        edge(scheme, i_node[r.target])
    doc = {
        "nodes": nodes,
        "edges": edges,
        "locutions": locutions,
        "participants": participants,
        "schemefulfillments": [],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
