"""Speakers of different videos as one person: linked by voice print, corrected by the user.

A new video's speaker joins the person whose voice print is most similar when the cosine
similarity reaches :data:`PERSON_THRESHOLD`, else becomes a new person. Two speakers of one video
never join the same person. A person's print is the speaking-time-weighted mean of its
speakers' prints, so it settles as more videos arrive. Speakers known only by a caption label
("Dana:") have no print and join the person of that exact name.

Names are honest by default ("Speaker 2 of <video title>"); only the user's
``argmap speakers name`` marks a person as named. The channel's owner is offered as a guess, not
applied: the one voice that talks most in most of a channel's videos is probably its host.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from argmap.store import Person, Speaker, Store, Video
from argmap.store import speakers as sp
from argmap.store.records import default_person_name
from argmap.store.vectors import from_blob, to_blob

#: voice-print cosine similarity at which two speakers are taken to be one person (see README:
#: calibrated on real and synthetic voices across recordings)
PERSON_THRESHOLD = 0.80


def default_name(speaker: Speaker, video: Video) -> str:
    return default_person_name(speaker.label, video.title)


def link_speakers(store: Store, video: Video, speakers: Sequence[Speaker]) -> None:
    """Give each speaker of ``video`` a person: an existing one by voice or name, else a new one."""
    import numpy as np

    taken: set[str] = set()
    candidates = [p for p in sp.persons(store) if p.voice]
    prints = {p.id: from_blob(p.voice) for p in candidates if p.voice}
    for speaker in sorted(speakers, key=lambda s: -s.seconds):
        best, score = None, -1.0
        if speaker.voice is not None:
            voice = from_blob(speaker.voice)
            for pid, pv in prints.items():
                if pid in taken or len(pv) != len(voice):
                    continue
                sim = float(np.dot(voice, pv) / max(float(np.linalg.norm(voice) * np.linalg.norm(pv)), 1e-9))
                if sim > score:
                    best, score = pid, sim
            if best is not None and score < PERSON_THRESHOLD:
                best = None
        else:
            # A caption label is a name only within its channel: "Host" elsewhere is someone else.
            same_name = [p for p in sp.persons(store) if p.name == speaker.label and p.id not in taken]
            local = [p for p in same_name if _speaks_for(store, p.id, video.commentator_id)]
            best = local[0].id if local else None
        # a link by the same label on the same channel is no voice match: it has no score
        voiced = speaker.voice is not None
        if best is None:
            name = speaker.label if speaker.source == "captions" else default_name(speaker, video)
            best = sp.save_person(
                store, Person(id=sp.new_person_id(speaker.id), name=name, voice=speaker.voice)
            ).id
            voiced = False
        sp.link(store, speaker.id, best, round(score, 4) if voiced else None)
        taken.add(best)
        refresh_voice(store, best)
        refreshed = sp.person(store, best)
        if refreshed.voice:
            prints[best] = from_blob(refreshed.voice)


def _speaks_for(store: Store, person_id: str, commentator_id: str | None) -> bool:
    """Whether the person already speaks in a video of this commentator (channel, feed)."""
    for s in sp.speakers_of_person(store, person_id):
        if store.video(s.video_id).commentator_id == commentator_id:
            return True
    return False


def refresh_voice(store: Store, person_id: str) -> None:
    """A person's print: the mean of its speakers' prints, weighted by how long each speaks."""
    import numpy as np

    voices = sp.voices_of_person(store, person_id)
    if not voices:
        return
    total = np.sum([from_blob(v) * max(s, 0.1) for v, s in voices], axis=0)
    norm = float(np.linalg.norm(total))
    sp.set_person_voice(store, person_id, to_blob(total / norm) if norm else None)


def split(store: Store, speaker_id: str) -> Person:
    """Detach one speaker from its person into a person of its own (a wrong voice match)."""
    speaker = sp.speaker(store, speaker_id)
    video = store.video(speaker.video_id)
    new = sp.save_person(
        store,
        Person(
            id=sp.new_person_id(f"split:{speaker.id}"), name=default_name(speaker, video), voice=speaker.voice
        ),
    )
    old = speaker.person_id
    sp.link(store, speaker.id, new.id, None)
    if old:
        refresh_voice(store, old)
    return new


def merge(store: Store, keep: str, gone: str) -> None:
    sp.merge(store, keep, gone)
    refresh_voice(store, keep)


def guess_host(store: Store, listing: sp.PersonListing) -> str | None:
    """The commentator a person probably is: the one whose videos this voice leads most often."""
    votes: Counter[str] = Counter()
    for video_id, _ in listing.videos:
        video = store.video(video_id)
        if not video.commentator_id or video.extractor == "file":
            continue  # a local folder's name says nothing about who speaks
        others = sp.speakers_of(store, video_id)
        mine = [s for s in others if s.person_id == listing.person.id]
        if mine and max(s.seconds for s in mine) >= max(s.seconds for s in others):
            votes[video.commentator_id] += 1
    if not votes:
        return None
    commentator_id, n = votes.most_common(1)[0]
    if n * 2 < len(listing.videos):
        return None
    try:
        return store.commentator(commentator_id).name
    except Exception:  # noqa: BLE001 - a guess, never an error
        return None
