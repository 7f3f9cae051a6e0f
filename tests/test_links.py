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


def test_a_page_or_feed_episode_links_its_media_file_at_the_moment():
    """#t= on an HTML page does nothing; on the media file the page carries, it seeks."""
    page = Video(
        id="generic:abc",
        source_url="http://127.0.0.1:8765/media/c3.mp3",
        title="t",
        webpage_url="http://127.0.0.1:8765/page.html",
    )
    assert timestamp_url(page, 6.4) == "http://127.0.0.1:8765/media/c3.mp3#t=6"
    assert timestamp_url(page, None) == "http://127.0.0.1:8765/page.html"  # the video itself: its page
    site = Video(
        id="vimeo:1", source_url="https://cdn.example/x.mp4", title="t", webpage_url="https://vimeo.com/1"
    )
    assert timestamp_url(site, 6) == "https://vimeo.com/1#t=6"  # a site's own player keeps its page
