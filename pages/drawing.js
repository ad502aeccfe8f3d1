// The drawing grid of the Image recognition page (st.components.v2): a 32 x 32 bitmap drawn with
// the mouse (or a finger), downsampled as scikit-learn's digits were made: each of the 8 x 8
// pixels counts the inked cells of its 4 x 4 block (0..16). On every pen-up it sends the 64 counts
// as the state value `pixels` (row by row); Clear sends 64 zeros. Beside it, the 8 x 8 image the
// network receives.

const N = 32, BLOCK = 4, SIDE = N / BLOCK;
const BRUSH = 1.9; // cells of radius around the pen

class Drawing {
  constructor(root) {
    this.root = root;
    this.bits = new Uint8Array(N * N);
    const el = document.createElement("div");
    el.className = "bl-draw";
    el.setAttribute("data-bl-drawing", "");
    el.innerHTML = `
      <div class="bl-draw-col">
        <canvas class="bl-pad" width="224" height="224" aria-label="Drawing pad: draw a digit"></canvas>
        <button class="bl-btn bl-clear" type="button">Clear</button>
      </div>
      <div class="bl-draw-col">
        <div class="bl-small-label">What the network sees (8 × 8, 0–16)</div>
        <canvas class="bl-seen" width="112" height="112" aria-label="The drawing at 8 x 8"></canvas>
      </div>`;
    root.appendChild(el);
    this.el = el;
    this.pad = el.querySelector(".bl-pad");
    this.seen = el.querySelector(".bl-seen");
    this.pad.addEventListener("pointerdown", (e) => { this.down = true; this.pad.setPointerCapture(e.pointerId); this.last = null; this.paint(e); });
    this.pad.addEventListener("pointermove", (e) => { if (this.down) this.paint(e); });
    const up = () => { if (!this.down) return; this.down = false; this.send(); };
    this.pad.addEventListener("pointerup", up);
    this.pad.addEventListener("pointercancel", up);
    el.querySelector(".bl-clear").addEventListener("click", () => { this.bits.fill(0); this.render(); this.send(); });
    this.render();
  }

  cellAt(e) {
    const r = this.pad.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * N, ((e.clientY - r.top) / r.height) * N];
  }

  stamp(x, y) {
    for (let i = Math.floor(y - BRUSH); i <= Math.ceil(y + BRUSH); i++) {
      for (let j = Math.floor(x - BRUSH); j <= Math.ceil(x + BRUSH); j++) {
        if (i < 0 || j < 0 || i >= N || j >= N) continue;
        if ((i + 0.5 - y) ** 2 + (j + 0.5 - x) ** 2 <= BRUSH * BRUSH) this.bits[i * N + j] = 1;
      }
    }
  }

  paint(e) {
    const [x, y] = this.cellAt(e);
    const [x0, y0] = this.last || [x, y];
    const steps = Math.max(1, Math.ceil(Math.hypot(x - x0, y - y0) * 2));
    for (let s = 1; s <= steps; s++) this.stamp(x0 + ((x - x0) * s) / steps, y0 + ((y - y0) * s) / steps);
    this.last = [x, y];
    this.render();
  }

  counts() {
    const out = new Array(SIDE * SIDE).fill(0);
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) out[Math.floor(i / BLOCK) * SIDE + Math.floor(j / BLOCK)] += this.bits[i * N + j];
    return out;
  }

  render() {
    const ctx = this.pad.getContext("2d"), c = this.pad.width / N;
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, this.pad.width, this.pad.height);
    ctx.fillStyle = "#1f1f1f";
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) if (this.bits[i * N + j]) ctx.fillRect(j * c, i * c, c, c);
    ctx.strokeStyle = "#dddddd";
    for (let k = 1; k < SIDE; k++) {
      ctx.beginPath(); ctx.moveTo(k * BLOCK * c, 0); ctx.lineTo(k * BLOCK * c, this.pad.height); ctx.stroke();
      ctx.beginPath(); ctx.moveTo(0, k * BLOCK * c); ctx.lineTo(this.pad.width, k * BLOCK * c); ctx.stroke();
    }
    const counts = this.counts(), sctx = this.seen.getContext("2d"), s = this.seen.width / SIDE;
    for (let p = 0; p < SIDE * SIDE; p++) {
      const v = Math.round(255 - (255 * counts[p]) / 16);
      sctx.fillStyle = `rgb(${v},${v},${v})`;
      sctx.fillRect((p % SIDE) * s, Math.floor(p / SIDE) * s, s, s);
    }
    this.el.dataset.blInk = String(counts.reduce((a, b) => a + b, 0));
  }

  send() {
    this.setStateValue("pixels", this.counts());
  }
}

export default function (component) {
  const { parentElement, setStateValue } = component;
  let view = parentElement.__blDrawing;
  if (!view) {
    view = new Drawing(parentElement);
    parentElement.__blDrawing = view;
  }
  view.setStateValue = setStateValue;
}
