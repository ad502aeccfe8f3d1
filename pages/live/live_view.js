// Backprop Lab's live view: mounted once per page, it opens the app's own websocket
// (/live?token=...), draws every binary frame the server sends (viz/frames.py's wire format)
// on canvases, and sends back Play / Pause / Step, the unit clicked, and an ack per drawing.
// Nothing here computes a number the engine did not: it only colours and places them.
//
// Testability contract: the root element carries data-bl-live, data-bl-step (step shown),
// data-bl-epoch (epoch shown), data-bl-draws (+1 per redraw); Play and Pause are buttons
// named "Play" and "Pause".

const MAX_POINTS = 1500;
const WEIGHT_SCALE = 5; // the edge widths' fixed scale in the weights view: |w| >= 5 is widest (TF's)
const MIN_EDGE = 0.5, MAX_EDGE = 7; // px
const BIAS_BOX = 8; // px, the bias square on a unit
const EDGE_HIT = 5; // px from an edge that a click picks it
const MAP_STRENGTH = 0.6; // a map's colour: this much of the ramp's, the rest the background
const VALUE_UNITS = 4; // presenter mode writes the values on units and edges up to this many a layer
const EDIT_LIMIT = 1000; // |value| a click can set (pages/playground_live.py EDIT_LIMIT)
function fmt(v) {
  if (v === null || v === undefined || !isFinite(v)) return "–";
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? v.toExponential(2) : v.toFixed(4);
}

class Series {
  // x (step) and one or more y columns, thinned by two when MAX_POINTS is reached
  constructor(columns) { this.columns = columns; this.clear(); }
  clear() { this.x = []; this.y = Array.from({ length: this.columns }, () => []); }
  add(xs, ys) {
    for (let i = 0; i < xs.length; i++) {
      this.x.push(xs[i]);
      for (let c = 0; c < this.columns; c++) this.y[c].push(ys[c][i]);
    }
    if (this.x.length > MAX_POINTS) {
      const keep = (arr) => arr.filter((_, i) => i % 2 === 0 || i >= arr.length - 50);
      this.x = keep(this.x);
      this.y = this.y.map(keep);
    }
  }
}

class LiveView extends StreamClient {
  constructor(root, setTriggerValue) {
    super();
    this.root = root;
    this.trigger = setTriggerValue;
    this.draws = 0;
    this.setup = null;
    this.state = null;
    this.pending = null;
    this.options = {};
    this.holdUntilPaused = false;
    this.lastSync = null;
    this.loss = new Series(2);
    this.norms = null;
    this.build();
    this.resize = new ResizeObserver(() => this.schedule(true));
    this.resize.observe(this.el);
  }

  build() {
    const el = document.createElement("div");
    el.className = "bl-live";
    el.setAttribute("data-bl-live", "");
    el.dataset.blStep = "0";
    el.dataset.blEpoch = "0";
    el.dataset.blDraws = "0";
    el.innerHTML = `
      <div class="bl-bar">
        <button class="bl-btn bl-primary bl-play" type="button">${ICONS.play}Play</button>
        <button class="bl-btn bl-primary bl-pause" type="button" hidden>${ICONS.pause}Pause</button>
        <button class="bl-btn bl-step" type="button">${ICONS.step}Step</button>
        <div class="bl-counters">
          <div><span class="bl-label">Epoch</span><span class="bl-value bl-epoch">0</span></div>
          <div><span class="bl-label">Step</span><span class="bl-value bl-stepno">0</span></div>
          <div><span class="bl-label">Train loss</span><span class="bl-value bl-train">–</span></div>
          <div><span class="bl-label">Test loss</span><span class="bl-value bl-test">–</span></div>
          <div><span class="bl-label bl-score-label">Test accuracy</span><span class="bl-value bl-score">–</span></div>
        </div>
      </div>
      <div class="bl-status" role="status"></div>
      <div class="bl-main">
        <div class="bl-left"><canvas class="bl-net"></canvas><div class="bl-note bl-net-note"></div></div>
        <div class="bl-right">
          <div class="bl-map-title"></div>
          <canvas class="bl-map"></canvas>
          <div class="bl-curves"><canvas class="bl-loss"></canvas><canvas class="bl-norm"></canvas></div>
        </div>
      </div>`;
    this.root.appendChild(el);
    this.el = el;
    const q = (s) => el.querySelector(s);
    this.playButton = q(".bl-play");
    this.pauseButton = q(".bl-pause");
    this.stepButton = q(".bl-step");
    this.net = q(".bl-net");
    this.map = q(".bl-map");
    this.lossCanvas = q(".bl-loss");
    this.normCanvas = q(".bl-norm");
    this.playButton.addEventListener("click", () => this.play());
    this.pauseButton.addEventListener("click", () => this.pause());
    this.stepButton.addEventListener("click", () => {
      this.acted = true;
      this.send({ cmd: "step" });
    });
    this.net.addEventListener("click", (event) => this.pick(event));
  }

