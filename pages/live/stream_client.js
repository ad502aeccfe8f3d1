// The stream client both live views share (prepended to each view's script by component.py):
// the frame decoder for viz/frames.py's wire format, the icons, and StreamClient, which opens
// /live?token=..., sends Play / Pause / Step / acks, draws the newest frame once per animation
// frame, and asks the page for a rerun (`sync`) after the learner acted. A view extends it with
// build(), receive(buffer) (which sets this.pending), draw() and showPlaying(playing).
// Keyboard (listenToKeys, once per view): space Play/Pause, right arrow Step, r the page's
// Reset button; ignored while a text box, select, slider or button has the focus (a focused
// button already answers space), or with a modifier key held.

const DTYPES = { u1: Uint8Array, f4: Float32Array, i4: Int32Array };
const SYNC_DELAY_MS = 400; // Play reruns the page this much later: the first frames come first
const svg = (path) => `<svg aria-hidden="true" viewBox="0 0 24 24" width="18" height="18"><path fill="currentColor" d="${path}"/></svg>`;
const ICONS = {
  play: svg("M8 5v14l11-7z"),
  pause: svg("M6 5h4v14H6zm8 0h4v14h-4z"),
  step: svg("M6 18l8.5-6L6 6v12zM16 6v12h2V6h-2z"),
};

function decode(buffer) {
  const view = new DataView(buffer);
  const n = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, n)));
  const base = 4 + n;
  const arrays = {};
  for (const spec of header.arrays) {
    const T = DTYPES[spec.dtype];
    const count = spec.shape.reduce((a, b) => a * b, 1);
    arrays[spec.name] = { data: new T(buffer, base + spec.offset, count), shape: spec.shape };
  }
  return { header, arrays };
}

