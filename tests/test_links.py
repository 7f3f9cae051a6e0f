from argmap.pipeline.text import timestamp_url
from argmap.store import Video


def _v(url: str) -> Video:
    return Video(id="x", source_url=url, title="t")


def test_youtube_gets_t_parameter():
    assert timestamp_url(_v("https://www.youtube.com/watch?v=abc&t=5"), 83.9) == (
        "https://www.youtube.com/watch?v=abc&t=83s"
    )
    assert timestamp_url(_v("https://youtu.be/abc"), 12) == "https://youtu.be/abc?t=12s"


def test_other_urls_get_media_fragment():
    assert timestamp_url(_v("http://127.0.0.1:8000/a.m4a"), 7.2) == "http://127.0.0.1:8000/a.m4a#t=7"
    assert timestamp_url(_v("/home/me/talk.mp3"), 0) == "/home/me/talk.mp3#t=0"


def test_clock_formats_minutes_and_hours():
    from argmap.pipeline.text import clock

    assert clock(0) == "0:00" and clock(83.9) == "1:23" and clock(3723) == "1:02:03"
    assert clock(None) == "0:00" and clock(-5) == "0:00"