  // ------------------------------------------------------------------ stream

  showPlaying(playing) {
    this.playButton.hidden = playing;
    this.pauseButton.hidden = !playing;
    this.stepButton.disabled = playing || !!(this.state && this.state.header.divergence);
  }

  receive(buffer) {
    const frame = decode(buffer);
    const h = frame.header;
    if (h.kind === "setup") {
      this.setup = frame;
      this.loss.clear();
      this.norms = new Series(h.sizes.length - 1);
      this.points = null;
      return;
    }
    if (h.curves === "replace") {
      this.loss.clear();
      if (this.setup) this.norms = new Series(this.setup.header.sizes.length - 1);
    }
    const a = frame.arrays;
    this.loss.add(a.metric_step.data, [a.train_loss.data, a.test_loss.data]);
    if (this.norms) {
      const L = a.grad_norm.shape[1] || 0;
      const cols = Array.from({ length: L }, (_, l) => Array.from({ length: a.norm_step.data.length }, (_, i) => a.grad_norm.data[i * L + l]));
      if (L === this.norms.columns) this.norms.add(a.norm_step.data, cols);
    }
    if (this.holdUntilPaused && h.playing) {
      this.send({ cmd: "ack", seq: h.seq }); // seen, not drawn: Pause was pressed
      return;
    }
    if (!h.playing) this.holdUntilPaused = false;
    this.pending = frame;
    this.schedule(false);
  }

  // ------------------------------------------------------------------ drawing
  draw() {
    if (!this.setup || !this.state) return;
    const h = this.state.header;
    this.draws += 1;
    this.el.dataset.blStep = String(h.step);
    this.el.dataset.blEpoch = String(h.epoch);
    this.el.dataset.blDraws = String(this.draws);
    const m = h.metrics || {};
    const classification = this.setup.header.problem === "classification";
    const score = classification ? "test_accuracy" : "test_r2";
    this.el.dataset.blTestLoss = fmt(m.test_loss);
    this.el.querySelector(".bl-epoch").textContent = h.epoch.toLocaleString("en");
    this.el.querySelector(".bl-stepno").textContent = h.step.toLocaleString("en");
    this.el.querySelector(".bl-train").textContent = fmt(m.train_loss);
    this.el.querySelector(".bl-test").textContent = fmt(m.test_loss);
    this.el.querySelector(".bl-score-label").textContent = classification ? "Test accuracy" : "Test R²";
    this.el.querySelector(".bl-score").textContent = fmt(m[score]);
    if (!this.holdUntilPaused) this.showPlaying(!!h.playing);
    this.playButton.disabled = !!h.divergence;
    const hide = this.options.hide || [];
    this.el.classList.toggle("bl-hide-play", hide.includes("play"));
    this.el.classList.toggle("bl-hide-step", hide.includes("step"));
    const status = [];
    if (h.divergence) status.push(h.divergence + " Lower the learning rate (or clip gradients), then Reset, or replay an earlier step and resume from it.");
    if (h.notice) status.push(h.notice + " Change or clear the stop condition to go on.");
    if (h.replaying) status.push("Replaying step " + h.step + ": its boundary, weights, gradients and update.");
    if (h.busy) status.push("Server busy: training at " + Math.round(h.rate) + " steps/s (other students are training too).");
    const statusEl = this.el.querySelector(".bl-status");
    statusEl.textContent = status.join(" ");
    statusEl.classList.toggle("bl-alert", !!h.divergence);
    this.drawMap();
    this.drawNetwork();
    this.drawCurves();
    if (!h.playing) this.sync(false);
  }

