// Backprop Lab's live A/B view of the Vanishing page: mounted once, it opens the app's own
// websocket (/live?token=...), draws every binary frame (viz/deep_frames.py) on canvases (the
// gradient per layer on a log axis, one layer x step heatmap per configuration, the batch loss)
// and sends back Play / Pause / Step and an ack per drawing. It computes nothing the engine did
// not: it places and colours the numbers (the heatmap's colour range is fitted to what is held,
// as viz.gradients.colour_range does).
//
// Testability contract (as live_view.js): the root element carries data-bl-live, data-bl-step,
// data-bl-epoch, data-bl-draws (+1 per redraw); Play and Pause are buttons named "Play"/"Pause".

const MAX_ROWS = 1200; // rows (steps) kept per configuration, thinned by two when full
function fmt(v) {
  if (v === null || v === undefined || !isFinite(v)) return "–";
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? v.toExponential(2) : v.toPrecision(4);
}

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  const i = (sorted.length - 1) * p, lo = Math.floor(i), hi = Math.ceil(i);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
}

class Rows {
  // one configuration's steps with a heatmap column (L values) and a log10 loss each
  constructor(layers) { this.layers = layers; this.clear(); }
  clear() { this.steps = []; this.heat = []; this.loss = []; }
  truncate(step) {
    let n = this.steps.length;
    while (n > 0 && this.steps[n - 1] > step) n--;
    this.steps.length = n; this.heat.length = n; this.loss.length = n;
  }
  add(steps, heat, loss) {
    const L = this.layers;
    for (let i = 0; i < steps.length; i++) {
      this.steps.push(steps[i]);
      this.heat.push(heat.subarray(i * L, (i + 1) * L).slice());
      this.loss.push(loss[i]);
    }
    if (this.steps.length > MAX_ROWS) {
      const n = this.steps.length;
      const keep = (_, i) => i % 2 === 0 || i >= n - 50;
      this.steps = this.steps.filter(keep); this.heat = this.heat.filter(keep); this.loss = this.loss.filter(keep);
    }
  }
}

class DeepView extends StreamClient {
  constructor(root, setTriggerValue) {
    super();
    this.root = root;
    this.trigger = setTriggerValue;
    this.draws = 0;
    this.setup = null;
    this.state = null;
    this.pending = null;
    this.rows = {};
    this.holdUntilPaused = false;
    this.lastSync = null;
    this.build();
    this.resize = new ResizeObserver(() => this.schedule(true));
    this.resize.observe(this.el);
  }

