/* argmap serve: the video page's player.
 *
 * Every moment link on the page (a[data-t]) seeks the page's own <audio>/<video> element instead
 * of leaving the page, the transcript line being spoken is highlighted and kept in view as the
 * media plays, and an address ending in #t=<seconds> (how search, compare and commentator pages
 * link here) starts the player at that moment. Without this script the same links open the
 * media file itself at the moment (a #t= media fragment), so nothing is lost, only less handy.
 *
 * Loaded from /static/ under a Content-Security-Policy that allows no inline script.
 */
(function () {
  "use strict";
  var player = document.getElementById("player");
  if (!player) return;
  var box = document.getElementById("transcript");
  var segs = box ? Array.prototype.slice.call(box.querySelectorAll(".seg[data-start]")) : [];
  var starts = segs.map(function (s) { return parseFloat(s.getAttribute("data-start")); });
  var current = null;

  // The last line that has started by time t (lines are in time order).
  function lineAt(t) {
    var lo = 0, hi = starts.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (starts[mid] <= t) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found >= 0 ? segs[found] : null;
  }

  function follow() {
    var seg = lineAt(player.currentTime);
    if (seg === current) return;
    if (current) { current.classList.remove("now"); current.removeAttribute("aria-current"); }
    current = seg;
    if (!seg) return;
    seg.classList.add("now");
    seg.setAttribute("aria-current", "true");
    // Scroll the transcript box only, never the page under the reader.
    var b = box.getBoundingClientRect(), r = seg.getBoundingClientRect();
    if (r.top < b.top || r.bottom > b.bottom) box.scrollTop += r.top - b.top - b.height / 3;
  }

  function seek(t, play) {
    if (!isFinite(t) || t < 0) return;
    var go = function () { player.currentTime = t; follow(); };
    if (player.readyState >= 1) { go(); } else { player.addEventListener("loadedmetadata", go, { once: true }); }
    if (play) {
      var started = player.play();
      // A browser that refuses to play (no sound device, a policy) still has the player at t.
      if (started && started.catch) started.catch(function () {});
    }
  }

  document.addEventListener("click", function (ev) {
    if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    var link = ev.target.closest ? ev.target.closest("a[data-t]") : null;
    if (!link) return;
    ev.preventDefault();
    var t = link.getAttribute("data-t");
    seek(parseFloat(t), true);
    history.replaceState(null, "", "#t=" + t);
  });

  function fromHash() {
    var m = /^#t=([0-9]+(?:\.[0-9]+)?)$/.exec(location.hash);
    if (m) seek(parseFloat(m[1]), false);
  }

  player.addEventListener("timeupdate", follow);
  player.addEventListener("seeked", follow);
  player.addEventListener("error", function () {
    var note = document.createElement("p");
    note.className = "note";
    note.id = "media-error";
    note.textContent = "This browser cannot play this media file; the times below still say where things were said.";
    player.parentNode.appendChild(note);
  });
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
