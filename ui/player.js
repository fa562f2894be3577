// Watch it learn's player (ui/player.py): the browser side of st.components.v2 component "nndl_player".
//
// The page's script sends a payload: the three charts' Vega-Lite specs (the network diagram, the decision
// boundary, the curves; only when the browser lacks them), and a batch of frames, each a few epochs further on.
// A frame carries only what changed since the specs' own datasets (ui/player.py: frame_delta), its scores line
// and its new curve rows. Frames are drawn `fps` times a second by changing the charts' datasets in place (Vega's
// changesets; the boundary's picture on a canvas under its chart, Backdrop): no script run and no page redraw per
// frame (the player's CSS contains its layout and paint). When `low` frames are left the player asks for the
// next batch (trigger "need"); when the page says "freeze" (Pause) it stops where it is and says which epoch it
// shows (trigger "stopped"); without specs it asks for them (trigger "hello").
//
// Vega, Vega-Lite and vega-embed are the BSD-licensed builds in static/vega, loaded once per page.

const LIBS = ["vega.min.js", "vega-lite.min.js", "vega-embed.min.js"];
const CHARTS = ["network", "boundary", "curves"];

function loadLibs(base) {
  if (window.vegaEmbed) return Promise.resolve();
  if (!window.__nndlVega) {
    window.__nndlVega = LIBS.reduce((chain, file) => chain.then(() => new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = base + file;
      script.async = false;
      script.onload = resolve;
      script.onerror = () => { window.__nndlVega = null; reject(new Error("could not load " + file)); };
      document.head.appendChild(script);
    })), Promise.resolve());
  }
  return window.__nndlVega;
}

// Streamlit's own look for Vega-Lite charts (its theme config), from the theme's CSS variables, so that the
// player's charts match the ones st.vega_lite_chart draws elsewhere in the app.
function themeConfig(el) {
  const css = getComputedStyle(el);
  const v = (name, fallback) => (css.getPropertyValue(name) || "").trim() || fallback;
  const text = v("--st-text-color", "#31333F");
  const faded = "#808495";
  const grid = v("--st-border-color-light", "#e6e9ef");
  const font = v("--st-font", "\"Source Sans\", sans-serif");
  return {
    font, background: v("--st-background-color", "#ffffff"), fieldTitle: "verbal",
    autosize: {type: "fit", contains: "padding"},
    title: {align: "left", anchor: "start", color: v("--st-heading-color", text), fontWeight: 600, fontSize: 16,
            orient: "top", offset: 26},
    axis: {labelFontSize: 12, labelFontWeight: 400, labelColor: faded, titleFontWeight: 400, titleFontSize: 14,
           titleColor: faded, ticks: false, gridColor: grid, domain: false, domainWidth: 1, domainColor: grid,
           labelFlush: true, labelFlushOffset: 1, labelBound: false, labelLimit: 100, titlePadding: 16,
           labelPadding: 16, labelSeparation: 4, labelOverlap: true},
    legend: {labelFontSize: 14, labelFontWeight: 400, labelColor: faded, titleFontSize: 14, titleFontWeight: 400,
             titleFontStyle: "normal", titleColor: faded, titlePadding: 8, labelPadding: 16, columnPadding: 8,
             rowPadding: 4, padding: 8, symbolStrokeWidth: 2},
    view: {columns: 1, strokeWidth: 0, stroke: "transparent", continuousHeight: 350, continuousWidth: 400},
    concat: {columns: 1}, facet: {columns: 1},
    mark: {tooltip: {content: "encoding"}, color: "#0068c9"},
    axisDiscrete: {grid: false}, axisXPoint: {grid: false}, axisTemporal: {grid: false}, axisXBand: {grid: false},
  };
}

// As Streamlit does for width="stretch": the chart (each panel of a vertical concat) as wide as its container.
function fitted(spec, width) {
  const out = {...spec, datasets: {...(spec.datasets || {})}};
  delete out.$schema;                       // the specs are Vega-Lite 5; the vendored compiler is 6 (it reads them)
  if (out.vconcat) out.vconcat = out.vconcat.map((panel) => ({...panel, width}));
  else out.width = width;
  if (out.title) {
    const title = typeof out.title === "string" ? {text: out.title} : {...out.title};
    title.limit = title.limit ?? Math.max(width - 40, 0);
    out.title = title;
  }
  out.padding = out.padding || {};
  if (typeof out.padding === "object" && out.padding.bottom === undefined) out.padding = {...out.padding, bottom: 20};
  return out;
}