function hexRgb(hex) {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

// The light theme's canvas colours; a page's theme (options.display.ink, viz.theme.live_display)
// replaces them. options.display.present raises every canvas text to options.display.font px.
const LIGHT_INK = {
  text: "#3a3a3a", muted: "#6a6a6a", frame: "#c8c8c8", grid: "#eeeeee", background: "#ffffff",
  highlight: "#d62728", rim: "#ffffff", labelBox: "rgba(255,255,255,0.85)", ink: "#000000",
};
const CSS_VARS = { text: "--bl-text", muted: "--bl-muted", frame: "--bl-frame", background: "--bl-bg", positive: "--bl-primary", alert: "--bl-alert" };

function mixRgb(c, bg, t) {
  // c blended toward bg: t = 1 keeps c, t = 0 gives bg
  return [0, 1, 2].map((k) => Math.round(bg[k] + (c[k] - bg[k]) * t));
}

const KEY_IGNORED_TAGS = new Set(["INPUT", "TEXTAREA", "SELECT", "BUTTON"]);

function typingInto(event) {
  const target = event.composedPath()[0] || event.target; // inside a shadow root too
  if (!target || !target.tagName) return false;
  if (KEY_IGNORED_TAGS.has(target.tagName) || target.isContentEditable) return true;
  const role = target.getAttribute && target.getAttribute("role");
  return role === "slider" || role === "combobox" || role === "textbox" || role === "spinbutton";
}

function resetLabel(button) {
  // a Streamlit button's label, without its icon's ligature text (":material/restart_alt:")
  const label = button.querySelector('[data-testid="stMarkdownContainer"]');
  return (label ? label.textContent : button.textContent).trim();
}

class StreamClient {
  listenToKeys() {
    if (this.onKey) return;
    this.onKey = (event) => {
      if (!this.el || !this.el.isConnected) {
        document.removeEventListener("keydown", this.onKey);
        return;
      }
      if (event.altKey || event.ctrlKey || event.metaKey || typingInto(event)) return;
      if (event.repeat) {
        if (event.key === " ") event.preventDefault(); // a held space neither repeats nor scrolls
        return;
      }
      if (event.key === " ") {
        if (this.pauseButton && !this.pauseButton.hidden) this.pause();
        else this.play();
      } else if (event.key === "ArrowRight") {
        if (this.stepButton && !this.stepButton.disabled) this.stepButton.click();
      } else if (event.key === "r" || event.key === "R") {
        const reset = Array.from(document.querySelectorAll("button")).find((b) => resetLabel(b) === "Reset");
        if (!reset || reset.disabled) return;
        reset.click();
      } else {
        return;
      }
      event.preventDefault(); // no page scroll on space
    };
    document.addEventListener("keydown", this.onKey);
  }

  // ------------------------------------------------------------ display: presenter, theme
  ink(role) {
    const ink = this.options && this.options.display && this.options.display.ink;
    return (ink && ink[role]) || LIGHT_INK[role];
  }

  word(sign) {
    // how captions name the colour of a "negative" or "positive" value (viz.theme's words)
    const words = this.options && this.options.display && this.options.display.words;
    return (words && words[sign]) || sign; // always sent by pages/live/component.py
  }

  px(size) {
    const d = this.options && this.options.display;
    return d && d.present ? Math.max(size, d.font || 18) : size;
  }

  lineColour(colour) {
    // a run's line colour from the server (viz.theme.PATHS), black swapped for the theme's ink
    return /^(#000000|#000|black)$/i.test(colour) ? this.ink("ink") : colour;
  }

  room(canvas) {
    // px from the canvas's top (in the page, not the scrolled window) to the window's bottom:
    // the key views fit a 1280x720 projector without scrolling when the page allows it
    return window.innerHeight - (canvas.getBoundingClientRect().top + window.scrollY) - 8;
  }

  pads(pad) {
    // a chart's paddings grown with its text in presenter mode (12 px text is the light layout's)
    const f = this.px(12) / 12;
    return Object.fromEntries(Object.entries(pad).map(([k, v]) => [k, Math.round(v * f)]));
  }

  font(size) {
    return this.px(size) + "px sans-serif";
  }

  rampLutOf(palette) {
    // the server's 256-colour ramp as [r, g, b] rows; the theme's own diverging ramp instead when
    // the server sent the light one (display.light_ramp_ends: its two ends)
    const d = (this.options && this.options.display) || {};
    const ends = d.light_ramp_ends || [];
    const diverging = palette[0].toLowerCase() === ends[0] && palette[255].toLowerCase() === ends[1];
    const source = diverging && d.palette ? d.palette : palette;
    if (this._ramp && this._ramp.palette === palette && this._ramp.source === source) return this._ramp.lut;
    this._ramp = { palette, source, lut: source.map(hexRgb) };
    return this._ramp.lut;
  }

  get rampLut() {
    return this.rampLutOf(this.setup.header.palette);
  }

  signColour(negative) {
    // the orange (negative) or blue (positive) of the theme
    const lut = this.rampLut;
    const c = lut[negative ? 0 : 255];
    return `rgb(${c[0]},${c[1]},${c[2]})`;
  }

  applyDisplay() {
    const d = (this.options && this.options.display) || {};
    if (!this.el) return;
    this.el.classList.toggle("bl-present", !!d.present);
    for (const name of ["dark", "high-contrast"]) this.el.classList.toggle("bl-theme-" + name, d.theme === name.replace("-", " "));
    for (const [role, variable] of Object.entries(CSS_VARS)) {
      const value = d.ink && d.ink[role];
      if (value) this.el.style.setProperty(variable, value);
      else this.el.style.removeProperty(variable);
    }
  }

  update(data) {
    this.listenToKeys();
    const first = this.token !== data.token;
    this.options = data;
    this.applyDisplay();
    if (first) {
      this.token = data.token;
      this.connect();
    }
    this.schedule(true);
  }

  connect() {
    if (this.socket) this.socket.close();
    const url = location.origin.replace(/^http/, "ws") + "/live?token=" + encodeURIComponent(this.token);
    const socket = new WebSocket(url);
    socket.binaryType = "arraybuffer";
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.el.isConnected) setTimeout(() => this.el.isConnected && !this.socket && this.connect(), 1000);
    };
    this.socket = socket;
  }

  send(message) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  play() {
    if (this.playButton.disabled) return;
    this.acted = true;
    this.holdUntilPaused = false;
    this.showPlaying(true);
    this.send({ cmd: "play" });
    setTimeout(() => this.sync(true), SYNC_DELAY_MS); // the first frames before the page's rerun
  }

  pause() {
    this.acted = true;
    this.holdUntilPaused = true; // draw nothing more until the paused state arrives
    if (this.pending) this.send({ cmd: "ack", seq: this.pending.header.seq }); // received, never drawn
    this.pending = null;
    this.showPlaying(false);
    this.send({ cmd: "pause", step: this.state ? this.state.header.step : null }); // stop at what is on screen
  }

  schedule(redrawOnly) {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      if (this.pending) {
        this.state = this.pending;
        this.pending = null;
        this.draw();
        this.send({ cmd: "ack", seq: this.state.header.seq });
      } else if (redrawOnly && this.state) {
        this.draw();
      }
    });
  }

  sync(playing) {
    // tell the page (a Streamlit rerun) when playing starts or the paused state changed, after the
    // learner did something here (the first frame needs no rerun: the page drew that state)
    if (!this.acted) return;
    const step = this.state ? this.state.header.step : 0;
    const key = playing ? "playing" : "paused:" + step + ":" + (this.state && this.state.header.replaying);
    if (key === this.lastSync) return;
    this.lastSync = key;
    this.trigger("sync", { playing, step });
  }
}

function mountView(component, View, slot) {
  // one view per mounted component, kept on its parent element across the page's reruns
  const { data, parentElement, setTriggerValue } = component;
  let view = parentElement[slot];
  if (!view) {
    view = new View(parentElement, setTriggerValue);
    parentElement[slot] = view;
  }
  view.trigger = setTriggerValue;
  view.update(data || {});
}
