// Backprop Lab's live view of the Image recognition page: mounted once, it opens the app's own
// websocket (/live?token=...), draws every binary frame (viz/digit_frames.py) on canvases (every
// first-layer unit's weights as an 8x8 image, test and training accuracy and loss, the test set's
// confusion matrix) and sends back Play / Pause / Step and an ack per drawing. It computes nothing
// the engine did not: it places and colours the numbers.
//
// Testability contract (as live_view.js): the root element carries data-bl-live, data-bl-step,
// data-bl-epoch, data-bl-draws (+1 per redraw) and data-bl-accuracy (the test accuracy shown);
// Play and Pause are buttons named "Play"/"Pause".

const MAX_POINTS = 2000; // curve rows kept, thinned by two when full

function fmtNum(v, digits) {
  return v === null || v === undefined || !isFinite(v) ? "–" : v.toFixed(digits);
}

class DigitsView extends StreamClient {
  constructor(root, setTriggerValue) {
    super();
    this.root = root;
    this.trigger = setTriggerValue;
    this.draws = 0;
    this.setup = null;
    this.state = null;
    this.pending = null;
    this.curves = this.emptyCurves();
    this.holdUntilPaused = false;
    this.lastSync = null;
    this.build();
    this.resize = new ResizeObserver(() => this.schedule(true));
    this.resize.observe(this.el);
  }

  emptyCurves() {
    return { step: [], test_accuracy: [], train_accuracy: [], test_loss: [], train_loss: [] };
  }