// A plain copy of a row: its fields only (Vega marks a row it has taken in with a symbol-keyed id; a copy
// carrying that id would be taken for the same row and not drawn anew).
function plain(row) {
  const out = {};
  for (const key of Object.keys(row)) out[key] = row[key];
  return out;
}

// The rows of a dataset in a frame: the spec's rows with the frame's changes ({rows} or {set: {col: [[i, v]]}}),
// always new objects.
function rowsOf(template, delta) {
  if (delta && delta.rows) return delta.rows.map(plain);
  const rows = template.map(plain);
  for (const [col, changes] of Object.entries((delta && delta.set) || {})) {
    for (const [i, value] of changes) rows[i][col] = value;
  }
  return rows;
}

// The pictures (PNG data URLs) of the rows a frame draws, decoded before the charts take them: the charts then
// draw them at once instead of a blank square until each has loaded. Every row's pictures, the unchanged ones too:
// the frame's rows are new objects, so Vega draws each of them anew.
const decodedUrls = new Map();
function decoded(rowLists) {
  if (decodedUrls.size > 400) decodedUrls.clear();
  const urls = new Set();
  for (const rows of rowLists) {
    for (const row of rows) {
      for (const value of Object.values(row)) {
        if (typeof value === "string" && value.startsWith("data:image/") && !decodedUrls.has(value)) urls.add(value);
      }
    }
  }
  return Promise.all([...urls].map((url) => {
    const img = new Image();
    img.src = url;
    decodedUrls.set(url, img);
    return img.decode().catch(() => null);
  }));
}

// Vega draws a picture whose url changed as a blank square and draws the chart again once its own Image of that
// url has loaded: two redraws and a second decoding per picture and frame. The pictures were decoded ahead
// (decoded), so each image item gets its decoded Image before the chart is drawn (View.runAfter runs between the
// dataflow and the drawing): one drawing, with every picture in it.
function attachPictures(node) {
  for (const item of node.items || []) {
    if (node.marktype === "image") {
      const image = decodedUrls.get(item.url);
      if (image && image.complete && item.image !== image) {
        image.url = item.url;          // how Vega knows an item's image is that of its url
        item.image = image;
      }
    } else if (item.items) {
      attachPictures(item);
    }
  }
}

// The decision boundary's picture is the one thing in its chart that changes while playing. Drawn by Vega, each
// frame would redraw the chart's thousand points over it too (most of the chart's cost per frame). So the picture
// is drawn on a canvas of its own under the chart, where Vega would draw it (the image item's place, clipped to its
// plot), and the chart, its background transparent and its own picture left empty, is drawn once.
class Backdrop {
  constructor(box, view, dataset) {
    this.box = box;
    this.view = view;
    this.dataset = dataset;          // the image layer's dataset (the picture's url and its x, x2, y, y2)
    this.canvas = document.createElement("canvas");
    this.canvas.className = "nnp-backdrop";
    box.prepend(this.canvas);
    this.url = null;
    this.place = null;
  }

  // Vega's image item and the plot group around it, in CSS pixels of the chart's canvas.
  locate() {
    const find = (mark, x, y) => {
      for (const item of mark.items || []) {
        if (mark.marktype === "image") return {item, x, y};
        for (const child of item.items || []) {
          const found = find(child, x + (item.x || 0), y + (item.y || 0));
          if (found) return found;
        }
      }
      return null;
    };
    const [ox, oy] = this.view.origin();
    const found = find(this.view.scenegraph().root, ox, oy);
    const chart = this.box.querySelector("canvas.marks");
    if (!found || !chart) return null;
    const group = found.item.mark.group;
    const at = chart.getBoundingClientRect(), box = this.box.getBoundingClientRect();
    return {left: at.left - box.left + found.x, top: at.top - box.top + found.y,
            width: group ? group.width : at.width, height: group ? group.height : at.height, item: found.item};
  }

