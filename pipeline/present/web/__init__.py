"""``argmap serve``: a local, read-only web view over the store, one module per page.

A person looks and listens rather than reads: commentators and people with their pages, a video
page that plays the video's own media with the transcript following along, search that says how
well each hit answers, the stored comparison as a matrix of who takes which side, and the
interactive map that ``argmap export --format html`` writes.

:mod:`.server` routes requests and keeps the safety limits; :mod:`.layout` is the page shell and
escaping; :mod:`.moments` decides where a moment link goes (argmap's player, the video's site, or
a transcript line) and :mod:`.media` serves media files with range requests; :mod:`.home`,
:mod:`.video`, :mod:`.people`, :mod:`.search` and :mod:`.compare` are the pages;
:mod:`.datasette` runs Datasette beside them.
"""

from .server import ArgmapServer, QueryTimeout, make_server

__all__ = ["ArgmapServer", "QueryTimeout", "make_server"]
