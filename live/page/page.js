(function () {
  'use strict';

  // Errors of this page (script errors, resources that failed or that the
  // content security policy blocked) are shown and kept on <body
  // data-errors>, so a test, or a user, sees them.
  var errs = [];
  function recordError(msg) {
    errs.push(String(msg));
    document.body.setAttribute('data-errors', JSON.stringify(errs));
    var b = $('errors');
    b.textContent = 'Page error: ' + errs.join('; ');
    b.classList.remove('hidden');
  }
  window.addEventListener('error', function (e) {
    recordError(e.message || ('failed to load ' + ((e.target && (e.target.src || e.target.href)) || 'a resource')));
  }, true);
  document.addEventListener('securitypolicyviolation', function (e) {
    recordError('blocked by the content security policy: ' + e.blockedURI + ' (' + e.violatedDirective + ')');
  });

  var MAXPTS = 3600;
  var points = [];
  var snap = null;
  var events = 0;
  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

  function $(id) { return document.getElementById(id); }

  function fmtNum(v) {
    if (v === null || v === undefined || !isFinite(v)) return '-';
    var a = Math.abs(v);
    if (a >= 1e6) return (v / 1e6).toFixed(a >= 1e7 ? 0 : 1) + 'M';
    if (a >= 1e4) return (v / 1e3).toFixed(a >= 1e5 ? 0 : 1) + 'k';
    if (a >= 100 || v === Math.round(v)) return v.toFixed(0);
    if (a >= 10) return v.toFixed(1);
    return v.toFixed(2);
  }
  function fmtMS(v) {
    if (v < 10) return v.toFixed(2) + ' ms';
    if (v < 1000) return v.toFixed(1) + ' ms';
    return (v / 1000).toFixed(2) + ' s';
  }
  // lastSpan names the span a chart's rolling numbers are taken over
  // (the snapshot's window_ns or streamed_window_ns).
  function lastSpan(ns) {
    if (!(ns > 0)) return 'last window';
    if (ns < 1e9) return 'last ' + Math.round(ns / 1e6) + ' ms';
    return 'last ' + String(Math.round(ns / 1e8) / 10) + ' s';
  }

  function fmtT(sec) {
    var s = Math.max(0, Math.floor(sec));
    var h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, x = s % 60;
    var mm = (h > 0 && m < 10 ? '0' : '') + m, ss = (x < 10 ? '0' : '') + x;
    return (h > 0 ? h + ':' : '') + mm + ':' + ss;
  }
  function niceStep(span, n) {
    var raw = span / n, e = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / e;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * e;
  }
  var timeSteps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];

  // draw plots series (each {name, color, pts: [[t, v], ...]}, v null for
  // a gap) on the canvas id over [t0, t1] seconds, with level marks, and
  // sets data-points to the number of values drawn.
  function draw(id, series, t0, t1, marks) {
    var cv = $(id);
    var ratio = window.devicePixelRatio || 1;
    var w = cv.clientWidth || 420, h = cv.clientHeight || 200;
    cv.width = Math.round(w * ratio);
    cv.height = Math.round(h * ratio);
    var g = cv.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, w, h);
    var L = 48, R = 10, T = 20, B = 20, pw = w - L - R, ph = h - T - B;
    var ymax = 0, n = 0;
    series.forEach(function (s) {
      s.pts.forEach(function (p) {
        if (p[1] === null || p[1] === undefined || !isFinite(p[1])) return;
        ymax = Math.max(ymax, p[1]);
        n++;
      });
    });
    cv.setAttribute('data-points', String(n));
    cv.setAttribute('data-marks', '');
    g.font = '11px system-ui, sans-serif';
    g.fillStyle = '#777';
    if (n === 0) {
      g.fillText('no data yet', L + 8, T + ph / 2);
      return;
    }
    // At least 10 s wide, filling from the left: a short run's axis
    // starts at its start, not seconds before it.
    if (t1 - t0 < 10) t1 = t0 + 10;
    var ystep = niceStep(ymax > 0 ? ymax : 1, 4), ytop = Math.max(ystep * Math.ceil((ymax > 0 ? ymax : 1) / ystep), ystep);
    function X(t) { return L + (t - t0) / (t1 - t0) * pw; }
    function Y(v) { return T + ph - v / ytop * ph; }
    // Grid and axes.
    g.strokeStyle = '#e6e8eb';
    g.lineWidth = 1;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (var v = 0; v <= ytop + ystep / 2; v += ystep) {
      g.beginPath(); g.moveTo(L, Y(v)); g.lineTo(L + pw, Y(v)); g.stroke();
      g.fillText(fmtNum(v), L - 4, Y(v));
    }
    var tstep = timeSteps[timeSteps.length - 1];
    for (var i = 0; i < timeSteps.length; i++) {
      if ((t1 - t0) / timeSteps[i] <= 6) { tstep = timeSteps[i]; break; }
    }
    g.textAlign = 'center';
    g.textBaseline = 'top';
    for (var t = Math.ceil(t0 / tstep) * tstep; t <= t1; t += tstep) {
      g.beginPath(); g.moveTo(X(t), T); g.lineTo(X(t), T + ph); g.stroke();
      g.fillText(fmtT(t), X(t), T + ph + 4);
    }
    // Level starts.
    g.strokeStyle = '#b8bec6';
    g.setLineDash([3, 3]);
    g.textAlign = 'left';
    // Labels from the latest back: one that would run into a later
    // label is left out (the latest level matters most).
    var labelStart = L + pw;
    var drawn = [];
    (marks || []).slice().reverse().forEach(function (m) {
      if (m.t > t1 || m.t < t0 - 5) return;
      var x = X(Math.max(m.t, t0));
      g.beginPath(); g.moveTo(x, T); g.lineTo(x, T + ph); g.stroke();
      // The full label, else the level alone (a short level's mark).
      [m.label, m.short].some(function (label) {
        var w = g.measureText(label).width;
        if (x + 2 + w + 4 > labelStart) return false;
        g.fillText(label, x + 2, T + 2);
        labelStart = x;
        drawn.unshift(label);
        return true;
      });
    });
    // The labels drawn, earliest first, for a test to read.
    cv.setAttribute('data-marks', drawn.join('|'));
    g.setLineDash([]);
    // Lines, broken at gaps.
    g.save();
    g.beginPath(); g.rect(L, T - 1, pw, ph + 2); g.clip();
    g.lineWidth = 1.8;
    series.forEach(function (s) {
      g.strokeStyle = s.color;
      g.beginPath();
      var pen = false;
      s.pts.forEach(function (p) {
        if (p[1] === null || p[1] === undefined || !isFinite(p[1]) || p[0] < t0) { pen = false; return; }
        if (pen) g.lineTo(X(p[0]), Y(p[1])); else g.moveTo(X(p[0]), Y(p[1]));
        pen = true;
      });
      g.stroke();
    });
    g.restore();
    // Legend.
    g.textAlign = 'left';
    g.textBaseline = 'middle';
    var lx = L + 4;
    series.forEach(function (s) {
      if (series.length < 2 && !s.name) return;
      g.fillStyle = s.color;
      g.fillRect(lx, 6, 10, 3);
      g.fillStyle = '#333';
      g.fillText(s.name, lx + 13, 8);
      lx += 20 + g.measureText(s.name).width;
    });
  }

  function series(name, color, f) {
    return { name: name, color: color, pts: points.map(function (p) { var v = f(p); return [p.t, v === undefined ? null : v]; }) };
  }

  function show(id, on) { $(id).classList.toggle('hidden', !on); }

  function charts() {
    if (points.length === 0) return;
    // Points taken before the run's start (while it probes the server)
    // have negative times: the axis starts at 0:00.
    var t0 = Math.max(points[0].t, 0), t1 = Math.max(points[points.length - 1].t, t0);
    // A level is marked where it began (before its spread probe): its
    // start_ns moves to the probe's end, and the mark moved with it. It is
    // named as it was set ("level 2 req/s"), or its label alone ("2 req/s")
    // where a short level leaves no room.
    var marks = ((snap && snap.levels) || []).map(function (l) {
      var t = l.began_ns !== undefined ? l.began_ns : l.start_ns;
      return { t: t / 1e9, label: l.name, short: l.label };
    });
    function q(k, i) { return function (p) { return p[k] ? p[k][i] : null; }; }
    draw('chart-rps', [series('', palette[0], function (p) { return p.rps_window; })], t0, t1, marks);
    // A run followed from its files (watch) has no requests in flight to
    // show: a record is written when its request is done.
    show('fig-inflight', !!(snap && snap.in_flight_known));
    draw('chart-inflight', [series('', palette[0], function (p) { return p.in_flight; })], t0, t1, marks);
    draw('chart-ttft', [series('p50', palette[0], q('ttft', 0)), series('p95', palette[3], q('ttft', 1)), series('p99', palette[1], q('ttft', 2))], t0, t1, marks);
    draw('chart-tpot', [series('p50', palette[0], q('tpot', 0)), series('p95', palette[3], q('tpot', 1)), series('p99', palette[1], q('tpot', 2))], t0, t1, marks);
    // Tokens as they stream where the run sees the chunks; a followed run
    // has only the tokens of completed requests (docs/live.md).
    var streamed = !!(snap && snap.streamed_known);
    var win = lastSpan(snap && snap.window_ns);
    $('cap-rps').textContent = 'Requests completed per second (' + win + ')';
    $('cap-ttft').textContent = 'TTFT, ms (' + win + ')';
    $('cap-tpot').textContent = 'TPOT, ms (' + win + ')';
    $('cap-outtps').textContent = streamed ? 'Output tokens streamed per second (' + lastSpan(snap.streamed_window_ns) + ')' : 'Output tokens per second, completed requests (' + win + ')';
    draw('chart-outtps', [series('', palette[2], function (p) { return streamed ? p.streamed_tps_window : p.out_tps_window; })], t0, t1, marks);
    var classes = {};
    points.forEach(function (p) { Object.keys(p.errors || {}).forEach(function (c) { classes[c] = true; }); });
    var names = Object.keys(classes).sort();
    draw('chart-errors', names.length ? names.map(function (c, i) {
      return series(c, palette[(i + 1) % palette.length], function (p) { return (p.errors && p.errors[c]) || 0; });
    }) : [series('', palette[1], function () { return 0; })], t0, t1, marks);

    var devs = {};
    points.forEach(function (p) { (p.gpu || []).forEach(function (d) { devs[d.i] = true; }); });
    var idx = Object.keys(devs).map(Number).sort(function (a, b) { return a - b; });
    show('fig-gpu-util', idx.length > 0);
    show('fig-gpu-mem', idx.length > 0);
    show('fig-gpu-power', idx.length > 0);
    if (idx.length > 0) {
      function dev(i, k) {
        return function (p) {
          var d = (p.gpu || []).filter(function (x) { return x.i === i; })[0];
          return d ? d[k] : null;
        };
      }
      function perDev(k) { return idx.map(function (i, j) { return series('GPU ' + i, palette[j % palette.length], dev(i, k)); }); }
      draw('chart-gpu-util', perDev('util'), t0, t1, marks);
      draw('chart-gpu-mem', perDev('mem_gib'), t0, t1, marks);
      draw('chart-gpu-power', perDev('power_w'), t0, t1, marks);
    }
    var hasServer = points.some(function (p) { return !!p.server; });
    var hasKV = points.some(function (p) { return p.server && p.server.kv !== undefined; });
    show('fig-queue', hasServer);
    show('fig-kv', hasKV);
    if (hasServer) {
      draw('chart-queue', [
        series('running', palette[0], function (p) { return p.server ? p.server.running : null; }),
        series('waiting', palette[1], function (p) { return p.server ? p.server.waiting : null; })], t0, t1, marks);
    }
    if (hasKV) {
      draw('chart-kv', [series('', palette[4], function (p) { return p.server && p.server.kv !== undefined ? 100 * p.server.kv : null; })], t0, t1, marks);
    }
  }

  function cell(tr, text, cls) {
    var td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }

  function numbers() {
    var s = snap;
    document.title = 'inferbench live: ' + s.run;
    $('title').textContent = 'inferbench live: ' + s.run;
    var st = $('state');
    st.textContent = s.ended ? 'run ended: ' + (s.exit_state || 'done') :
      (s.stopping_ns ? 'stopping (Ctrl-C): no new requests, those in flight finishing' : 'running');
    st.classList.toggle('ended', !!s.ended);
    // Green for a completed run only: failed, interrupted, gone read red.
    st.classList.toggle('bad', !!s.ended && s.exit_state !== 'complete');
    var running = (s.levels || []).filter(function (l) { return l.running; });
    $('level').textContent = running.length ? running[running.length - 1].label : '-';
    $('elapsed').textContent = fmtT(s.now_ns / 1e9);
    $('requests').textContent = String(s.ok);
    $('failed').textContent = String(s.failed);
    $('inflight').textContent = s.in_flight_known ? String(s.in_flight) : '-';
    // The rolling numbers are of the level running: once the run has
    // ended there is none, and the levels table holds each level's result.
    var w = s.ended ? {} : (s.window || {});
    $('ttft').textContent = w.ttft_ms && w.ttft_ms.n > 0 ? fmtMS(w.ttft_ms.p50) + ' / ' + fmtMS(w.ttft_ms.p95) : '-';
    if (s.streamed_known) {
      $('outtps-label').textContent = 'streamed tok/s';
      $('outtps').textContent = w.streamed_span_ns > 0 ? fmtNum(w.streamed_tokens_per_s) : '-';
    } else {
      $('outtps-label').textContent = 'output tok/s';
      $('outtps').textContent = w.span_ns > 0 ? fmtNum(w.output_tokens_per_s) : '-';
    }
    $('outtok').textContent = String(s.output_tokens);
    var cb = $('client');
    if (s.client_bound) {
      cb.textContent = 'CLIENT-BOUND: the load generator is near its limit (' + (s.client_reasons || []).join('; ') + '): its numbers describe the client, not the server.';
    }
    cb.classList.toggle('hidden', !s.client_bound);
  }

  function table() {
    var body = $('level-rows');
    while (body.firstChild) body.removeChild(body.firstChild);
    (snap.levels || []).forEach(function (l) {
      var tr = document.createElement('tr');
      var total = l.plan.requests ? l.plan.requests + (l.plan.warmup || 0) : 0;
      var r = l.result;
      cell(tr, l.label);
      cell(tr, l.running ? (l.probing ? 'spread probe' : (snap.stopping_ns ? 'stopping' : 'running')) : 'done');
      cell(tr, total ? l.done + '/' + total : String(l.done));
      cell(tr, String(l.ok));
      cell(tr, String(l.failed));
      // '*': fewer samples than a p95 needs, as the terminal and the table mark it.
      var p95 = function (has, v, thin) {
        if (!has) return '-';
        return fmtMS(v) + (thin ? '*' : '');
      };
      cell(tr, r ? p95(r.has_ttft, r.ttft_p95_ms, r.ttft_p95_thin) : '-');
      cell(tr, r ? p95(r.has_tpot, r.tpot_p95_ms, r.tpot_p95_thin) : '-');
      cell(tr, r ? fmtNum(r.output_tokens_per_s) : '-');
      cell(tr, r ? fmtNum(r.requests_per_s) : '-');
      var slo = r ? (r.slo === 'pass' ? 'pass' : r.slo === 'fail' ? 'FAIL' : '-') : '';
      // The reasons too, as the terminal's result line gives them.
      if (r && r.slo === 'fail' && r.reasons && r.reasons.length) slo += ': ' + r.reasons.join('; ');
      var td = cell(tr, slo, r && r.slo === 'fail' ? 'fail' : r && r.slo === 'pass' ? 'pass' : '');
      if (r && r.reasons) td.title = r.reasons.join('; ');
      // What qualifies the result, the terminal's texts (Result's notes):
      // CLIENT-BOUND, the requests the HTTP client resent, an early stop.
      var nt = cell(tr, '', 'notes');
      ((r && r.notes) || []).forEach(function (n, i) {
        if (i > 0) nt.appendChild(document.createTextNode(' '));
        if (n !== 'CLIENT-BOUND') {
          nt.appendChild(document.createTextNode(n));
          return;
        }
        var w = document.createElement('span');
        w.className = 'warn';
        w.title = 'the load generator could not keep the load asked: the level\'s numbers describe the client, not the server';
        w.textContent = n;
        nt.appendChild(w);
      });
      body.appendChild(tr);
    });
  }

  function render() {
    if (!snap) return;
    numbers();
    charts();
    table();
  }

  function apply(s, p) {
    snap = s;
    if (p) {
      points.push(p);
      if (points.length > MAXPTS) points.splice(0, points.length - MAXPTS);
    }
    render();
  }

  function counted() {
    events++;
    document.body.setAttribute('data-events', String(events));
  }

  var init = JSON.parse($('init').textContent);
  points = init.points || [];
  apply(init.snapshot, null);
  window.addEventListener('resize', render);

  if (window.EventSource) {
    var es = new EventSource('events');
    es.addEventListener('init', function (e) {
      var d = JSON.parse(e.data);
      counted();
      points = d.points || [];
      apply(d.snapshot, null);
    });
    es.addEventListener('tick', function (e) {
      var d = JSON.parse(e.data);
      counted();
      apply(d.snapshot, d.point);
    });
    es.addEventListener('error', function () {
      if (snap && snap.ended) {
        $('state').textContent = 'run ended: ' + (snap.exit_state || 'done') + ' (server gone)';
        es.close();
      } else {
        $('state').textContent = 'disconnected; retrying';
      }
    });
  }
})();