  // Vega's own picture emptied (its place kept): called after each embed, with the spec's row.
  async adopt(row) {
    this.view.change(this.dataset, window.vega.changeset().remove(window.vega.truthy).insert([{...plain(row), url: ""}]));
    await this.view.runAsync();
    this.geometry = JSON.stringify({...row, url: null});
    this.place = this.locate();
    const dpr = window.devicePixelRatio || 1;
    const place = this.place || {left: 0, top: 0, width: 0, height: 0};
    Object.assign(this.canvas.style, {left: place.left + "px", top: place.top + "px", width: place.width + "px",
                                      height: place.height + "px"});
    this.canvas.width = Math.round(place.width * dpr);
    this.canvas.height = Math.round(place.height * dpr);
    this.url = null;
  }

  async draw(row) {
    if (!row) return;
    if (JSON.stringify({...row, url: null}) !== this.geometry) await this.adopt(row);   // another extent
    if (row.url === this.url || !this.place) return;
    await decoded([[row]]);
    const image = decodedUrls.get(row.url);
    const {item} = this.place, ctx = this.canvas.getContext("2d"), dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.place.width, this.place.height);
    ctx.globalAlpha = item.opacity ?? 1;
    ctx.imageSmoothingEnabled = item.smooth !== false;
    ctx.drawImage(image, item.x || 0, item.y || 0, item.width || 0, item.height || 0);
    this.url = row.url;
  }

  close() {
    this.canvas.remove();
  }
}

function decode(text) {
  const area = document.createElement("textarea");
  area.innerHTML = text;
  return area.value;
}

// The dataset of a chart's picture layer (an image mark over the whole plot, its dataset one row), or null.
function pictureLayer(spec) {
  for (const layer of spec.layer || []) {
    const mark = typeof layer.mark === "string" ? {type: layer.mark} : layer.mark || {};
    const name = layer.data && layer.data.name;
    if (mark.type === "image" && name && (spec.datasets[name] || []).length === 1) return name;
  }
  return null;
}

class Player {
  constructor(root) {
    this.root = root;
    root.innerHTML = "";
    const el = (cls, parent = root) => {
      const div = document.createElement("div");
      div.className = cls;
      parent.appendChild(div);
      return div;
    };
    this.statusEl = el("nnp-status");
    this.scoresEl = el("nnp-scores");
    this.emptyEl = el("nnp-empty");
    this.noteEl = el("nnp-note");
    const row = el("nnp-row");
    this.boxes = {network: el("nnp-network", row), boundary: el("nnp-boundary", row), curves: el("nnp-curves")};
    this.views = {};
    this.specs = null;          // the payload's specs (kept for a redraw at a new width)
    this.templates = {};        // chart -> dataset name -> rows of the specs
    this.dirty = {network: new Set(), boundary: new Set()};
    this.viewKey = null;
    this.batch = null;
    this.queue = [];
    this.shown = null;          // the frame on screen
    this.curves = [];
    this.timer = null;
    this.busy = false;
    this.requested = 0;         // when the last "need" went out (0: none pending)
    this.asks = 0;
    this.finalBatch = false;
    this.chain = Promise.resolve();
    this.width = 0;
    this.resize = new ResizeObserver(() => {
      clearTimeout(this.resizeTimer);
      this.resizeTimer = setTimeout(() => { this.chain = this.chain.then(() => this.redraw()); }, 150);
    });
    this.resize.observe(root);
  }

  receive(data, setTriggerValue) {
    this.trigger = setTriggerValue;
    this.watchPause(data.pause);
    if (this.batch !== null && data.batch <= this.batch) return;   // the same payload again (a rerun about
    // something else), or an older one: the page numbers its payloads in order
    this.batch = data.batch;
    this.chain = this.chain.then(() => this.apply(data)).catch((err) => {
      this.noteEl.textContent = String(err && err.message ? err.message : err);
    });
  }

  say(event, value) {
    if (this.trigger) this.trigger(event, {...value, view: this.viewKey, n: ++this.asks});
  }