  fit(canvas, width, height) {
    const ratio = window.devicePixelRatio || 1;
    const w = Math.max(10, Math.floor(width)), hgt = Math.max(10, Math.floor(height));
    if (canvas.width !== w * ratio || canvas.height !== hgt * ratio) {
      canvas.width = w * ratio;
      canvas.height = hgt * ratio;
      canvas.style.width = w + "px";
      canvas.style.height = hgt + "px";
    }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, hgt);
    return { ctx, w, h: hgt };
  }

  lut() {
    // the theme's ramp at full strength: points, biases, the colour of a value
    return this.rampLut;
  }

  paleLut() {
    // the maps' ramp: MAP_STRENGTH of the way from the background, so the full-colour points on
    // them stay visible (TF Playground draws its boundary at 160/255 opacity)
    const lut = this.lut(), bg = this.ink("background");
    if (!this._pale || this._pale.lut !== lut || this._pale.bg !== bg) {
      const ground = hexRgb(bg);
      this._pale = { lut, bg, pale: lut.map((c) => mixRgb(c, ground, MAP_STRENGTH)) };
    }
    return this._pale.pale;
  }

  image(bytes, n, threshold) {
    // an n x n uint8 map as a canvas, row 0 (lowest x2) at the bottom, in the maps' paler ramp
    const lut = this.paleLut();
    const canvas = (this._imgs = this._imgs || {})[n] || document.createElement("canvas");
    this._imgs[n] = canvas;
    canvas.width = canvas.height = n;
    const ctx = canvas.getContext("2d");
    const img = ctx.createImageData(n, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let v = bytes[i * n + j];
        if (threshold) v = v >= 128 ? 255 : 0;
        const c = lut[v], o = ((n - 1 - i) * n + j) * 4;
        img.data[o] = c[0]; img.data[o + 1] = c[1]; img.data[o + 2] = c[2]; img.data[o + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
    return canvas;
  }

  classImage(classes, confidence, n) {
    // 3+ classes: each pixel in the colour of its most likely class, paler where that class is
    // less sure (near white at 1/K, 60 % of the colour at 1, so the points in full colour show);
    // Discretize: 60 % everywhere
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = n;
    const ctx = canvas.getContext("2d");
    const img = ctx.createImageData(n, n);
    const colours = this.setup.header.class_colours.map(hexRgb);
    const ground = hexRgb(this.ink("background"));
    const K = colours.length;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const c = colours[classes[i * n + j]] || [128, 128, 128];
        const p = confidence[i * n + j] / 255;
        const t = this.options.disc ? 0.6 : 0.12 + 0.48 * Math.max(0, Math.min(1, (p - 1 / K) / (1 - 1 / K)));
        const o = ((n - 1 - i) * n + j) * 4;
        const m = mixRgb(c, ground, t);
        for (let k = 0; k < 3; k++) img.data[o + k] = m[k];
        img.data[o + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
    return canvas;
  }

  drawMap() {
    const a = this.state.arrays, s = this.setup;
    const curves = this.curveHeight() + this.px(13) + 10; // the curves and the map's title below
    const side = Math.max(160, Math.min(this.map.parentElement.clientWidth, 300, this.room(this.map) - curves));
    const { ctx } = this.fit(this.map, side, side);
    const n = a.big.shape[0];
    const [k, u] = a.big_unit.data;
    const isOutput = k === s.header.sizes.length - 1;
    ctx.imageSmoothingEnabled = true;
    const multi = (s.header.n_classes || 2) > 2;
    const classImage = multi && isOutput && a.classes;
    ctx.drawImage(classImage ? this.classImage(a.classes.data, a.confidence.data, n) : this.image(a.big.data, n, this.options.disc && isOutput), 0, 0, side, side);
    const [lo, hi] = s.header.domain;
    const lut = this.lut();
    const classification = s.header.problem === "classification";
    const colour = (y) => {
      if (multi) return s.header.class_colours[Math.round(y)] || this.ink("text");
      const t = classification ? y : (Math.max(-1, Math.min(1, y)) + 1) / 2;
      const c = lut[Math.round(Math.max(0, Math.min(1, t)) * 255)];
      return `rgb(${c[0]},${c[1]},${c[2]})`;
    };
    const key = [side, this.options.test, s.header.sizes.join(","), this.ink("rim"), this.ink("text"), lut[0].join()].join("|");
    if (!this.pointLayer || this.pointLayer.setup !== s || this.pointLayer.key !== key) {
      const layer = document.createElement("canvas");
      const ratio = window.devicePixelRatio || 1;
      layer.width = layer.height = side * ratio;
      const pctx = layer.getContext("2d");
      pctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      this.drawPoints(pctx, side, s, lo, hi, colour);
      this.pointLayer = { canvas: layer, setup: s, key };
    }
    ctx.drawImage(this.pointLayer.canvas, 0, 0, side, side);
    const name = isOutput ? "Output" : "Unit " + s.header.names[k][u];
    this.el.querySelector(".bl-map-title").textContent = name + " " + this.state.header.caption;
  }

  drawPoints(ctx, side, s, lo, hi, colour) {
    const drawPoints = (xy, ys, rim) => {
      for (let i = 0; i < ys.length; i++) {
        const x = ((xy[2 * i] - lo) / (hi - lo)) * side, y = (1 - (xy[2 * i + 1] - lo) / (hi - lo)) * side;
        ctx.beginPath();
        ctx.arc(x, y, 3.2, 0, 2 * Math.PI);
        ctx.fillStyle = colour(ys[i]);
        ctx.fill();
        ctx.lineWidth = rim === this.ink("rim") ? 1 : 1.5;
        ctx.strokeStyle = rim;
        ctx.stroke();
      }
    };
    drawPoints(s.arrays.train_xy.data, s.arrays.train_y.data, this.ink("rim"));
    if (this.options.test) drawPoints(s.arrays.test_xy.data, s.arrays.test_y.data, this.ink("text"));
  }

  layout(w, hgt) {
    const sizes = this.setup.header.sizes;
    const maxUnits = Math.max(...sizes);
    const top = this.showValues() ? this.px(18) + 10 : 12; // room for the top unit's value
    const box = Math.max(14, Math.min(40, (hgt - top - 18) / maxUnits - 10, (w / sizes.length) * 0.45));
    const units = [];
    sizes.forEach((n, k) => {
      const x = sizes.length === 1 ? w / 2 : 12 + (k * (w - 24 - box)) / (sizes.length - 1);
      const gap = (hgt - top - 12) / n;
      for (let u = 0; u < n; u++) units.push({ k, u, x, y: top + gap * u + (gap - box) / 2, box });
    });
    return units;
  }

  drawNetwork() {
    const s = this.setup, a = this.state.arrays, o = this.options;
    const width = this.net.parentElement.clientWidth;
    const note = this.el.querySelector(".bl-net-note").offsetHeight || 0;
    const { ctx, w, h } = this.fit(this.net, width, Math.max(220, Math.min(440, width * 0.62, this.room(this.net) - note)));
    const units = this.layout(w, h);
    this.units = units;
    const sizes = s.header.sizes;
    const edges = a[o.view === "gradients" ? "gradients" : o.view === "update" ? "updates" : "weights"].data;
    let max = 0;
    for (const v of edges) max = Math.max(max, Math.abs(v) || 0);
    const lut = this.lut();
    const signColour = (v) => this.signColour(v < 0);
    // weights: a fixed scale (TF Playground's: |w| from 0 to 5 over the width range, wider clamped);
    // gradients and updates: relative to the widest shown. Log: four decades below that reference.
    const fixed = o.view !== "gradients" && o.view !== "update";
    const ref = fixed ? WEIGHT_SCALE : max;
    const width_of = (v) => {
      if (!(ref > 0) || !isFinite(v) || v === 0) return MIN_EDGE;
      const r = Math.min(1, Math.abs(v) / ref);
      return MIN_EDGE + (MAX_EDGE - MIN_EDGE) * (o.logw ? Math.max(0, 1 + Math.log10(r) / 4) : r);
    };
    this.edgeGeometry = [];
    let offset = 0;
    const byLayer = [];
    let start = 0;
    sizes.forEach((n) => { byLayer.push(units.slice(start, start + n)); start += n; });
    for (let l = 0; l + 1 < sizes.length; l++) {
      for (let i = 0; i < sizes[l]; i++) {
        for (let j = 0; j < sizes[l + 1]; j++) {
          const v = edges[offset + i * sizes[l + 1] + j];
          const p = byLayer[l][i], q = byLayer[l + 1][j];
          ctx.beginPath();
          ctx.moveTo(p.x + p.box, p.y + p.box / 2);
          const mid = (p.x + p.box + q.x) / 2;
          ctx.bezierCurveTo(mid, p.y + p.box / 2, mid, q.y + q.box / 2, q.x, q.y + q.box / 2);
          this.edgeGeometry.push({ l, i, j, x0: p.x + p.box, y0: p.y + p.box / 2, mid, x1: q.x, y1: q.y + q.box / 2 });
          ctx.strokeStyle = signColour(v);
          ctx.globalAlpha = 0.85;
          ctx.lineWidth = width_of(v);
          ctx.stroke();
          ctx.globalAlpha = 1;
        }
      }
      offset += sizes[l] * sizes[l + 1];
    }
    // units: their map, a badge with the node value, the selected one outlined
    const nodeValues = o.nodes === "delta" ? a.unit_delta.data : a.unit_a.data;
    const [bk, bu] = a.big_unit.data;
    let mapIndex = 0;
    ctx.font = this.font(11);
    ctx.textBaseline = "top";
    for (const p of units) {
      let canvas;
      if (p.k === 0) canvas = this.image(s.arrays.input_maps.data.subarray(p.u * 400, (p.u + 1) * 400), 20, false);
      else canvas = this.image(a.maps.data.subarray(mapIndex * 400, (mapIndex + 1) * 400), 20, this.options.disc && p.k === sizes.length - 1), mapIndex += 1;
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(canvas, p.x, p.y, p.box, p.box);
      ctx.lineWidth = p.k === bk && p.u === bu ? 3 : 1;
      ctx.strokeStyle = p.k === bk && p.u === bu ? this.ink("highlight") : this.ink("text");
      ctx.strokeRect(p.x, p.y, p.box, p.box);
      if (p.k > 0) {  // the unit's bias: a square on its lower left, coloured on [-1, 1] (TF's)
        const bias = a.biases.data[unitIndex(sizes, p.k, p.u) - sizes[0]];
        const c = lut[Math.round((Math.max(-1, Math.min(1, bias)) + 1) * 127.5)];
        p.bias = { x: p.x - BIAS_BOX - 2, y: p.y + p.box - BIAS_BOX };
        ctx.fillStyle = `rgb(${c[0]},${c[1]},${c[2]})`;
        ctx.fillRect(p.bias.x, p.bias.y, BIAS_BOX, BIAS_BOX);
        ctx.lineWidth = 1;
        ctx.strokeStyle = this.ink("text");
        ctx.strokeRect(p.bias.x, p.bias.y, BIAS_BOX, BIAS_BOX);
      }
      const index = o.nodes === "delta" ? (p.k === 0 ? -1 : unitIndex(sizes, p.k, p.u) - sizes[0]) : unitIndex(sizes, p.k, p.u);
      const value = index >= 0 ? nodeValues[index] : NaN;
      if (isFinite(value)) {
        ctx.beginPath();
        ctx.arc(p.x + p.box, p.y, 4.5, 0, 2 * Math.PI);
        ctx.fillStyle = signColour(value);
        ctx.fill();
      }
      ctx.fillStyle = this.ink("text");
      ctx.fillText(s.header.names[p.k][p.u], p.x, p.y + p.box + 1);
    }
    if (this.showValues()) {
      this.drawValues(ctx, units, edges, nodeValues, o.nodes === "delta");
    }
    const label = { weights: "w", gradients: "dL/dw", update: "Δw" }[o.view] || "w";
    const scale = fixed
      ? `on a fixed scale, |w| 0 to ${WEIGHT_SCALE} (TF Playground's)`
      : `relative to the widest (${fmt(max)})`;
    if (this.options.display && this.options.display.present) {  // a room reads the short version
      this.el.querySelector(".bl-net-note").textContent =
        `Edges: ${label}, ${this.word("negative")} < 0 < ${this.word("positive")}. Click a unit to map it; an edge or a bias to edit it.`;
      return;
    }
    this.el.querySelector(".bl-net-note").textContent =
      `Edges: ${label}, ${this.word("negative")} < 0 < ${this.word("positive")}, width ∝ ${o.logw ? "log " : ""}|${label}| ${scale}${fixed ? `, widest ${fmt(max)}` : ""}. ` +
      `Squares: biases (−1 to 1). Badges: ${o.nodes === "delta" ? "δ = dL/dz" : "a"} (batch mean). ` +
      `Click a unit to map it large; click an edge or a bias to edit it.`;
  }

  showValues() {
    // values written on the diagram: presenter mode, every layer at most VALUE_UNITS units
    const d = this.options.display;
    return !!(d && d.present && this.setup && Math.max(...this.setup.header.sizes) <= VALUE_UNITS);
  }

  drawValues(ctx, units, edges, nodeValues, delta) {
    // presenter mode on a small network: each edge's value on its curve (edge i -> j at t spread
    // by j, so the labels of crossing edges do not sit on one point) and each unit's value
    // beside it, on a box of the background so the edges under them do not hide the digits
    const short = (v) => (!isFinite(v) ? "–" : Math.abs(v) >= 100 || (v !== 0 && Math.abs(v) < 0.01) ? v.toExponential(0) : v.toFixed(2));
    const sizes = this.setup.header.sizes;
    ctx.font = this.font(18);
    ctx.textBaseline = "middle";
    ctx.textAlign = "center";
    const label = (text, x, y, colour) => {
      const w = ctx.measureText(text).width + 6, h = this.px(18) + 2;
      ctx.fillStyle = this.ink("labelBox");
      ctx.fillRect(x - w / 2, y - h / 2, w, h);
      ctx.fillStyle = colour;
      ctx.fillText(text, x, y);
    };
    let offset = 0;
    for (const e of this.edgeGeometry) {
      if (e.i === 0 && e.j === 0 && e.l > 0) offset += sizes[e.l - 1] * sizes[e.l];
      const v = edges[offset + e.i * sizes[e.l + 1] + e.j];
      const n = sizes[e.l + 1];
      const spread = sizes[e.l] + n - 2; // t by i + j: edges sharing an end get different t
      const t = spread === 0 ? 0.5 : 0.28 + (0.44 * (e.i + e.j)) / spread, u = 1 - t;
      const x = u * u * u * e.x0 + 3 * u * u * t * e.mid + 3 * u * t * t * e.mid + t * t * t * e.x1;
      const y = u * u * u * e.y0 + 3 * u * u * t * e.y0 + 3 * u * t * t * e.y1 + t * t * t * e.y1;
      label(short(v), x, y, this.signColour(v < 0));
    }
    for (const p of units) {
      const index = delta ? (p.k === 0 ? -1 : unitIndex(sizes, p.k, p.u) - sizes[0]) : unitIndex(sizes, p.k, p.u);
      if (index < 0) continue;
      const v = nodeValues[index];
      if (!isFinite(v)) continue;
      label(short(v), p.x + p.box / 2, p.y - this.px(18) / 2 - 3, this.ink("text"));
    }
    ctx.textAlign = "left";
    ctx.textBaseline = "top";
  }

  pick(event) {
    if (!this.units) return;
    const rect = this.net.getBoundingClientRect();
    const x = event.clientX - rect.left, y = event.clientY - rect.top;
    const sizes = this.setup.header.sizes;
    const near = (b) => b && x >= b.x - 2 && x <= b.x + BIAS_BOX + 2 && y >= b.y - 2 && y <= b.y + BIAS_BOX + 2;
    const bias = this.units.find((p) => near(p.bias));
    if (bias) {
      const value = this.state.arrays.biases.data[unitIndex(sizes, bias.k, bias.u) - sizes[0]];
      return this.startEdit(x, y, `Bias of ${this.setup.header.names[bias.k][bias.u]}`, value,
        { kind: "bias", layer: bias.k - 1, j: bias.u });
    }
    const hit = this.units.find((p) => x >= p.x && x <= p.x + p.box && y >= p.y && y <= p.y + p.box);
    if (hit) return this.send({ cmd: "select", unit: [hit.k, hit.u] });
    const edge = this.edgeAt(x, y);
    if (edge) {
      let offset = 0;
      for (let l = 0; l < edge.l; l++) offset += sizes[l] * sizes[l + 1];
      const value = this.state.arrays.weights.data[offset + edge.i * sizes[edge.l + 1] + edge.j];
      const names = this.setup.header.names;
      this.startEdit(x, y, `Weight ${names[edge.l][edge.i]} → ${names[edge.l + 1][edge.j]}`, value,
        { kind: "weight", layer: edge.l, i: edge.i, j: edge.j });
    }
  }

  edgeAt(x, y) {
    // the edge whose curve passes within EDGE_HIT px of (x, y): each cubic sampled at 24 points
    let best = null, bestDist = EDGE_HIT;
    for (const e of this.edgeGeometry || []) {
      if (x < e.x0 - EDGE_HIT || x > e.x1 + EDGE_HIT) continue;
      for (let k = 0; k <= 24; k++) {
        const t = k / 24, u = 1 - t;
        const px = u * u * u * e.x0 + 3 * u * u * t * e.mid + 3 * u * t * t * e.mid + t * t * t * e.x1;
        const py = u * u * u * e.y0 + 3 * u * u * t * e.y0 + 3 * u * t * t * e.y1 + t * t * t * e.y1;
        const d = Math.hypot(px - x, py - y);
        if (d < bestDist) { bestDist = d; best = e; }
      }
    }
    return best;
  }

  startEdit(x, y, title, value, target) {
    // an input where the click was: Enter sets the value (training continues from it), Esc cancels
    this.stopEdit();
    const box = document.createElement("div");
    box.className = "bl-edit";
    box.style.left = Math.max(0, x + 8) + "px";
    box.style.top = Math.max(0, y - 10) + "px";
    box.innerHTML = `<label><span class="bl-edit-title"></span><input type="number" step="any"></label>`;
    box.querySelector(".bl-edit-title").textContent = title;
    const input = box.querySelector("input");
    input.setAttribute("aria-label", title);
    input.value = Number(value).toPrecision(4);
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        const v = Number(input.value);
        if (input.value.trim() !== "" && isFinite(v) && Math.abs(v) <= EDIT_LIMIT) {
          this.acted = true;
          this.send({ cmd: "edit", ...target, value: v });
          this.stopEdit();
        } else input.setCustomValidity(`a number from −${EDIT_LIMIT} to ${EDIT_LIMIT}`), input.reportValidity();
      } else if (event.key === "Escape") this.stopEdit();
      event.stopPropagation();
    });
    this.net.parentElement.appendChild(box);
    this.editBox = box;
    input.focus();
    input.select();
  }

  stopEdit() {
    if (this.editBox) this.editBox.remove();
    this.editBox = null;
  }

  curveHeight() {
    return Math.min(this.pads({ h: 130 }).h, 150);
  }

  drawCurves() {
    const width = this.lossCanvas.parentElement.clientWidth;
    const colours = this.setup.header.colours;
    this.plot(this.lossCanvas, width / 2 - 4, this.loss, [colours.train, colours.test], false, this.px(11) > 11 ? "Loss" : "Loss (train, test)");
    if (this.norms) this.plot(this.normCanvas, width / 2 - 4, this.norms, this.options.layerColours || [], true, this.px(11) > 11 ? "‖dL/dW‖ (log)" : "‖dL/dW‖ per layer (log)");
  }

  plot(canvas, width, series, colours, log, title) {
    const { ctx, w, h } = this.fit(canvas, width, this.curveHeight());
    ctx.font = this.font(11);
    ctx.fillStyle = this.ink("text");
    ctx.textBaseline = "top";
    ctx.fillText(title, 4, 2);
    const xs = series.x;
    if (xs.length < 1) return;
    const tf = (v) => (log ? (v > 0 ? Math.log10(v) : NaN) : v);
    let lo = Infinity, hi = -Infinity;
    for (const col of series.y) for (const v of col) { const t = tf(v); if (isFinite(t)) { lo = Math.min(lo, t); hi = Math.max(hi, t); } }
    if (!isFinite(lo)) return;
    if (!log) lo = Math.min(0, lo);
    if (hi - lo < 1e-9) hi = lo + 1;
    const x0 = xs[0], x1 = Math.max(xs[xs.length - 1], x0 + 1);
    const { L, T, B, R } = this.pads({ L: 34, T: 16, B: 14, R: 4 });
    const px = (x) => L + ((x - x0) / (x1 - x0)) * (w - L - R);
    const py = (v) => T + (1 - (v - lo) / (hi - lo)) * (h - T - B);
    ctx.strokeStyle = this.ink("frame");
    ctx.lineWidth = 1;
    ctx.strokeRect(L, T, w - L - R, h - T - B);
    ctx.fillStyle = this.ink("muted");
    ctx.textBaseline = "middle";
    const tick = (v) => (log ? "1e" + Math.round(v) : v.toPrecision(2));
    ctx.fillText(tick(hi), 2, T + 4);
    ctx.fillText(tick(lo), 2, h - B - 4);
    ctx.textBaseline = "top";
    ctx.textAlign = "right";
    ctx.fillText("step " + x1.toLocaleString("en"), w - R, h - B + 1);
    ctx.textAlign = "left";
    series.y.forEach((col, c) => {
      ctx.beginPath();
      let started = false;
      for (let i = 0; i < xs.length; i++) {
        const t = tf(col[i]);
        if (!isFinite(t)) { started = false; continue; }
        if (started) ctx.lineTo(px(xs[i]), py(t)); else ctx.moveTo(px(xs[i]), py(t));
        started = true;
      }
      ctx.strokeStyle = colours[c % Math.max(1, colours.length)] || "#0877bd";
      ctx.lineWidth = 1.6;
      ctx.stroke();
    });
    if (this.state && this.state.header.replaying) {
      ctx.strokeStyle = this.ink("highlight");
      ctx.beginPath();
      ctx.moveTo(px(this.state.header.step), T);
      ctx.lineTo(px(this.state.header.step), h - B);
      ctx.stroke();
    }
  }
}

function unitIndex(sizes, k, u) {
  let i = 0;
  for (let l = 0; l < k; l++) i += sizes[l];
  return i + u;
}

export default function (component) {
  mountView(component, LiveView, "__blLive");
}