  build() {
    const el = document.createElement("div");
    el.className = "bl-live bl-digits";
    el.setAttribute("data-bl-live", "");
    el.dataset.blStep = "0";
    el.dataset.blEpoch = "0";
    el.dataset.blDraws = "0";
    el.dataset.blAccuracy = "";
    el.innerHTML = `
      <div class="bl-bar">
        <button class="bl-btn bl-primary bl-play" type="button">${ICONS.play}Play</button>
        <button class="bl-btn bl-primary bl-pause" type="button" hidden>${ICONS.pause}Pause</button>
        <button class="bl-btn bl-step" type="button">${ICONS.step}Step</button>
        <div class="bl-counters">
          <div><span class="bl-label">Epoch</span><span class="bl-value bl-epoch">0</span></div>
          <div><span class="bl-label">Step</span><span class="bl-value bl-stepno">0</span></div>
          <div><span class="bl-label">Test accuracy</span><span class="bl-value bl-acc">–</span></div>
          <div><span class="bl-label">Test loss</span><span class="bl-value bl-loss">–</span></div>
        </div>
      </div>
      <div class="bl-status" role="status"></div>
      <div class="bl-digits-row">
        <div class="bl-col">
          <div class="bl-title">What each hidden unit looks for: its 64 incoming weights as an 8×8 image</div>
          <canvas class="bl-weights" aria-label="First-layer weights as images"></canvas>
          <canvas class="bl-colourbar"></canvas>
        </div>
        <div class="bl-col">
          <canvas class="bl-curves" aria-label="Accuracy and loss over training"></canvas>
          <canvas class="bl-confusion" aria-label="Confusion matrix of the test set"></canvas>
        </div>
      </div>`;
    this.root.appendChild(el);
    this.el = el;
    const q = (s) => el.querySelector(s);
    this.playButton = q(".bl-play");
    this.pauseButton = q(".bl-pause");
    this.stepButton = q(".bl-step");
    this.weightCanvas = q(".bl-weights");
    this.colourbar = q(".bl-colourbar");
    this.curveCanvas = q(".bl-curves");
    this.confusionCanvas = q(".bl-confusion");
    this.playButton.addEventListener("click", () => this.play());
    this.pauseButton.addEventListener("click", () => this.pause());
    this.stepButton.addEventListener("click", () => {
      this.acted = true;
      this.send({ cmd: "step" });
    });
  }

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
            this.curves = this.emptyCurves();
      return;
    }
    if (h.curves === "replace") this.curves = this.emptyCurves();
    const a = frame.arrays, c = this.curves;
    const steps = a.metric_step.data;
    for (let i = 0; i < steps.length; i++) {
      c.step.push(steps[i]);
      for (const name of ["test_accuracy", "train_accuracy", "test_loss", "train_loss"]) c[name].push(a[name].data[i]);
    }
    if (c.step.length > MAX_POINTS) {
      const n = c.step.length;
      const keep = (_, i) => i % 2 === 0 || i >= n - 50;
      for (const name of Object.keys(c)) c[name] = c[name].filter(keep);
    }
    if (this.holdUntilPaused && h.playing) {
      this.send({ cmd: "ack", seq: h.seq }); // seen, not drawn: Pause was pressed
      return;
    }
    if (!h.playing) this.holdUntilPaused = false;
    this.pending = frame;
    this.schedule(false);
  }

  draw() {
    if (!this.setup || !this.state) return;
    const h = this.state.header;
    this.draws += 1;
    const acc = h.metrics.test_accuracy;
    this.el.dataset.blStep = String(h.step);
    this.el.dataset.blEpoch = String(h.epoch);
    this.el.dataset.blDraws = String(this.draws);
    this.el.dataset.blAccuracy = acc === null ? "" : String(acc);
    this.el.querySelector(".bl-epoch").textContent = h.epoch.toLocaleString("en");
    this.el.querySelector(".bl-stepno").textContent = h.step.toLocaleString("en");
    this.el.querySelector(".bl-acc").textContent = acc === null ? "–" : fmtNum(100 * acc, 1) + " %";
    this.el.querySelector(".bl-loss").textContent = fmtNum(h.metrics.test_loss, 3);
    if (!this.holdUntilPaused) this.showPlaying(!!h.playing);
    this.playButton.disabled = !h.can_train;
    const status = [];
    if (h.divergence) status.push(h.divergence + " Lower the learning rate, then Reset.");
    if (h.busy) status.push("Server busy: training at " + Math.round(h.rate) + " steps/s (other students are training too).");
    const statusEl = this.el.querySelector(".bl-status");
    statusEl.textContent = status.join(" ");
    statusEl.classList.toggle("bl-alert", !!h.divergence);
    const half = Math.max(200, (this.el.clientWidth - 16) / 2);
    this.drawWeights(half);
    this.drawCurves(half);
    this.drawConfusion(half);
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

  drawWeights(width) {
    const images = this.state.arrays.weights;
    const [units, side] = images.shape;
    const cols = Math.min(units, units <= 16 ? 4 : units <= 64 ? 8 : 16);
    const rows = Math.ceil(units / cols);
    const gap = 4;
    const cell = Math.max(8, Math.floor((width - gap * (cols - 1)) / cols));
    const { ctx } = this.fit(this.weightCanvas, cols * cell + gap * (cols - 1), rows * (cell + gap));
    const image = ctx.createImageData(side, side);
    const off = (this._off = this._off || document.createElement("canvas"));
    off.width = side; off.height = side;
    const offCtx = off.getContext("2d");
    ctx.imageSmoothingEnabled = false;
    for (let u = 0; u < units; u++) {
      for (let p = 0; p < side * side; p++) {
        const c = this.rampLut[images.data[u * side * side + p]];
        image.data[4 * p] = c[0]; image.data[4 * p + 1] = c[1]; image.data[4 * p + 2] = c[2]; image.data[4 * p + 3] = 255;
      }
      offCtx.putImageData(image, 0, 0);
      const x = (u % cols) * (cell + gap), y = Math.floor(u / cols) * (cell + gap);
      ctx.drawImage(off, x, y, cell, cell);
    }
    this.drawColourbar(Math.min(width, this.pads({ w: 360 }).w), this.state.header.w_scale);
  }

  drawColourbar(width, scale) {
    const { ctx, w } = this.fit(this.colourbar, width, this.pads({ h: 34 }).h);
    const barW = w - 100;
    for (let x = 0; x < barW; x++) {
      const c = this.rampLut[Math.round((x / (barW - 1)) * 255)];
      ctx.fillStyle = `rgb(${c[0]},${c[1]},${c[2]})`;
      ctx.fillRect(50 + x, 4, 1, 12);
    }
    ctx.fillStyle = this.ink("muted");
    ctx.textBaseline = "top";
    ctx.fillText("−" + scale.toPrecision(2), 4, 4);
    ctx.fillText("+" + scale.toPrecision(2), 54 + barW, 4);
    ctx.fillText(`weight (${this.word("negative")}: ink there lowers the unit, ${this.word("positive")}: raises it)`, 4, 20);
  }

  drawCurves(width) {
    const { ctx, w, h } = this.fit(this.curveCanvas, width, 210);
    const pad = this.pads({ L: 40, T: 24, B: 22, R: 40 });
    const c = this.curves, n = c.step.length, s = this.setup.header.colours;
    ctx.fillStyle = this.ink("text");
    ctx.textBaseline = "top";
    ctx.fillText("Accuracy (solid, left axis) and loss (dashed, right axis)", 4, 2);
    ctx.strokeStyle = this.ink("frame");
    ctx.strokeRect(pad.L, pad.T, w - pad.L - pad.R, h - pad.T - pad.B);
    const x0 = n ? c.step[0] : 0, x1 = n ? Math.max(c.step[n - 1], x0 + 1) : 1;
    let lossMax = 0;
    for (const v of c.test_loss.concat(c.train_loss)) if (isFinite(v)) lossMax = Math.max(lossMax, v);
    lossMax = lossMax > 0 ? lossMax * 1.05 : 1;
    const px = (v) => pad.L + ((v - x0) / (x1 - x0)) * (w - pad.L - pad.R);
    const pyAcc = (v) => pad.T + (1 - v) * (h - pad.T - pad.B);
    const pyLoss = (v) => pad.T + (1 - v / lossMax) * (h - pad.T - pad.B);
    ctx.fillStyle = this.ink("muted");
    ctx.textBaseline = "middle";
    ctx.textAlign = "right";
    for (const v of [0, 0.5, 0.95, 1]) {
      if (v !== 1) ctx.fillText(Math.round(v * 100) + "%", pad.L - 3, pyAcc(v));
      ctx.strokeStyle = v === 0.95 ? this.ink("frame") : this.ink("grid");
      ctx.beginPath(); ctx.moveTo(pad.L, pyAcc(v)); ctx.lineTo(w - pad.R, pyAcc(v)); ctx.stroke();
    }
    ctx.textAlign = "left";
    ctx.fillText(lossMax.toPrecision(2), w - pad.R + 3, pad.T + 4);
    ctx.fillText("0", w - pad.R + 3, h - pad.B);
    ctx.textBaseline = "top";
    ctx.fillText("step " + x0.toLocaleString("en"), pad.L, h - pad.B + 4);
    ctx.textAlign = "right";
    ctx.fillText("step " + x1.toLocaleString("en"), w - pad.R, h - pad.B + 4);
    ctx.textAlign = "left";
    const lines = [
      ["test_accuracy", s.test, [], pyAcc], ["train_accuracy", s.train, [], pyAcc],
      ["test_loss", s.test, [4, 3], pyLoss], ["train_loss", s.train, [4, 3], pyLoss],
    ];
    for (const [name, colour, dash, py] of lines) {
      ctx.beginPath();
      let started = false;
      for (let i = 0; i < n; i++) {
        const v = c[name][i];
        if (!isFinite(v)) { started = false; continue; }
        if (started) ctx.lineTo(px(c.step[i]), py(v)); else ctx.moveTo(px(c.step[i]), py(v));
        started = true;
      }
      ctx.setLineDash(dash);
      ctx.strokeStyle = colour;
      ctx.lineWidth = name.startsWith("test") ? 2.2 : 1.4;
      ctx.stroke();
      ctx.setLineDash([]);
    }
    ctx.textBaseline = "middle";
    let lx = pad.L + 6;
    for (const [label, colour] of [["test", s.test], ["train", s.train]]) {
      ctx.fillStyle = colour;
      ctx.fillRect(lx, pad.T + 10, 16, 3);
      ctx.fillStyle = this.ink("text");
      ctx.fillText(label, lx + 20, pad.T + 11);
      lx += 64;
    }
  }

  drawConfusion(width) {
    const m = this.state.arrays.confusion, k = m.shape[0];
    const classes = this.setup.header.classes;
    const size = Math.min(width, 300);
    const { ctx } = this.fit(this.confusionCanvas, width, size + 40);
    const pad = this.pads({ L: 34, T: 36 });
    const cell = Math.floor((size - pad.L) / k);
    ctx.fillStyle = this.ink("text");
    ctx.textBaseline = "top";
    ctx.fillText("Test images: row = true digit, column = answer", 4, 2);
    let rowMax = 1;
    for (let i = 0; i < k * k; i++) rowMax = Math.max(rowMax, m.data[i]);
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    for (let t = 0; t < k; t++) {
      ctx.fillStyle = this.ink("muted");
      ctx.fillText(classes[t], pad.L + t * cell + cell / 2, pad.T - 8);
      ctx.fillText(classes[t], pad.L - 12, pad.T + t * cell + cell / 2);
      for (let p = 0; p < k; p++) {
        const v = m.data[t * k + p];
        const f = v / rowMax;
        // diagonal (right) in the positive colour, off-diagonal (wrong) in the negative, the background when empty
        const base = this.rampLut[t === p ? 255 : 0]; // the theme's positive and negative ends
        const rgb = mixRgb(base, hexRgb(this.ink("background")), Math.sqrt(f));
        ctx.fillStyle = `rgb(${rgb[0]},${rgb[1]},${rgb[2]})`;
        ctx.fillRect(pad.L + p * cell, pad.T + t * cell, cell - 1, cell - 1);
        if (v > 0) {
          ctx.fillStyle = f > 0.5 ? "#ffffff" : this.ink("text");
          ctx.fillText(String(v), pad.L + p * cell + cell / 2, pad.T + t * cell + cell / 2);
        }
      }
    }
    ctx.textAlign = "left";
  }
}

export default function (component) {
  mountView(component, DigitsView, "__blDigits");
}