  async apply(data) {
    this.fps = data.fps;
    this.low = data.low;
    this.labels = data.labels || {};
    if (data.specs && (data.view !== this.viewKey || !this.views.network)) {
      await loadLibs(data.libs);
      this.specs = data.specs;
      this.viewKey = data.view;
      this.queue = [];                     // frames of another view (language, toggles, plane) are not drawn
      await this.embed();
    }
    if (data.specs) {                      // the datasets the frames of this payload change
      this.templates = Object.fromEntries(CHARTS.map((name) => [name, data.specs[name].datasets || {}]));
    }
    if (data.view !== this.viewKey || !this.views.network) {     // this browser has not got these specs
      this.say("hello", {});
      return;
    }
    this.noteEl.textContent = data.note || "";
    this.noteEl.style.display = data.note ? "" : "none";
    const frames = data.frames || [];
    if (frames.length) frames[0].base = data.curves_base || [];
    for (const frame of frames) frame.templates = this.templates;
    if (data.mode === "play") {
      this.requested = 0;
      this.finalBatch = !!data.last;
      this.queue.push(...frames);
      this.start();
    } else {
      this.stop();
      this.queue = [];
      if (data.mode === "still" || !this.shown) await this.show(frames[0]);
      if (data.mode === "freeze") this.say("stopped", {epoch: this.shown ? this.shown.epoch : null});
    }
  }

  async embed() {
    const width = Math.floor(this.root.getBoundingClientRect().width) || 600;
    this.width = width;
    const config = themeConfig(this.root);
    const row = this.root.querySelector(".nnp-row");
    const stacked = width < 640;
    row.classList.toggle("nnp-stacked", stacked);
    const gap = 16;
    const widths = {network: stacked ? width : Math.floor((width - gap) * 0.6),
                    boundary: stacked ? width : Math.floor((width - gap) * 0.4), curves: width};
    if (this.backdrop) this.backdrop.close();
    this.backdrop = null;
    for (const name of CHARTS) {
      if (this.views[name]) this.views[name].finalize();
      const own = name === "boundary" ? pictureLayer(this.specs[name]) : null;    // drawn on a backdrop
      const result = await window.vegaEmbed(this.boxes[name], fitted(this.specs[name], widths[name]),
        {mode: "vega-lite", actions: false, renderer: "canvas", logLevel: window.vega.Error,
         config: own ? {...config, background: "transparent"} : config});
      this.views[name] = result.view;
      if (own) {
        this.backdrop = new Backdrop(this.boxes[name], result.view, own);
        await this.backdrop.adopt((this.specs[name].datasets[own] || [])[0] || {});
      }
    }
    this.dirty = {network: new Set(), boundary: new Set()};
    this.drawnTemplates = null;              // the charts show their specs' own datasets
  }

  async redraw() {
    const width = Math.floor(this.root.getBoundingClientRect().width);
    if (!this.specs || !width || Math.abs(width - this.width) < 2) return;
    this.busy = true;
    try {
      await this.embed();
      if (this.shown) await this.draw(this.shown, true);
    } finally {
      this.busy = false;
    }
  }

  // The page's Pause button (a Streamlit button, `selector`): stop drawing at the click, not when the page's
  // answer (a freeze) arrives a script run later.
  watchPause(selector) {
    if (!selector || this.pauseSelector === selector) return;
    this.pauseSelector = selector;
    if (!this.onClick) {
      this.onClick = (event) => {
        const button = this.pauseSelector && event.target.closest && event.target.closest(this.pauseSelector);
        if (button && this.timer && !this.finalBatch) { this.stop(); this.queue = []; }
      };
      document.addEventListener("click", this.onClick, true);
    }
  }

