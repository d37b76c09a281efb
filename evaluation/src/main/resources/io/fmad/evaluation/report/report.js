// Draws the report's plots from the JSON in #plot-data and makes the file table sortable.
// Appends a div with the id "rendered" to the body when every plot is drawn, or one with the id "render-error"
// and the message when drawing fails, so a headless browser run can tell the two apart.
(function () {
  'use strict';

  var MARGIN_LEFT = 118;
  var MARGIN_RIGHT = 16;
  var VALUE_TOP = 8;
  var VALUE_HEIGHT = 170;
  var SCORE_HEIGHT = 110;
  var PANEL_GAP = 8;
  var LANE_HEIGHT = 13;
  var AXIS_HEIGHT = 22;
  var FONT = '12px system-ui, -apple-system, "Segoe UI", "DejaVu Sans", "Liberation Sans", Arial, sans-serif';
  // Labeled windows are yellow, a hue that no detector color in the first five uses.
  var WINDOW_FILL = 'rgba(240, 200, 20, 0.25)';
  var WINDOW_EDGE = 'rgba(176, 136, 0, 0.6)';
  var PROBATION_FILL = 'rgba(89, 99, 110, 0.12)';
  var GRID = '#e6eaef';
  var AXIS_TEXT = '#424a53';
  var MINUTE = 60000;
  var HOUR = 60 * MINUTE;
  var DAY = 24 * HOUR;
  // Tick spacings in milliseconds. Spacings of a month or more are calendar months (MONTH_STEPS).
  var TIME_STEPS = [MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR,
    DAY, 2 * DAY, 7 * DAY, 14 * DAY];
  var MONTH_STEPS = [1, 2, 3, 6, 12, 24, 60];

  // Set by render(), so a malformed data block is reported like any other drawing failure.
  var data = null;
  var enabled = [];
  var charts = [];

  function pad2(n) { return (n < 10 ? '0' : '') + n; }

  function formatDate(ms) {
    var d = new Date(ms);
    return d.getUTCFullYear() + '-' + pad2(d.getUTCMonth() + 1) + '-' + pad2(d.getUTCDate());
  }

  function formatDateTime(ms) {
    var d = new Date(ms);
    return formatDate(ms) + ' ' + pad2(d.getUTCHours()) + ':' + pad2(d.getUTCMinutes());
  }

  function formatNumber(v) {
    var a = Math.abs(v);
    if (a >= 1e9) { return +(v / 1e9).toPrecision(3) + 'G'; }
    if (a >= 1e6) { return +(v / 1e6).toPrecision(3) + 'M'; }
    if (a >= 1e4) { return +(v / 1e3).toPrecision(3) + 'k'; }
    if (a === 0) { return '0'; }
    return String(+v.toPrecision(4));
  }

  // Returns tick times (epoch ms) for a time range, about one per maxTicks-th of it, on calendar boundaries.
  function timeTicks(startMs, endMs, maxTicks) {
    var ticks = [];
    if (!isFinite(startMs) || !isFinite(endMs)) {
      throw new Error('invalid time range ' + startMs + ' to ' + endMs);
    }
    var span = Math.max(endMs - startMs, 1);
    for (var i = 0; i < TIME_STEPS.length; i++) {
      if (span / TIME_STEPS[i] <= maxTicks) {
        var step = TIME_STEPS[i];
        for (var t = Math.ceil(startMs / step) * step; t <= endMs; t += step) { ticks.push(t); }
        return { ticks: ticks, step: step };
      }
    }
    var months = MONTH_STEPS[MONTH_STEPS.length - 1];
    for (var m = 0; m < MONTH_STEPS.length; m++) {
      if (span / (MONTH_STEPS[m] * 30.44 * DAY) <= maxTicks) { months = MONTH_STEPS[m]; break; }
    }
    var d = new Date(startMs);
    var month = Math.ceil((d.getUTCFullYear() * 12 + d.getUTCMonth() + (d.getUTCDate() > 1 ? 1 : 0)) / months)
      * months;
    // Date.UTC returns NaN past year 275760, which would never compare greater than endMs.
    for (;;) {
      var tick = Date.UTC(Math.floor(month / 12), month % 12, 1);
      if (!(tick <= endMs)) { break; }
      if (tick >= startMs) { ticks.push(tick); }
      month += months;
    }
    return { ticks: ticks, step: months * 30 * DAY };
  }

  function niceStep(range, count) {
    var raw = range / count;
    var power = Math.pow(10, Math.floor(Math.log10(raw)));
    var fraction = raw / power;
    if (fraction <= 1) { return power; }
    if (fraction <= 2) { return 2 * power; }
    if (fraction <= 5) { return 5 * power; }
    return 10 * power;
  }

  // Returns the value axis range with 5% headroom. A constant or empty series gets a range around its value.
  function valueRange(values) {
    var min = Infinity;
    var max = -Infinity;
    for (var i = 0; i < values.length; i++) {
      var v = values[i];
      if (v === null) { continue; }
      if (v < min) { min = v; }
      if (v > max) { max = v; }
    }
    if (min === Infinity) { return { min: 0, max: 1 }; }
    if (max === min) {
      var half = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
      return { min: min - half, max: max + half };
    }
    var margin = (max - min) * 0.05;
    return { min: min - margin, max: max + margin };
  }

  function inWindow(series, offset) {
    for (var i = 0; i < series.windows.length; i++) {
      if (offset >= series.windows[i][0] && offset <= series.windows[i][1]) { return true; }
    }
    return false;
  }

  function layout(series) {
    var scoreTop = VALUE_TOP + VALUE_HEIGHT + PANEL_GAP;
    var laneTop = scoreTop + SCORE_HEIGHT + PANEL_GAP;
    var lanes = Math.max(series.d.length, 1);
    return {
      valueTop: VALUE_TOP, scoreTop: scoreTop, laneTop: laneTop,
      axisTop: laneTop + lanes * LANE_HEIGHT, height: laneTop + lanes * LANE_HEIGHT + AXIS_HEIGHT
    };
  }

  function draw(chart) {
    var series = chart.series;
    var canvas = chart.canvas;
    var box = layout(series);
    var width = Math.max(canvas.parentElement.clientWidth, 320);
    var ratio = window.devicePixelRatio || 1;
    canvas.style.height = box.height + 'px';
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(box.height * ratio);
    var g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, box.height);
    g.font = FONT;

    var plotWidth = width - MARGIN_LEFT - MARGIN_RIGHT;
    var end = series.end;
    var x = function (offset) {
      if (end <= 0) { return MARGIN_LEFT + plotWidth / 2; }
      return MARGIN_LEFT + Math.min(Math.max(offset / end, 0), 1) * plotWidth;
    };
    chart.x = x;
    chart.plotWidth = plotWidth;
    var range = valueRange(series.v);
    var yValue = function (v) {
      return box.valueTop + VALUE_HEIGHT - (v - range.min) / (range.max - range.min) * VALUE_HEIGHT;
    };
    var yScore = function (s) { return box.scoreTop + SCORE_HEIGHT - Math.min(Math.max(s, 0), 1) * SCORE_HEIGHT; };
    var shadedTop = box.valueTop;
    var shadedHeight = box.axisTop - box.valueTop;

    // Probationary period and labeled windows, shaded through every panel.
    if (series.probation !== null) {
      g.fillStyle = PROBATION_FILL;
      g.fillRect(x(0), shadedTop, x(series.probation) - x(0), shadedHeight);
    }
    series.windows.forEach(function (w) {
      var left = x(w[0]);
      var right = Math.max(x(w[1]), left + 1);
      g.fillStyle = WINDOW_FILL;
      g.fillRect(left, shadedTop, right - left, shadedHeight);
      g.fillStyle = WINDOW_EDGE;
      g.fillRect(left, shadedTop, 1, shadedHeight);
      g.fillRect(right - 1, shadedTop, 1, shadedHeight);
    });

    // Time grid and labels.
    var ticks = timeTicks(series.t0, series.t0 + end, Math.max(2, Math.floor(plotWidth / 120)));
    g.textAlign = 'center';
    g.textBaseline = 'top';
    ticks.ticks.forEach(function (tick) {
      var tx = Math.round(x(tick - series.t0)) + 0.5;
      g.strokeStyle = GRID;
      g.lineWidth = 1;
      g.beginPath();
      g.moveTo(tx, box.valueTop);
      g.lineTo(tx, box.axisTop);
      g.stroke();
      g.fillStyle = AXIS_TEXT;
      g.fillText(ticks.step >= DAY ? formatDate(tick) : formatDateTime(tick), tx, box.axisTop + 5);
    });
    g.textAlign = 'right';
    g.fillStyle = AXIS_TEXT;
    g.fillText('time (UTC)', MARGIN_LEFT - 6, box.axisTop + 5);

    // Value axis.
    var step = niceStep(range.max - range.min, 4);
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (var v = Math.ceil(range.min / step) * step; v <= range.max; v += step) {
      var vy = Math.round(yValue(v)) + 0.5;
      g.strokeStyle = GRID;
      g.beginPath();
      g.moveTo(MARGIN_LEFT, vy);
      g.lineTo(MARGIN_LEFT + plotWidth, vy);
      g.stroke();
      g.fillStyle = AXIS_TEXT;
      g.fillText(formatNumber(Math.abs(v) < step / 1e6 ? 0 : v), MARGIN_LEFT - 6, vy);
    }
    [0, 0.5, 1].forEach(function (s) {
      var sy = Math.round(yScore(s)) + 0.5;
      g.strokeStyle = GRID;
      g.beginPath();
      g.moveTo(MARGIN_LEFT, sy);
      g.lineTo(MARGIN_LEFT + plotWidth, sy);
      g.stroke();
      g.fillStyle = AXIS_TEXT;
      g.fillText(String(s), MARGIN_LEFT - 6, sy);
    });
    g.save();
    g.translate(16, box.scoreTop + SCORE_HEIGHT / 2);
    g.rotate(-Math.PI / 2);
    g.textAlign = 'center';
    g.fillText('score', 0, 0);
    g.restore();
    g.save();
    g.translate(16, box.valueTop + VALUE_HEIGHT / 2);
    g.rotate(-Math.PI / 2);
    g.textAlign = 'center';
    g.fillText('value', 0, 0);
    g.restore();

    // Panel frames.
    g.strokeStyle = '#aab4be';
    g.strokeRect(MARGIN_LEFT + 0.5, box.valueTop + 0.5, plotWidth - 1, VALUE_HEIGHT);
    g.strokeRect(MARGIN_LEFT + 0.5, box.scoreTop + 0.5, plotWidth - 1, SCORE_HEIGHT);

    // Values: the line runs through each bucket's two extremes, so every spike stays visible.
    g.strokeStyle = '#24292f';
    g.lineWidth = 1;
    strokeEnvelope(g, series.t, series.v, x, yValue);

    // Scores and thresholds, the first detector drawn last so it stays on top.
    series.d.slice().reverse().forEach(function (detector) {
      if (!enabled[detector.i]) { return; }
      var color = data.colors[detector.i];
      g.strokeStyle = color;
      g.lineWidth = 1.25;
      g.globalAlpha = 0.85;
      strokeEnvelope(g, series.t, detector.s, x, yScore);
      g.globalAlpha = 1;
      if (detector.th !== null && detector.th >= 0 && detector.th <= 1) {
        var ty = Math.round(yScore(detector.th)) + 0.5;
        g.setLineDash([6, 4]);
        g.beginPath();
        g.moveTo(MARGIN_LEFT, ty);
        g.lineTo(MARGIN_LEFT + plotWidth, ty);
        g.stroke();
        g.setLineDash([]);
      }
    });

    // Detection lanes: one row of markers per detector.
    g.textAlign = 'right';
    series.d.forEach(function (detector, lane) {
      var top = box.laneTop + lane * LANE_HEIGHT;
      var mid = top + LANE_HEIGHT / 2;
      g.fillStyle = lane % 2 === 0 ? 'rgba(246, 248, 250, 0.8)' : 'rgba(255, 255, 255, 0.6)';
      g.fillRect(MARGIN_LEFT, top, plotWidth, LANE_HEIGHT);
      g.fillStyle = enabled[detector.i] ? data.colors[detector.i] : '#aab4be';
      g.font = '11px system-ui, "DejaVu Sans", Arial, sans-serif';
      g.fillText(fit(g, data.detectors[detector.i], MARGIN_LEFT - 10), MARGIN_LEFT - 6, mid);
      if (!enabled[detector.i]) { return; }
      var color = data.colors[detector.i];
      detector.x.forEach(function (offset) {
        var dx = x(offset);
        if (series.probation !== null && offset < series.probation) {
          marker(g, dx, mid, '#8c959f', true, false);
        } else {
          marker(g, dx, mid, color, inWindow(series, offset), true);
        }
      });
    });
    g.font = FONT;
  }

  // Returns the text, cut with an ellipsis where it is wider than maxWidth pixels.
  function fit(g, text, maxWidth) {
    if (g.measureText(text).width <= maxWidth) { return text; }
    var cut = text.length;
    while (cut > 1 && g.measureText(text.slice(0, cut) + '\u2026').width > maxWidth) { cut--; }
    return text.slice(0, cut) + '\u2026';
  }

  // Draws a detection: a filled triangle pointing up inside a window, a hollow one pointing down outside.
  function marker(g, x, y, color, inside, scored) {
    var size = scored ? 4.5 : 3.5;
    g.beginPath();
    if (inside) {
      g.moveTo(x, y - size);
      g.lineTo(x + size, y + size);
      g.lineTo(x - size, y + size);
      g.closePath();
      g.fillStyle = color;
      g.fill();
    } else {
      g.moveTo(x - size, y - size);
      g.lineTo(x + size, y - size);
      g.lineTo(x, y + size);
      g.closePath();
      g.fillStyle = '#ffffff';
      g.fill();
      g.strokeStyle = color;
      g.lineWidth = 1.25;
      g.stroke();
    }
  }

  // Strokes a line through two points per bucket. A null value breaks the line.
  function strokeEnvelope(g, times, pairs, x, y) {
    g.beginPath();
    var drawing = false;
    for (var b = 0; b < times.length; b++) {
      var px = x(times[b]);
      for (var k = 0; k < 2; k++) {
        var v = pairs[2 * b + k];
        if (v === null) { drawing = false; continue; }
        if (drawing) { g.lineTo(px, y(v)); } else { g.moveTo(px, y(v)); drawing = true; }
      }
    }
    g.stroke();
  }

  // Returns the index of the last bucket that starts at or before an offset.
  function bucketAt(times, offset) {
    var low = 0;
    var high = times.length - 1;
    while (low < high) {
      var middle = (low + high + 1) >> 1;
      if (times[middle] <= offset) { low = middle; } else { high = middle - 1; }
    }
    return low;
  }

  function showTooltip(chart, event) {
    var series = chart.series;
    if (series.t.length === 0 || !chart.x) { return; }
    var rect = chart.canvas.getBoundingClientRect();
    var px = event.clientX - rect.left;
    var fraction = (px - MARGIN_LEFT) / chart.plotWidth;
    if (fraction < 0 || fraction > 1) { chart.tooltip.hidden = true; return; }
    var b = bucketAt(series.t, fraction * series.end);
    var lines = [formatDateTime(series.t0 + series.t[b]) + ' UTC',
      'value ' + range(series.v[2 * b], series.v[2 * b + 1])];
    series.d.forEach(function (detector) {
      if (enabled[detector.i]) {
        lines.push(data.detectors[detector.i] + ' ' + range(detector.s[2 * b], detector.s[2 * b + 1]));
      }
    });
    chart.tooltip.textContent = '';
    lines.forEach(function (line) {
      var row = document.createElement('div');
      row.textContent = line;
      chart.tooltip.appendChild(row);
    });
    chart.tooltip.hidden = false;
    var left = px + 14;
    if (left + 220 > rect.width) { left = px - 230; }
    chart.tooltip.style.left = left + 'px';
    chart.tooltip.style.top = (event.clientY - rect.top + 12) + 'px';
  }

  function range(a, b) {
    if (a === null || b === null) { return 'n/a'; }
    var low = Math.min(a, b);
    var high = Math.max(a, b);
    return low === high ? formatNumber(low) : formatNumber(low) + ' \u2013 ' + formatNumber(high);
  }

  function drawAll() {
    charts.forEach(draw);
  }

  function makeSortable(table) {
    var headings = table.querySelectorAll('th[data-col]');
    headings.forEach(function (heading) {
      heading.addEventListener('click', function () {
        var column = Number(heading.getAttribute('data-col'));
        var text = heading.getAttribute('data-type') === 'text';
        var ascending = !heading.classList.contains('sorted-asc');
        headings.forEach(function (h) { h.classList.remove('sorted-asc', 'sorted-desc'); });
        heading.classList.add(ascending ? 'sorted-asc' : 'sorted-desc');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (left, right) {
          var a = left.cells[column].getAttribute('data-sort');
          var b = right.cells[column].getAttribute('data-sort');
          var order = text ? a.localeCompare(b) : Number(a) - Number(b);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function render() {
    data = JSON.parse(document.getElementById('plot-data').textContent);
    enabled = data.detectors.map(function () { return true; });
    document.querySelectorAll('section.series').forEach(function (section) {
      var series = data.series[Number(section.getAttribute('data-index'))];
      var chart = {
        series: series,
        canvas: section.querySelector('canvas'),
        tooltip: section.querySelector('.tooltip')
      };
      chart.canvas.addEventListener('mousemove', function (event) { showTooltip(chart, event); });
      chart.canvas.addEventListener('mouseleave', function () { chart.tooltip.hidden = true; });
      charts.push(chart);
    });
    drawAll();

    document.querySelectorAll('#toolbar input[data-detector]').forEach(function (box) {
      box.addEventListener('change', function () {
        enabled[Number(box.getAttribute('data-detector'))] = box.checked;
        drawAll();
      });
    });
    var resizeTimer = null;
    window.addEventListener('resize', function () {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(drawAll, 150);
    });
    document.querySelectorAll('table.sortable').forEach(makeSortable);
  }

  function mark(id, text) {
    var element = document.createElement('div');
    element.id = id;
    element.hidden = id === 'rendered';
    element.textContent = text;
    document.body.appendChild(element);
  }

  try {
    render();
    mark('rendered', charts.length + ' plots');
  } catch (error) {
    mark('render-error', 'Drawing the plots failed: ' + error);
    throw error;
  }
}());
