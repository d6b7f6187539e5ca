/* Frontline map: draws the selected period's control states from one data blob.
 *
 * Every string in the data that reaches innerHTML (names, sentences, outlets, titles, links, dates)
 * was HTML-escaped by Python, and links were kept only for http(s) URLs. This code adds markup
 * only from its own constants, numbers and the legend's colours (Python's constants); labels it sets
 * itself go through textContent.
 */
(function (global) {
  "use strict";

  // Above this many markers Leaflet's canvas renderer keeps panning smooth; below it SVG paths are easier to inspect.
  var CANVAS_THRESHOLD = 3000;

  // Sides, colours, kinds and the column of each field of a row: set from the data's legend (maps/render.py's
  // map_legend) by readLegend, so nothing here repeats Python's layouts.
  var SIDES, SIDE_LABELS, COLORS, KINDS, AREA_COLORS;
  var P_LON, P_LAT, P_NAME, P_DETAIL;
  var E_PLACE, E_KIND, E_SIDE, E_CLAIMED, E_DATE, E_SENTENCE, E_SOURCE;
  var S_PLACE, S_SIDE, S_CLAIMED, S_SINCE, S_EVENTS, S_CHANGED, S_LAST;
  var SRC_OUTLET, SRC_TITLE, SRC_HREF, SRC_PUBLISHED;
  // Place names are drawn as labels from this zoom on, at most LABEL_MAX of them in view.
  var LABEL_ZOOM = 9, LABEL_MAX = 300;
  // Oblast names are drawn from this zoom up to (not including) LABEL_ZOOM, where place names take over.
  var OBLAST_LABEL_ZOOM = 6;
  var DAY_MS = 86400000;
  // Past this many periods the radio list is hidden: the slider, the buttons and the charts lead.
  var LIST_MAX_PERIODS = 40;

  function readLegend(legend) {
    function column(rows, name) {
      var i = legend.columns[rows].indexOf(name);
      if (i < 0) throw new Error("frontline: the map data's " + rows + " rows have no " + name);
      return i;
    }
    SIDES = legend.sides;
    SIDE_LABELS = legend.side_labels;
    COLORS = legend.side_colors;
    AREA_COLORS = legend.area_colors;
    KINDS = legend.kinds;
    P_LON = column("places", "lon"); P_LAT = column("places", "lat");
    P_NAME = column("places", "name"); P_DETAIL = column("places", "detail");
    E_PLACE = column("events", "place"); E_KIND = column("events", "kind"); E_SIDE = column("events", "side");
    E_CLAIMED = column("events", "claimed"); E_DATE = column("events", "date");
    E_SENTENCE = column("events", "sentence"); E_SOURCE = column("events", "source");
    S_PLACE = column("states", "place"); S_SIDE = column("states", "side"); S_CLAIMED = column("states", "claimed");
    S_SINCE = column("states", "since"); S_EVENTS = column("states", "events");
    S_CHANGED = column("states", "changed"); S_LAST = column("states", "last");
    SRC_OUTLET = column("sources", "outlet"); SRC_TITLE = column("sources", "title");
    SRC_HREF = column("sources", "href"); SRC_PUBLISHED = column("sources", "published");
  }

  // Claims keep their side's colour (a lighter fill, a dark dashed outline); stale states are faded.
  function stateStyle(row, changed, renderer, stale) {
    var side = row[S_SIDE];
    var claimed = row[S_CLAIMED] === 1;
    return {
      renderer: renderer,
      radius: changed ? 9 : 6,
      weight: changed ? 3.5 : (claimed ? 2 : 1.5),
      color: changed ? "#111111" : (claimed ? "#222222" : COLORS[side]),
      fillColor: COLORS[side],
      fillOpacity: stale ? 0.25 : (claimed ? 0.55 : 0.85),
      dashArray: claimed ? "3 2" : null,
      opacity: stale ? 0.45 : 1
    };
  }

  function daysBetween(isoFrom, isoTo) {
    if (!isoFrom || !isoTo) return null;
    return Math.round((Date.parse(isoTo) - Date.parse(isoFrom)) / DAY_MS);
  }

  function ageText(days) {
    if (days === null) return "";
    if (days < 1) return "in the last days of this period";
    if (days < 45) return days + " day" + (days === 1 ? "" : "s") + " before the end of this period";
    var months = Math.round(days / 30.44);
    if (months < 24) return months + " months before the end of this period";
    return (days / 365.25).toFixed(1) + " years before the end of this period";
  }

  function eventStyle(event, undated, renderer) {
    var side = event[E_SIDE];
    var claimed = event[E_CLAIMED] === 1;
    return {
      renderer: renderer,
      radius: 4,
      weight: undated ? 2 : 1,
      color: undated ? COLORS[side] : "#ffffff",
      fillColor: undated ? "#ffffff" : COLORS[side],
      fillOpacity: claimed ? 0.25 : 0.9,
      dashArray: undated ? "2 2" : null
    };
  }

  function create(map, layers, data) {
    readLegend(data.legend);
    var places = data.places, events = data.events, sources = data.sources;
    var periods = data.periods, deltas = data.deltas, history = data.history;
    var staleDays = data.stale_days || 183;
    var areaData = data.areas;
    var labels = L.layerGroup();
    var many = places.length > CANVAS_THRESHOLD || events.length > CANVAS_THRESHOLD;
    var renderer = many ? L.canvas({ padding: 0.3 }) : L.svg({ padding: 0.3 });
    var container = map.getContainer();
    var cache = [];
    var current = -1;

    map.createPane("fl-basemap");
    map.getPane("fl-basemap").style.zIndex = 250;
    if (data.outline) {
      L.geoJSON(data.outline, {
        pane: "fl-basemap",
        interactive: false,
        style: function (feature) {
          var home = feature.properties.iso_n3 === "804";
          return { color: "#7a7a7a", weight: home ? 1.4 : 0.8, fillColor: home ? "#fbf8f0" : "#eeebe3", fillOpacity: 1 };
        }
      }).addTo(map);
    }

    // Approximate oblast borders (maps/build_oblasts.py): thin grey lines above the basemap, under everything else.
    map.createPane("fl-oblasts");
    map.getPane("fl-oblasts").style.zIndex = 260;
    map.getPane("fl-oblasts").style.pointerEvents = "none";
    var oblastLabels = L.layerGroup();
    function drawOblasts() {
      var group = layers.oblasts;
      group.clearLayers();
      oblastLabels.clearLayers();
      var lines = 0;
      data.oblasts.features.forEach(function (feature) {
        if (feature.geometry.type === "Point") {
          var name = document.createElement("span");
          name.textContent = feature.properties.name;
          var c = feature.geometry.coordinates;
          oblastLabels.addLayer(L.tooltip({ permanent: true, direction: "center", className: "fl-oblast-label",
                                            interactive: false, pane: "fl-oblasts" })
            .setLatLng([c[1], c[0]]).setContent(name));
          return;
        }
        lines++;
        group.addLayer(L.geoJSON(feature, {
          pane: "fl-oblasts", interactive: false,
          style: { color: "#8a8a8a", weight: 1, opacity: 0.9, fill: false }
        }));
      });
      group.addLayer(oblastLabels);
      showOblastLabels();
      container.setAttribute("data-oblast-lines", String(lines));
    }
    function showOblastLabels() {
      var zoom = map.getZoom();
      var on = zoom >= OBLAST_LABEL_ZOOM && zoom < LABEL_ZOOM;
      var pane = map.getPane("fl-oblasts");
      pane.classList.toggle("fl-oblast-names-off", !on);
    }
    if (layers.oblasts && data.oblasts) {
      layers.oblasts.on("add", function (e) { if (e.target === layers.oblasts) drawOblasts(); });
      layers.oblasts.on("remove", function (e) {
        if (e.target === layers.oblasts) { layers.oblasts.clearLayers(); container.setAttribute("data-oblast-lines", "0"); }
      });
      map.on("zoomend", showOblastLabels);
      if (map.hasLayer(layers.oblasts)) drawOblasts();
    }

    map.createPane("fl-areas");
    map.getPane("fl-areas").style.zIndex = 350;
    map.getPane("fl-areas").style.pointerEvents = "none";
    map.createPane("fl-front");
    map.getPane("fl-front").style.zIndex = 380;
    map.getPane("fl-front").style.pointerEvents = "none";

    function isStale(row, k) {
      var days = daysBetween(row[S_LAST], periods[k].end);
      return days === null || days > staleDays;
    }

    // State of every place at the end of period k: the previous period's states with this period's changes applied.
    function statesAt(k) {
      var start = k;
      while (start > 0 && !cache[start - 1]) start--;
      for (var i = start; i <= k; i++) {
        if (cache[i]) continue;
        var states = i > 0 ? cache[i - 1].slice() : new Array(places.length);
        var changed = new Uint8Array(places.length);
        var rows = deltas[i];
        for (var r = 0; r < rows.length; r++) {
          var row = rows[r];
          if (row[S_SIDE] < 0) {
            states[row[S_PLACE]] = undefined;
          } else {
            states[row[S_PLACE]] = row;
            changed[row[S_PLACE]] = row[S_CHANGED];
          }
        }
        cache[i] = states;
        cache[i].changed = changed;
      }
      return cache[k];
    }

    function eventIndexes(row) {
      var n = row[S_EVENTS];
      return typeof n === "number" ? history[row[S_PLACE]].slice(0, n) : n;
    }

    function sourceHtml(event) {
      var src = sources[event[E_SOURCE]];
      var parts = [KINDS[event[E_KIND]] + (event[E_SIDE] < 2 ? " \u2192 " + SIDES[event[E_SIDE]] : ""), event[E_DATE],
                   event[E_CLAIMED] === 1 ? "claimed, unconfirmed" : "confirmed"];
      if (src[SRC_OUTLET]) parts.push(src[SRC_OUTLET]);
      if (src[SRC_PUBLISHED]) parts.push("published " + src[SRC_PUBLISHED]);
      var link = src[SRC_HREF]
        ? ' <a href="' + src[SRC_HREF] + '" target="_blank" rel="noopener noreferrer nofollow">' +
          (src[SRC_TITLE] || "source") + "</a>"
        : (src[SRC_TITLE] ? " " + src[SRC_TITLE] : "");
      return '<li><q class="fl-q">' + event[E_SENTENCE] + '</q><div class="fl-src">' + parts.join(" \u00b7 ") +
        link + "</div></li>";
    }

    function placeHeader(p) {
      var place = places[p];
      return '<div class="fl-popup-name">' + place[P_NAME] + "</div>" +
        (place[P_DETAIL] ? '<div class="fl-popup-detail">' + place[P_DETAIL] + "</div>" : "");
    }

    function statePopup(p, k) {
      var row = statesAt(k)[p];
      if (!row) return "";
      var idx = eventIndexes(row);
      var latest = events[idx[idx.length - 1]];
      var side = row[S_SIDE];
      var age = daysBetween(row[S_LAST], periods[k].end);
      var stale = isStale(row, k);
      var items = [];
      for (var i = idx.length - 1; i >= 0; i--) items.push(sourceHtml(events[idx[i]]));
      return '<div class="fl-popup">' + placeHeader(p) +
        '<div class="fl-popup-state"><span class="fl-swatch" style="background:' + COLORS[side] + '"></span><b>' +
        SIDE_LABELS[side] + "</b>" + (row[S_SINCE] ? " since " + row[S_SINCE] : "") + " \u00b7 " +
        (row[S_CLAIMED] === 1 ? "claimed, unconfirmed" : "confirmed") + "</div>" +
        (latest ? '<div class="fl-popup-latest">Latest report: ' + KINDS[latest[E_KIND]] + ", " + latest[E_DATE] +
          "</div>" : "") +
        (row[S_LAST] ? '<div class="fl-popup-age">Last report ' + row[S_LAST] + ", " + ageText(age) +
          (stale ? " (stale: older than " + staleDays + " days, so it grows no estimated area)" : "") + "</div>" : "") +
        '<div class="fl-popup-h">Supporting reports (' + idx.length + ')</div><ol class="fl-evidence">' +
        items.join("") + "</ol></div>";
    }

    function eventPopup(e) {
      var event = events[e];
      return '<div class="fl-popup">' + placeHeader(event[E_PLACE]) + '<ol class="fl-evidence">' +
        sourceHtml(event) + "</ol></div>";
    }

    function record(k) {
      var states = statesAt(k);
      var counts = [0, 0, 0, 0];
      var drawn = 0, changed = 0, stale = 0;
      for (var p = 0; p < states.length; p++) {
        if (!states[p]) continue;
        drawn++;
        counts[states[p][S_SIDE]]++;
        if (states.changed[p]) changed++;
        if (isStale(states[p], k)) stale++;
      }
      container.setAttribute("data-stale", String(stale));
      container.setAttribute("data-period", periods[k].label);
      container.setAttribute("data-drawn", String(drawn));
      container.setAttribute("data-changed", String(changed));
      for (var s = 0; s < SIDES.length; s++) container.setAttribute("data-" + SIDES[s].toLowerCase(), String(counts[s]));
    }

    function drawPeriod(k) {
      var group = layers.periods[k];
      var states = statesAt(k);
      group.clearLayers();
      for (var p = 0; p < states.length; p++) {
        var row = states[p];
        if (!row) continue;
        var changed = states.changed[p] === 1;
        var marker = L.circleMarker([places[p][P_LAT], places[p][P_LON]],
                                    stateStyle(row, changed, renderer, isStale(row, k)));
        marker.flPlace = p;
        marker.flPeriod = k;
        group.addLayer(marker);
        if (changed) marker.bringToFront();
      }
      record(k);
      drawLabels();
    }

    // Estimated areas and front line of period k; a period equal to an earlier one names its index.
    function areaRows(kind, k) {
      if (!areaData) return [];
      var rows = areaData[kind][k];
      while (typeof rows === "number") rows = areaData[kind][rows];
      return rows || [];
    }

    function drawAreas(k) {
      if (!layers.areas || k < 0) return;
      layers.areas.clearLayers();
      var rows = areaRows("shapes", k);
      for (var i = 0; i < rows.length; i++) {
        var color = AREA_COLORS[rows[i][0]];
        layers.areas.addLayer(L.geoJSON(rows[i][1], {
          pane: "fl-areas", interactive: false,
          style: function () { return { stroke: false, fillColor: color, fillOpacity: 0.22 }; }
        }));
      }
      container.setAttribute("data-areas", String(rows.length));
    }

    function drawFront(k) {
      if (!layers.front || k < 0) return;
      layers.front.clearLayers();
      var rows = areaRows("fronts", k);
      for (var i = 0; i < rows.length; i++) {
        var pair = rows[i][0];
        layers.front.addLayer(L.geoJSON(rows[i][1], {
          pane: "fl-front", interactive: false,
          style: function () {
            return pair === 0 ? { color: "#111111", weight: 2.5, opacity: 0.9 }
              : { color: "#444444", weight: 1.5, opacity: 0.8, dashArray: "4 3" };
          }
        }));
      }
      container.setAttribute("data-fronts", String(rows.length));
    }

    // Place names as labels once zoomed in: only those in view, changed places first.
    function drawLabels() {
      labels.clearLayers();
      var count = 0;
      if (current >= 0 && map.getZoom() >= LABEL_ZOOM) {
        var states = statesAt(current);
        var view = map.getBounds();
        var order = [];
        for (var p = 0; p < states.length; p++) {
          if (!states[p]) continue;
          if (!view.contains([places[p][P_LAT], places[p][P_LON]])) continue;
          if (states.changed[p]) order.unshift(p); else order.push(p);
        }
        for (var i = 0; i < order.length && count < LABEL_MAX; i++, count++) {
          var q = order[i];
          labels.addLayer(L.tooltip({ permanent: true, direction: "right", offset: [7, 0], className: "fl-label",
                                      interactive: false })
            .setLatLng([places[q][P_LAT], places[q][P_LON]]).setContent(places[q][P_NAME]));
        }
      }
      container.setAttribute("data-labels", String(count));
    }
    labels.addTo(map);
    map.on("zoomend moveend", drawLabels);

    function drawEvents(group, indexes, undated) {
      group.clearLayers();
      for (var i = 0; i < indexes.length; i++) {
        var event = events[indexes[i]];
        var place = places[event[E_PLACE]];
        var marker = L.circleMarker([place[P_LAT], place[P_LON]], eventStyle(event, undated, renderer));
        marker.flEvent = indexes[i];
        group.addLayer(marker);
      }
    }

    // One popup and one tooltip per group, built on demand: 20,000 markers must not mean 20,000 popups.
    // On a wide screen popups pan clear of the panel, which sits over the map's left side.
    var wideScreen = map.getSize().x > 760;
    var popupOptions = {
      maxWidth: 380,
      maxHeight: 320,
      autoPanPaddingTopLeft: wideScreen ? [345, 20] : [20, 20],
      autoPanPaddingBottomRight: [20, 20]
    };
    function nameOf(layer) {
      var p = layer.flPlace !== undefined ? layer.flPlace : events[layer.flEvent][E_PLACE];
      return places[p][P_NAME];
    }
    layers.periods.forEach(function (group, k) {
      group.bindPopup(function (layer) { return statePopup(layer.flPlace, k); }, popupOptions);
      group.bindTooltip(nameOf, { direction: "top", offset: [0, -6] });
      // Only the group's own add/remove: children's events reach the group too when they propagate.
      group.on("add", function (e) { if (e.target === group) { drawPeriod(k); select(k); } });
      group.on("remove", function (e) { if (e.target === group) group.clearLayers(); });
    });
    [[layers.areas, drawAreas], [layers.front, drawFront]].forEach(function (spec) {
      var group = spec[0];
      if (!group) return;
      group.on("add", function (e) { if (e.target === group) spec[1](current); });
      group.on("remove", function (e) { if (e.target === group) group.clearLayers(); });
    });
    [[layers.all, data.all, false], [layers.undated, data.undated, true]].forEach(function (spec) {
      var group = spec[0];
      if (!group) return;
      group.bindPopup(function (layer) { return eventPopup(layer.flEvent); }, popupOptions);
      group.bindTooltip(nameOf, { direction: "top", offset: [0, -4] });
      group.on("add", function (e) { if (e.target === group) drawEvents(group, spec[1], spec[2]); });
      group.on("remove", function (e) { if (e.target === group) group.clearLayers(); });
    });

    // Panel: period summary, slider and chart follow whichever period layer is on.
    var slider = document.getElementById("fl-slider");
    var periodName = document.getElementById("fl-period");
    var periodSpan = document.getElementById("fl-period-span");
    var summary = document.getElementById("fl-summary");
    var playButton = document.getElementById("fl-play");
    var timer = null;

    function setText(id, text) {
      var el = document.getElementById(id);
      if (el) el.textContent = text;
    }

    function select(k) {
      current = k;
      var period = periods[k];
      if (slider) slider.value = String(k);
      if (periodName) periodName.textContent = period.label;
      if (periodSpan) periodSpan.textContent = period.start === period.end ? period.start : period.start + " \u2013 " + period.end;
      if (summary) {
        for (var s = 0; s < SIDES.length; s++) {
          setText("fl-held-" + SIDES[s].toLowerCase(), String(period.held[SIDES[s]] || 0));
          setText("fl-stale-" + SIDES[s].toLowerCase(), String((period.stale || {})[SIDES[s]] || 0));
          setText("fl-to-" + SIDES[s].toLowerCase(), String(period.to[SIDES[s]] || 0));
        }
      }
      if (period.area_km2) {
        for (var a = 0; a < 3; a++) {
          var id = SIDES[a].toLowerCase();
          setText("fl-area-" + id, period.area_km2[SIDES[a]].toLocaleString("en-US"));
          setText("fl-gain-" + id, "+" + period.gained_km2[SIDES[a]].toLocaleString("en-US"));
          setText("fl-loss-" + id, "\u2212" + period.lost_km2[SIDES[a]].toLocaleString("en-US"));
        }
        setText("fl-area-note", "Estimate from " + period.area_places + " reported places; front line " +
          period.front_km.toLocaleString("en-US") + " km. " + (data.area_method || ""));
      }
      if (layers.areas && map.hasLayer(layers.areas)) drawAreas(k);
      if (layers.front && map.hasLayer(layers.front)) drawFront(k);
      drawLabels();
      var bars = document.querySelectorAll(".fl-bar");
      for (var b = 0; b < bars.length; b++) {
        bars[b].classList.toggle("fl-bar-on", bars[b].getAttribute("data-index") === String(k));
      }
    }

    function show(k) {
      if (k === current || k < 0 || k >= layers.periods.length) return;
      if (current >= 0 && map.hasLayer(layers.periods[current])) map.removeLayer(layers.periods[current]);
      layers.periods.forEach(function (group, i) { if (i !== k && map.hasLayer(group)) map.removeLayer(group); });
      map.addLayer(layers.periods[k]);
    }

    function stop() {
      if (timer) clearInterval(timer);
      timer = null;
      if (playButton) playButton.textContent = "\u25b6";
    }

    if (slider) {
      slider.addEventListener("input", function () { stop(); show(parseInt(slider.value, 10)); });
    }
    var prev = document.getElementById("fl-prev"), next = document.getElementById("fl-next");
    if (prev) prev.addEventListener("click", function () { stop(); show(current - 1); });
    if (next) next.addEventListener("click", function () { stop(); show(current + 1); });
    if (playButton) {
      playButton.addEventListener("click", function () {
        if (timer) { stop(); return; }
        if (current >= layers.periods.length - 1) show(0);
        playButton.textContent = "\u275a\u275a";
        timer = setInterval(function () {
          if (current >= layers.periods.length - 1) { stop(); return; }
          show(current + 1);
        }, 1200);
      });
    }
    var bars = document.querySelectorAll(".fl-bar");
    for (var b = 0; b < bars.length; b++) {
      bars[b].addEventListener("click", function (ev) {
        stop();
        show(parseInt(ev.currentTarget.getAttribute("data-index"), 10));
      });
    }
    var panel = document.getElementById("fl-panel");
    if (panel) {
      L.DomEvent.disableClickPropagation(panel);
      L.DomEvent.disableScrollPropagation(panel);
      var toggle = document.getElementById("fl-toggle");
      var setOpen = function (open) {
        panel.classList.toggle("fl-collapsed", !open);
        if (toggle) toggle.setAttribute("aria-expanded", open ? "true" : "false");
      };
      // On a phone the panel starts folded, so the map shows first.
      setOpen(map.getSize().x > 600);
      if (toggle) toggle.addEventListener("click", function () { setOpen(panel.classList.contains("fl-collapsed")); });
    }

    if (data.bounds) {
      // Keep the places clear of the panel (bottom left) and the layer list (top right) on a wide screen.
      var wide = wideScreen;
      map.fitBounds([[data.bounds[1], data.bounds[0]], [data.bounds[3], data.bounds[2]]], {
        paddingTopLeft: wide ? [340, 30] : [30, 30],
        paddingBottomRight: wide ? [200, 30] : [30, 30],
        maxZoom: 10,
        // Not animated: folium has set a first view, and an animated fit would still be moving the map after
        // the page says it is ready (data-ready), undoing a view set in between.
        animate: false
      });
    }
    // The period layer that folium switched on before this ran gets drawn now.
    layers.periods.forEach(function (group, k) { if (map.hasLayer(group)) { drawPeriod(k); select(k); } });
    if (layers.all && map.hasLayer(layers.all)) drawEvents(layers.all, data.all, false);
    if (layers.undated && map.hasLayer(layers.undated)) drawEvents(layers.undated, data.undated, true);

    var api = {
      map: map,
      show: show,
      current: function () { return current; },
      statePopup: statePopup
    };
    if (layers.periods.length > LIST_MAX_PERIODS) container.classList.add("fl-many-periods");
    container.setAttribute("data-ready", "1");
    return api;
  }

  function dataFrom(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }

  global.frontlineMap = { create: create, dataFrom: dataFrom };
})(window);