  build() {
    const el = document.createElement("div");
    el.className = "bl-live bl-deep";
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
          <div class="bl-run-counters"></div>
        </div>
      </div>
      <div class="bl-status" role="status"></div>
      <div class="bl-deep-row">
        <canvas class="bl-norms"></canvas>
        <canvas class="bl-lossplot"></canvas>
      </div>
      <div class="bl-heat-title"></div>
      <div class="bl-deep-row bl-heats"></div>
      <canvas class="bl-colourbar"></canvas>`;
    this.root.appendChild(el);
    this.el = el;
    const q = (s) => el.querySelector(s);
    this.playButton = q(".bl-play");
    this.pauseButton = q(".bl-pause");
    this.stepButton = q(".bl-step");
    this.normCanvas = q(".bl-norms");
    this.lossCanvas = q(".bl-lossplot");
    this.colourbar = q(".bl-colourbar");
    this.playButton.addEventListener("click", () => this.play());
    this.pauseButton.addEventListener("click", () => this.pause());
    this.stepButton.addEventListener("click", () => {
      this.acted = true;
      this.send({ cmd: "step" });
    });
  }

  // ------------------------------------------------------------------ stream

  showPlaying(playing) {
    this.playButton.hidden = playing;
    this.pauseButton.hidden = !playing;
    this.stepButton.disabled = playing || !!(this.state && !this.state.header.can_train);
  }

  receive(buffer) {
    const frame = decode(buffer);
    const h = frame.header;
    if (h.kind === "setup") {
      this.setup = frame;
      this.rows = {};
      for (const r of h.runs) this.rows[r.name] = new Rows(r.layers);
            this.buildHeats();
      return;
    }
    for (const r of h.runs) {
      const rows = this.rows[r.name];
      if (!rows) continue;
      if (h.curves === "replace") rows.clear();
      else if (h.truncate !== null && h.truncate !== undefined) rows.truncate(h.truncate);
      const a = frame.arrays;
      rows.add(a[r.name + ".steps"].data, a[r.name + ".heat"].data, a[r.name + ".loss"].data);
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
  buildHeats() {
    const box = this.el.querySelector(".bl-heats");
    box.innerHTML = "";
    this.heatCanvases = {};
    for (const r of this.setup.header.runs) {
      const canvas = document.createElement("canvas");
      canvas.className = "bl-heat";
      canvas.setAttribute("aria-label", "Layer x step heatmap of " + r.name);
      box.appendChild(canvas);
      this.heatCanvases[r.name] = canvas;
    }
    const counters = this.el.querySelector(".bl-run-counters");
    counters.innerHTML = this.setup.header.runs.map((r) => `
      <div><span class="bl-label">Batch loss ${r.name}</span><span class="bl-value bl-loss-${r.name}">–</span></div>
      <div><span class="bl-label bl-score-label-${r.name}">Test score ${r.name}</span><span class="bl-value bl-score-${r.name}">–</span></div>`).join("");
  }

  draw() {
    if (!this.setup || !this.state) return;
    const h = this.state.header, s = this.setup.header;
    this.draws += 1;
    this.el.dataset.blStep = String(h.step);
    this.el.dataset.blEpoch = String(h.epoch);
    this.el.dataset.blDraws = String(this.draws);
    this.el.querySelector(".bl-epoch").textContent = h.epoch.toLocaleString("en");
    this.el.querySelector(".bl-stepno").textContent = h.step.toLocaleString("en");
    const status = [];
    for (const r of h.runs) {
      const loss = this.el.querySelector(".bl-loss-" + r.name);
      if (!loss) continue;
      loss.textContent = fmt(r.loss);
      const label = this.el.querySelector(".bl-score-label-" + r.name);
      label.textContent = r.score ? `Test ${r.score.name} ${r.name}` : `Test score ${r.name}`;
      this.el.querySelector(".bl-score-" + r.name).textContent = r.score ? fmt(r.score.value) : "–";
      if (r.divergence) status.push(r.divergence + ` ${r.name}'s charts show step ${r.step}, its last finite state.`);
    }
    if (!this.holdUntilPaused) this.showPlaying(!!h.playing);
    this.playButton.disabled = !h.can_train;
    if (h.replaying) status.push("Replaying step " + h.step + ".");
    if (h.busy) status.push("Server busy: training at " + Math.round(h.rate) + " steps/s (other students are training too).");
    const statusEl = this.el.querySelector(".bl-status");
    statusEl.textContent = status.join(" ");
    statusEl.classList.toggle("bl-alert", h.runs.some((r) => r.divergence));
    const width = this.el.clientWidth;
    this.drawNorms(width / 2 - 6);
    this.drawLoss(width / 2 - 6);
    this.drawHeats(width);
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
    ctx.font = this.font(12);
    return { ctx, w, h: hgt };
  }

  chartHeight(canvas) {
    // 250 px, less in presenter mode when the window's bottom is nearer (a 1280x720 projector)
    return this.px(12) > 12 ? Math.max(190, Math.min(250, this.room(canvas))) : 250;
  }

  frameBox(ctx, w, h, title, pad) {
    ctx.fillStyle = this.ink("text");
    ctx.textBaseline = "top";
    ctx.fillText(title, 4, 2);
    ctx.strokeStyle = this.ink("frame");
    ctx.lineWidth = 1;
    ctx.strokeRect(pad.L, pad.T, w - pad.L - pad.R, h - pad.T - pad.B);
  }

  decadeTicks(ctx, lo, hi, py, pad) {
    // labels at whole decades (at most about 6), log10 values lo..hi
    const span = Math.max(1, Math.ceil(hi) - Math.floor(lo));
    const every = Math.max(1, Math.ceil(span / 6));
    ctx.fillStyle = this.ink("muted");
    ctx.textBaseline = "middle";
    ctx.textAlign = "right";
    for (let d = Math.ceil(lo); d <= Math.floor(hi); d++) {
      if (d % every !== 0) continue;
      ctx.fillText("1e" + d, pad.L - 4, py(d));
      ctx.strokeStyle = this.ink("grid");
      ctx.beginPath(); ctx.moveTo(pad.L, py(d)); ctx.lineTo(this._w - pad.R, py(d)); ctx.stroke();
    }
    ctx.textAlign = "left";
  }

  range(columns) {
    let lo = Infinity, hi = -Infinity;
    for (const col of columns) for (const v of col) if (isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    if (!isFinite(lo)) return null;
    if (hi - lo < 1) { const mid = (hi + lo) / 2; lo = mid - 0.5; hi = mid + 0.5; }
    const margin = (hi - lo) * 0.04;
    return [lo - margin, hi + margin];
  }

  drawNorms(width) {
    const { ctx, w, h } = this.fit(this.normCanvas, width, this.chartHeight(this.normCanvas));
    this._w = w;
    const pad = this.pads({ L: 44, T: 34, B: 30, R: 8 });
    const a = this.state.arrays, runs = this.setup.header.runs;
    const lines = [];
    for (const r of runs) {
      lines.push({ r, y: a[r.name + ".grad"].data, dash: [] });
      lines.push({ r, y: a[r.name + ".delta"].data, dash: [2, 3] });
    }
    const range = this.range(lines.map((l) => l.y));
    const shown = this.state.header.runs.map((r) => (r.step !== this.state.header.step ? ` (${r.name}: step ${r.step})` : "")).join("");
    this.frameBox(ctx, w, h, `Gradient per layer at step ${this.state.header.step}${shown} (log)`, pad);
    const maxL = Math.max(...runs.map((r) => r.layers));
    const px = (l) => pad.L + (maxL <= 1 ? 0.5 : l / (maxL - 1)) * (w - pad.L - pad.R);
    ctx.fillStyle = this.ink("muted");
    ctx.textBaseline = "top";
    ctx.fillText("◀ input side", pad.L + 2, h - pad.B + 3);
    ctx.textAlign = "right";
    ctx.fillText("output side ▶", w - pad.R - 2, h - pad.B + 3);
    ctx.fillText("layer", (w + pad.L) / 2 + 14, h - pad.B + 3 + this.px(12));
    ctx.textAlign = "left";
    if (!range) return;
    const [lo, hi] = range;
    const py = (v) => pad.T + (1 - (v - lo) / (hi - lo)) * (h - pad.T - pad.B);
    this.decadeTicks(ctx, lo, hi, py, pad);
    for (const line of lines) {
      ctx.beginPath();
      let started = false;
      for (let l = 0; l < line.y.length; l++) {
        const v = line.y[l];
        if (!isFinite(v)) { started = false; continue; }
        if (started) ctx.lineTo(px(l), py(v)); else ctx.moveTo(px(l), py(v));
        started = true;
      }
      ctx.setLineDash(line.dash);
      ctx.strokeStyle = this.lineColour(line.r.color);
      ctx.lineWidth = line.dash.length ? 1.8 : 2.4;
      ctx.stroke();
      ctx.setLineDash([]);
    }
    // legend: one entry per configuration and line style
    let x = pad.L + 4;
    ctx.textBaseline = "middle";
    for (const r of runs) {
      for (const [dash, what] of [[[], "dL/dW"], [[2, 3], "dL/dz"]]) {
        ctx.setLineDash(dash);
        ctx.strokeStyle = this.lineColour(r.color);
        ctx.beginPath(); ctx.moveTo(x, pad.T - 10); ctx.lineTo(x + 18, pad.T - 10); ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = this.ink("text");
        const text = `${r.name}: ${what}`;
        ctx.fillText(text, x + 22, pad.T - 10);
        x += 30 + ctx.measureText(text).width;
      }
    }
  }

  drawLoss(width) {
    const { ctx, w, h } = this.fit(this.lossCanvas, width, this.chartHeight(this.lossCanvas));
    const pad = this.pads({ L: 44, T: 34, B: 30, R: 8 });
    const runs = this.setup.header.runs;
    this.frameBox(ctx, w, h, "Batch loss (log)", pad);
    let x0 = Infinity, x1 = -Infinity;
    for (const r of runs) {
      const rows = this.rows[r.name];
      if (rows.steps.length) { x0 = Math.min(x0, rows.steps[0]); x1 = Math.max(x1, rows.steps[rows.steps.length - 1]); }
    }
    const range = this.range(runs.map((r) => this.rows[r.name].loss));
    if (!range || !isFinite(x0)) return;
    if (x1 <= x0) x1 = x0 + 1;
    const [lo, hi] = range;
    const px = (s) => pad.L + ((s - x0) / (x1 - x0)) * (w - pad.L - pad.R);
    const py = (v) => pad.T + (1 - (v - lo) / (hi - lo)) * (h - pad.T - pad.B);
    this._w = w;
    this.decadeTicks(ctx, lo, hi, py, pad);
    ctx.fillStyle = this.ink("muted");
    ctx.textBaseline = "top";
    ctx.fillText("step " + x0.toLocaleString("en"), pad.L, h - pad.B + 3);
    ctx.textAlign = "right";
    ctx.fillText("step " + x1.toLocaleString("en"), w - pad.R, h - pad.B + 3);
    ctx.textAlign = "left";
    let lx = pad.L + 4;
    for (const r of runs) {
      const rows = this.rows[r.name];
      ctx.beginPath();
      let started = false;
      for (let i = 0; i < rows.steps.length; i++) {
        const v = rows.loss[i];
        if (!isFinite(v)) { started = false; continue; }
        if (started) ctx.lineTo(px(rows.steps[i]), py(v)); else ctx.moveTo(px(rows.steps[i]), py(v));
        started = true;
      }
      ctx.strokeStyle = this.lineColour(r.color);
      ctx.lineWidth = 1.6;
      ctx.stroke();
      if (rows.steps.length === 1 && isFinite(rows.loss[0])) {
        ctx.fillStyle = this.lineColour(r.color);
        ctx.beginPath(); ctx.arc(px(rows.steps[0]), py(rows.loss[0]), 3, 0, 2 * Math.PI); ctx.fill();
      }
      ctx.fillStyle = this.lineColour(r.color);
      ctx.fillRect(lx, pad.T - 11, 18, 3);
      ctx.fillStyle = this.ink("text");
      ctx.textBaseline = "middle";
      ctx.fillText(r.name, lx + 22, pad.T - 10);
      lx += 30 + ctx.measureText(r.name).width;
    }
    this.marker(ctx, px, pad, h);
  }

  marker(ctx, px, pad, h) {
    if (!this.state.header.replaying) return;
    ctx.strokeStyle = this.setup.header.colours.highlight;
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    ctx.moveTo(px(this.state.header.step), pad.T);
    ctx.lineTo(px(this.state.header.step), h - pad.B);
    ctx.stroke();
    ctx.setLineDash([]);
  }

  colourRange() {
    // viz.gradients.colour_range over (a sample of) every value held, one range for A and B
    const s = this.setup.header, values = [];
    let total = 0;
    for (const r of s.runs) total += this.rows[r.name].heat.length * r.layers;
    const every = Math.max(1, Math.floor(total / 6000));
    let i = 0;
    for (const r of s.runs) for (const col of this.rows[r.name].heat) for (const v of col) {
      if (i++ % every === 0 && isFinite(v)) values.push(v);
    }
    values.sort((x, y) => x - y);
    if (s.mode === "relative") {
      const abs = values.map(Math.abs).sort((x, y) => x - y);
      const half = Math.max(abs.length ? percentile(abs, 0.98) : 0, s.min_half_range);
      return [-half, half];
    }
    if (!values.length) return [-1, 1];
    let lo = percentile(values, 0.02), hi = percentile(values, 0.98);
    if (hi - lo < 1) { const mid = (hi + lo) / 2; lo = mid - 0.5; hi = mid + 0.5; }
    return [lo, hi];
  }

  drawHeats(width) {
    const s = this.setup.header, runs = s.runs;
    const [lo, hi] = this.colourRange();
    const lut = this.rampLut;
    const colour = (v) => {
      if (v === -Infinity) return lut[0];
      if (!isFinite(v)) return null; // NaN, +inf: a gap
      return lut[Math.round(Math.max(0, Math.min(1, (v - lo) / (hi - lo))) * 255)];
    };
    const unit = s.mode === "relative" ? "decades vs the step's median layer" : "log10 " + s.quantity_label;
    this.el.querySelector(".bl-heat-title").textContent =
      s.mode === "relative"
        ? `log10 ${s.quantity_label} relative to each step's median layer (${this.word("negative")}: weaker, ${this.word("positive")}: stronger)`
        : `log10 ${s.quantity_label} over training`;
    const each = (width - 8 * (runs.length - 1)) / runs.length;
    for (const r of runs) {
      const canvas = this.heatCanvases[r.name];
      const { ctx, w, h } = this.fit(canvas, each, 230);
      const pad = this.pads({ L: 40, T: 18, B: 18, R: 6 });
      ctx.fillStyle = this.ink("text");
      ctx.textBaseline = "top";
      const label = `${r.name}: ${r.label}`;
      ctx.fillText(label.length > 72 ? label.slice(0, 71) + "…" : label, 4, 2);
      const rows = this.rows[r.name], n = rows.steps.length, L = r.layers;
      const pw = Math.max(1, Math.floor(w - pad.L - pad.R)), ph = h - pad.T - pad.B;
      if (n) {
        const x0 = rows.steps[0], x1 = Math.max(rows.steps[n - 1], x0 + 1);
        const image = ctx.createImageData(pw, L);
        let j = 0;
        for (let x = 0; x < pw; x++) {
          const step = x0 + ((x + 0.5) / pw) * (x1 - x0 + (n > 1 ? 0 : 1));
          while (j + 1 < n && rows.steps[j + 1] <= step) j++;
          const col = rows.heat[j];
          for (let l = 0; l < L; l++) {
            const c = colour(col[l]);
            const o = ((L - 1 - l) * pw + x) * 4; // layer 1 (input side) at the bottom
            if (c) { image.data[o] = c[0]; image.data[o + 1] = c[1]; image.data[o + 2] = c[2]; image.data[o + 3] = 255; }
          }
        }
        const off = (this._off = this._off || document.createElement("canvas"));
        off.width = pw; off.height = L;
        off.getContext("2d").putImageData(image, 0, 0);
        ctx.imageSmoothingEnabled = false;
        ctx.drawImage(off, pad.L, pad.T, pw, ph);
        ctx.fillStyle = this.ink("muted");
        ctx.fillText("step " + x0.toLocaleString("en"), pad.L, h - pad.B + 3);
        ctx.textAlign = "right";
        ctx.fillText("step " + rows.steps[n - 1].toLocaleString("en"), w - pad.R, h - pad.B + 3);
        ctx.textAlign = "left";
        this.marker(ctx, (v) => pad.L + ((v - x0) / (x1 - x0)) * pw, pad, h);
      }
      ctx.strokeStyle = this.ink("frame");
      ctx.strokeRect(pad.L, pad.T, pw, ph);
      ctx.fillStyle = this.ink("muted");
      ctx.textAlign = "right";
      ctx.textBaseline = "middle";
      ctx.fillText(String(L), pad.L - 4, pad.T + 6);
      ctx.fillText("1", pad.L - 4, h - pad.B - 6);
      ctx.save();
      ctx.translate(10, pad.T + ph / 2);
      ctx.rotate(-Math.PI / 2);
      ctx.textAlign = "center";
      ctx.fillText("layer (1 = input)", 0, 0);
      ctx.restore();
      ctx.textAlign = "left";
    }
    this.drawColourbar(width, lo, hi, unit);
  }

  drawColourbar(width, lo, hi, unit) {
    const { ctx, w } = this.fit(this.colourbar, Math.min(width, 520), this.pads({ h: 34 }).h);
    const barW = w - 120;
    for (let x = 0; x < barW; x++) {
      const c = this.rampLut[Math.round((x / (barW - 1)) * 255)];
      ctx.fillStyle = `rgb(${c[0]},${c[1]},${c[2]})`;
      ctx.fillRect(40 + x, 4, 1, 12);
    }
    ctx.fillStyle = this.ink("muted");
    ctx.textBaseline = "top";
    ctx.fillText(lo.toFixed(1), 4, 4);
    ctx.fillText(hi.toFixed(1), 44 + barW, 4);
    ctx.fillText(unit, 40, 19);
  }
}

export default function (component) {
  mountView(component, DeepView, "__blDeep");
}
