/* Label layout for the course's folium maps (helpers/maps.py inlines this file into
 * every map it builds, so maps stay usable offline).
 *
 * aaoLabelLayout(map) places every ".aao-label[data-where]" of a Leaflet map: each
 * label keeps its preferred side unless it would overlap another label, a point that
 * is not its own, a control or a note box, or leave the map. Then it takes the first
 * clear place, trying in turn every side, farther out, and the label folded onto
 * narrower lines; then the label shortened to its first line (".aao-short" hides
 * its ".aao-more" part). A label that still has
 * no clear place is folded away (class "aao-folded", hidden): its text stays in its
 * point's tooltip and popup and in the map's table. After the greedy pass, every label
 * is checked against all the others and re-placed until none touches anything.
 *
 * The map's container says when the layout is final:
 *   data-aao-layout="pending"  a layout is due (set at once by every event that can
 *                              move a label: zoom, pan, resize, layer switch, a font
 *                              arriving, a note opening, a control changing size)
 *   data-aao-layout="done"     the last layout ran with the map at rest, every font
 *                              loaded, and nothing it measured moved in the frame after
 *   data-aao-layout-pass       how many layouts have been announced
 *   data-aao-folded            how many labels the last layout folded away
 */
function aaoLabelLayout(map, options) {
  "use strict";
  options = options || {};
  var SIDES = ["right", "left", "above-right", "below-right", "above-left", "below-left", "above", "below"];
  // Direction in which each side moves away from its point when pushed farther out.
  var AWAY = {"right": [1, 0], "left": [-1, 0], "left-low": [-1, 0], "above": [0, -1], "below": [0, 1],
              "above-right": [1, -1], "below-right": [1, 1], "above-left": [-1, -1],
              "above-left-high": [-1, -1], "below-left": [-1, 1]};
  var STEPS = [0, 14, 28, 44];  // px farther out
  var FOLDS = [0, 0.6, 0.42];   // 0: one line per text line; else wrap at this share of the width
  var c = map.getContainer();
  var box = function (e) { return e.getBoundingClientRect(); };
  var area = function (a, b) {
    var w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    var h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    return w > 0.5 && h > 0.5 ? w * h : 0;
  };

  function place(el, side, step, fold, width, short) {
    el.className = el.getAttribute("data-base") + " aao-" + side + (short ? " aao-short" : "");
    var d = AWAY[side] || [0, 0];
    el.style.translate = step ? (d[0] * step) + "px " + (d[1] * step) + "px" : "";
    if (fold) {
      el.style.whiteSpace = "normal";
      el.style.width = "max-content";
      el.style.maxWidth = Math.max(90, Math.round(width * fold)) + "px";
    } else {
      el.style.whiteSpace = el.style.width = el.style.maxWidth = "";
    }
  }

  function fixedBoxes() {
    var out = [];
    document.querySelectorAll(".leaflet-control, .aao-box").forEach(function (e) {
      var b = box(e); if (b.width) out.push(b);
    });
    return out;
  }

  function pointBoxes() {
    var out = [];
    c.querySelectorAll("path.aao-base, path.aao-city, path.aao-point").forEach(function (e) {
      var b = box(e); if (b.width) out.push(b);
    });
    return out;
  }

  function layout() {
    var frame = box(c), fixed = fixedBoxes(), points = pointBoxes();
    var inner = {left: frame.left + 2, top: frame.top + 2, right: frame.right - 2, bottom: frame.bottom - 2};
    // Names first, then distance labels, which can sit anywhere near their line.
    var labels = Array.prototype.slice.call(c.querySelectorAll(".aao-label[data-where]"));
    labels.sort(function (a, b) {
      return a.classList.contains("aao-distance") - b.classList.contains("aao-distance");
    });
    var items = labels.map(function (el) {
      el.removeAttribute("aria-hidden");
      place(el, el.getAttribute("data-where"), 0, 0, 0, false);
      var at = box(el.parentNode);
      return {el: el, pref: el.getAttribute("data-where"), width: box(el).width, box: null,
              cost: Infinity, folded: false,
              // points other than the one this label belongs to
              others: points.filter(function (p) {
                return Math.abs((p.left + p.right) / 2 - at.left) > 2 || Math.abs((p.top + p.bottom) / 2 - at.top) > 2;
              })};
    });
    function cost(it, b, placed) {
      // Running off the map counts double: it is worse than touching another label.
      var k = 2 * (b.width * b.height - area(b, inner));
      fixed.concat(it.others).forEach(function (t) { k += area(b, t); });
      placed.forEach(function (o) { if (o !== it && o.box && !o.folded) k += area(b, o.box); });
      return k;
    }
    function choose(it, placed) {
      var order = [it.pref].concat(SIDES.filter(function (s) { return s !== it.pref; }));
      var best = null, bestCost = Infinity;
      // A label with one line cannot be shortened: skip that round.
      var shorts = it.el.querySelector(".aao-more") ? [false, true] : [false];
      search:
      for (var h = 0; h < shorts.length; h++) {
        for (var f = 0; f < FOLDS.length; f++) {
          for (var s = 0; s < STEPS.length; s++) {
            for (var i = 0; i < order.length; i++) {
              place(it.el, order[i], STEPS[s], FOLDS[f], it.width, shorts[h]);
              var k = cost(it, box(it.el), placed);
              if (k < bestCost) { best = [order[i], STEPS[s], FOLDS[f], shorts[h]]; bestCost = k; }
              if (k === 0) break search;
            }
          }
        }
      }
      place(it.el, best[0], best[1], best[2], it.width, best[3]);
      it.box = box(it.el);
      it.cost = bestCost;
    }
    function fold(it) {
      it.folded = true;
      it.el.className += " aao-folded";
      it.el.setAttribute("aria-hidden", "true");
    }
    var placed = [];
    items.forEach(function (it) { choose(it, placed); placed.push(it); });
    // Greedy order can leave a label where no place was clear: re-place every label
    // still touching something, now against all the others, until none moves.
    for (var round = 0; round < 6; round++) {
      var moved = false;
      items.forEach(function (it) {
        if (!it.folded && cost(it, it.box, items) > 0) { choose(it, items); moved = true; }
      });
      if (!moved) break;
    }
    // Whatever still touches something is folded away, last placed first (distance
    // labels before names), each time re-checking the rest: the labels left on the
    // map never overlap anything.
    for (var j = items.length - 1; j >= 0; j--) {
      var it = items[j];
      if (it.folded || cost(it, it.box, items) === 0) continue;
      choose(it, items);
      if (it.cost > 0) fold(it);
    }
    return items.filter(function (i) { return i.folded; }).length;
  }

  // What a layout depends on: if any of it changes, the layout is stale.
  function signature() {
    var parts = [map.getZoom(), map.getCenter().lat, map.getCenter().lng, c.clientWidth, c.clientHeight];
    var rects = fixedBoxes().concat(pointBoxes());
    c.querySelectorAll(".aao-label[data-where]").forEach(function (e) { rects.push(box(e.parentNode)); });
    rects.forEach(function (b) { parts.push(Math.round(b.left), Math.round(b.top), Math.round(b.width), Math.round(b.height)); });
    return parts.join(",");
  }

  // ---- when to lay out, and saying when it is done
  var generation = 0, passes = 0, waiting = false;
  var fontsReady = function () {
    return document.fonts && document.fonts.ready ? document.fonts.ready : Promise.resolve();
  };
  var fontsLoading = function () { return !!(document.fonts && document.fonts.status === "loading"); };
  var animating = function () {
    return !!(map._animatingZoom || (map._panAnim && map._panAnim._inProgress));
  };
  var frame = function (fn) { window.requestAnimationFrame(fn); };

  function pending() {
    generation += 1;
    c.setAttribute("data-aao-layout", "pending");
  }

  // Every event that can move a label calls settle(): the state says "pending" at once,
  // and a layout runs when fonts are in and the map is at rest. "done" is set only if
  // no event came in meanwhile and nothing measured moved during the frame after it.
  function settle() {
    pending();
    if (waiting) return;
    waiting = true;
    fontsReady().then(function () { frame(run); });
  }
  function run() {
    waiting = false;
    // Mid-animation positions are not final: the animation's zoomend/moveend calls again.
    if (animating()) return;
    var mine = generation;
    var before = signature();
    var folded = layout();
    // Measuring may have started a font download (a web font for some glyphs): again when it lands.
    if (fontsLoading()) { settle(); return; }
    frame(function () {
      if (mine !== generation || waiting) return;  // a newer event is being handled
      if (animating() || fontsLoading() || signature() !== before) { settle(); return; }
      passes += 1;
      c.setAttribute("data-aao-folded", String(folded));
      c.setAttribute("data-aao-layout-pass", String(passes));
      c.setAttribute("data-aao-layout", "done");
    });
  }

  // A folded box (the islets note, the troops box) opens only where the map is wide
  // enough for it; its summary line always shows and a click opens it.
  document.querySelectorAll("details.aao-box").forEach(function (note) {
    var min = +(note.getAttribute("data-open-min") || options.noteOpenMinPx || 900);
    if (c.clientWidth < min) note.open = false;
    note.addEventListener("toggle", settle);
  });
  pending();
  map.on("zoomstart movestart", pending);
  map.on("zoomend moveend resize viewreset overlayadd overlayremove", settle);
  if (document.fonts && document.fonts.addEventListener) document.fonts.addEventListener("loadingdone", settle);
  // A late size change of the map (a notebook's iframe settling, print) or of a
  // control or note box moves labels without any Leaflet event.
  if (window.ResizeObserver) {
    var watch = new ResizeObserver(function () { settle(); });
    watch.observe(c);
    document.querySelectorAll(".leaflet-control, .aao-box").forEach(function (e) { watch.observe(e); });
  }
  // Printing lays the page out again, with no frame in between: lay out at once.
  var forPrint = function () { map.invalidateSize({pan: false}); layout(); settle(); };
  window.addEventListener("beforeprint", forPrint);
  if (window.matchMedia) {
    var print = window.matchMedia("print");
    if (print.addEventListener) print.addEventListener("change", forPrint);
  }
  layout();  // a first placement at once; the announced one follows
  settle();
}