  start() {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), 1000 / (this.fps || 8));
    this.tick();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  tick() {
    if (this.busy) return;
    const frame = this.queue.shift();
    if (frame) this.chain = this.chain.then(() => this.show(frame));
    if (this.finalBatch) {
      if (!frame && !this.queue.length) this.stop();
      return;
    }
    const waited = this.requested ? performance.now() - this.requested : 0;
    if (this.queue.length <= (this.low ?? 3) && (!this.requested || waited > 15000)) {
      this.requested = performance.now();
      this.say("need", {});
    }
  }

  async show(frame) {
    if (!frame) return;
    this.curvesAdded = null;                 // rows to add to the drawn curves (null: draw them all anew)
    if (frame.base) this.curves = frame.base.slice();
    else if (this.shown) this.curvesAdded = frame.curves || [];
    if (frame.curves && frame.curves.length) this.curves.push(...frame.curves);
    this.busy = true;
    try {
      await this.draw(frame, false);
      this.shown = frame;
    } finally {
      this.busy = false;
    }
  }

  async draw(frame, all) {
    const vega = window.vega;
    const runs = [];
    const templates = frame.templates || this.templates;
    if (this.drawnTemplates && templates !== this.drawnTemplates) all = true;   // other rows under the changes
    this.drawnTemplates = templates;
    const changes = {};                       // chart -> dataset -> the rows it draws now
    const own = this.backdrop ? this.backdrop.dataset : null;     // the boundary's picture: always drawn (Backdrop)
    for (const chart of ["network", "boundary"]) {
      const delta = (frame.data && frame.data[chart]) || {};
      const names = all ? Object.keys(templates[chart]) : [...new Set([...Object.keys(delta), ...this.dirty[chart]])];
      if (chart === "boundary" && own && !names.includes(own)) names.push(own);
      changes[chart] = Object.fromEntries(names.map((name) => [name, rowsOf(templates[chart][name] || [], delta[name])]));
      this.dirty[chart] = new Set(Object.keys(delta));
    }
    await decoded(Object.values(changes).flatMap((sets) => Object.values(sets)));
    for (const chart of ["network", "boundary"]) {
      const view = this.views[chart];
      const sets = {...changes[chart]};
      if (chart === "boundary" && own) {
        runs.push(this.backdrop.draw(sets[own][0]));
        delete sets[own];
      }
      if (!Object.keys(sets).length) continue;
      for (const [name, rows] of Object.entries(sets)) {
        view.change(name, vega.changeset().remove(vega.truthy).insert(rows));
      }
      view.runAfter(() => attachPictures(view.scenegraph().root), true);
      runs.push(view.runAsync());
    }
    const empty = !this.curves.length;
    if (empty !== this.empty) {               // the page's DOM changes only where the frame changed something
      this.empty = empty;
      this.boxes.curves.style.display = empty ? "none" : "";
      this.emptyEl.innerHTML = empty ? (this.labels.empty || "") : "";     // the app's own words (ui/player.py)
    }
    if (!empty && (all || !this.curvesAdded || this.curvesAdded.length)) {
      const change = all || !this.curvesAdded ? vega.changeset().remove(vega.truthy).insert(this.curves.map(plain))
        : vega.changeset().insert(this.curvesAdded.map(plain));
      this.views.curves.change("curves", change);
      this.views.curves.resize();          // re-laid out: its axes' labels change width as the values grow
      runs.push(this.views.curves.runAsync());
    }
    this.setScores(frame.scores || "");
    const status = frame.status ? frame.status.kind + "|" + frame.status.text : "";
    if (status !== this.status) {
      this.status = status;
      this.statusEl.className = "nnp-status" + (frame.status ? " nnp-" + frame.status.kind : "");
      this.statusEl.innerHTML = frame.status ? frame.status.text : "";    // the app's own words, escaped there
    }
    this.root.dataset.epoch = String(frame.epoch);
    await Promise.all(runs);
  }

  // The scores line (numbers and the app's own labels: ui/watch.scores_html): its values' text only, when the
  // labels are the same as drawn.
  setScores(markup) {
    const values = this.scoresEl.querySelectorAll(".nn-score");
    const shape = markup.replace(/<span class="nn-score"([^>]*)>[^<]*<\/span>/g, "");
    if (shape !== this.scoresShape || !values.length) {
      this.scoresShape = shape;
      this.scoresEl.innerHTML = markup;
      return;
    }
    const texts = [...markup.matchAll(/<span class="nn-score"[^>]*>([^<]*)<\/span>/g)].map((m) => m[1]);
    values.forEach((span, i) => {
      const text = decode(texts[i]);
      if (span.textContent !== text) span.textContent = text;
    });
  }

  close() {
    this.stop();
    if (this.onClick) document.removeEventListener("click", this.onClick, true);
    this.resize.disconnect();
    if (this.backdrop) this.backdrop.close();
    for (const view of Object.values(this.views)) view.finalize();
  }
}

export default function (component) {
  const {data, parentElement, setTriggerValue} = component;
  const root = parentElement.querySelector(".nnp-root");
  if (!root || !data) return undefined;
  if (!root.__player) root.__player = new Player(root);
  root.__player.receive(data, setTriggerValue);
  // Streamlit calls the last cleanup when the component leaves the page (and may call an older one early):
  // close only a player whose element is gone.
  return () => setTimeout(() => {
    if (root.__player && !root.isConnected) { root.__player.close(); root.__player = null; }
  }, 0);
}
