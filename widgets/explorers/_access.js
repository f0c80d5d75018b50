// The explorer's accessibility in the browser: what ipywidgets and ipympl leave out.
//
// One instance sits inside every explorer (widgets/explorers/_access.py). It watches the
// explorer's part of the page and keeps it usable without a mouse and with a screen reader:
//
// - the figure is not a Tab stop (ipympl makes it one and then swallows every key, Tab and
//   Escape included: a keyboard trap); it is an image named by the status line;
// - every slider handle is named by its visible label and announces the value the readout
//   shows (a log slider's handle would announce the exponent); the readout beside it is not a
//   second Tab stop;
// - icon-only buttons (Play, Stop, Repeat) get names; the status line is a polite live region;
// - the explorer is a named region (a landmark).
//
// It changes attributes only, never the widgets' values, and only when they differ from what
// they should be (so that its own changes do not wake it again).

const ICON_NAMES = { play: 'Play', pause: 'Pause', stop: 'Stop', retweet: 'Repeat' };

function set(el, name, value) {
  if (el && el.getAttribute(name) !== value) el.setAttribute(name, value);
}

// The readout rounds: a handle that already says the readout's number (to 1 %) keeps its text.
function sameNumber(shown, said) {
  const a = Number(shown.replace(/\u2212/g, '-')), b = Number(said);
  return Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= 0.01 * Math.abs(a) + 1e-12;
}

function iconName(button) {
  const icon = button.querySelector('i');
  if (!icon) return null;
  for (const cls of icon.classList) {
    const key = cls.replace(/^fa-/, '');
    if (cls.startsWith('fa-') && key in ICON_NAMES) return ICON_NAMES[key];
  }
  return null;
}

function mend(root, model) {
  const title = model.get('title');
  const same = [...document.querySelectorAll('.descent-explorer')].filter(
    (other) => other.dataset.descentTitle === title);
  root.dataset.descentTitle = title;
  const k = same.indexOf(root);
  set(root, 'role', 'region');
  set(root, 'aria-label', same.length > 1 && k >= 0 ? `${title} ${k + 1}` : title);
  const status = root.querySelector('.descent-status');
  if (status) {
    set(status, 'role', 'status');
    set(status, 'aria-live', 'polite');
  }
  const said = status ? status.textContent.trim() : '';
  for (const figure of root.querySelectorAll('.jupyter-matplotlib-canvas-div')) {
    set(figure, 'tabindex', '-1');
    set(figure, 'role', 'img');
    set(figure, 'aria-label', `Figure: ${said || model.get('title')}`);
  }
  for (const slider of root.querySelectorAll('.widget-slider')) {
    const label = slider.querySelector('.widget-label');
    const handle = slider.querySelector('.noUi-handle');
    const readout = slider.querySelector('.widget-readout');
    const name = label ? label.textContent.trim() : '';
    if (handle && name) set(handle, 'aria-label', name);
    if (readout) {
      set(readout, 'tabindex', '-1');
      if (name) set(readout, 'aria-label', `${name}, value`);
      const shown = readout.textContent.trim();
      if (handle && shown && !sameNumber(shown, handle.getAttribute('aria-valuetext'))) {
        set(handle, 'aria-valuetext', shown);
      }
    }
  }
  for (const box of root.querySelectorAll('.widget-dropdown, .widget-text, .widget-inline-hbox')) {
    const label = box.querySelector(':scope > .widget-label');
    const field = box.querySelector(':scope > select, :scope > input');
    const name = label ? label.textContent.trim() : '';
    if (field && name && !field.labels?.length) set(field, 'aria-label', name);
  }
  for (const button of root.querySelectorAll('button')) {
    if (button.textContent.trim()) continue;
    const name = iconName(button) || button.getAttribute('title');
    if (name) set(button, 'aria-label', name);
  }
}

// ipympl's figure takes every key pressed while it has focus (and prevents the default), so
// that a click on it would still trap the keyboard: Tab and Escape pass by it here, before it
// sees them, and Escape also takes the focus away from it.
function release(root) {
  root.addEventListener(
    'keydown',
    (event) => {
      const figure = event.target.closest && event.target.closest('.jupyter-matplotlib-canvas-div');
      if (!figure || (event.key !== 'Tab' && event.key !== 'Escape')) return;
      event.stopPropagation();
      if (event.key === 'Escape') figure.blur();
    },
    true,
  );
}

// The figure is drawn to the explorer's width (never wider than its own): the kernel redraws it
// at that size (fit_figure in _access.py) when the width settles, a fifth of a second after the
// last change (a window being dragged wider, a sidebar opening).
function fit(root, model) {
  if (!('ResizeObserver' in window)) return;
  let timer = null;
  const measure = () => {
    const style = getComputedStyle(root);
    const inner = root.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const width = Math.floor(Math.min(model.get('natural') || inner, inner));
    if (width > 0 && Math.abs(width - model.get('width')) >= 4) {
      model.set('width', width);
      model.save_changes();
    }
  };
  new ResizeObserver(() => {
    clearTimeout(timer);
    timer = setTimeout(measure, 200);
  }).observe(root);
}

// The figure's frames, painted in order and in parts. ipympl shows a frame by pointing one image
// element at it, so a frame that arrives while the one before is still loading replaces it
// unseen; the kernel therefore sends whole frames to it. Here every frame (whole, or the
// rectangles that changed, `descent_region`) is decoded and painted in the order it came, so
// the kernel can send only what changed (widgets/explorers/_canvas.py, _regions.py) and says it
// will once the page asks (`descent_frames`). Whenever a part cannot be painted (the figure was
// resized meanwhile, a picture did not decode), the page asks again, and a whole frame follows.
async function paintInParts(model, root) {
  const ref = model.get('canvas');
  if (!ref || !model.widget_manager) return;
  const mpl = await model.widget_manager.get_model(ref.replace(/^IPY_MODEL_/, ''));
  if (!mpl || !mpl.offscreen_context) return;
  if (!mpl.descentFrames) {
    let queue = Promise.resolve();
    const ask = () => mpl.send_message('descent_frames', {});
    const paint = (buffers, draw, part = false) => {
      const images = buffers.map((b) => new Blob([ArrayBuffer.isView(b) ? b : new Uint8Array(b)], { type: 'image/png' }));
      queue = queue
        .then(() => Promise.all(images.map((blob) => createImageBitmap(blob))))
        .then((bitmaps) => {
          const done = draw(mpl.offscreen_canvas, mpl.offscreen_context, bitmaps);
          bitmaps.forEach((b) => b.close());
          if (!done) return ask();
          mpl.descentFrames += 1;
          mpl.descentParts += part ? 1 : 0;
          mpl._for_each_view((view) => {
            view.update_canvas();
            view.el.dataset.descentFrames = String(mpl.descentFrames);
            view.el.dataset.descentParts = String(mpl.descentParts);
          });
        })
        .catch(ask);
    };
    mpl.descentFrames = 1; // (counted for the browser tests)
    mpl.descentParts = 0;
    mpl.image.onload = null; // a frame still loading is not painted over a later one
    mpl.handle_binary = (msg, buffers) => {
      mpl.waiting_for_image = false;
      paint(buffers.slice(0, 1), (canvas, context, [whole]) => {
        context.clearRect(0, 0, canvas.width, canvas.height);
        context.drawImage(whole, 0, 0);
        return true;
      });
    };
    mpl.handle_descent_region = (msg, buffers) => {
      paint(buffers, (canvas, context, parts) => {
        // (a part that does not fit: the figure was resized meanwhile; a whole frame follows)
        if (!msg.rects.every(([x, y, w, h]) => x + w <= canvas.width && y + h <= canvas.height))
          return false;
        msg.rects.forEach(([x, y, w, h], k) => {
          context.clearRect(x, y, w, h);
          context.drawImage(parts[k], x, y);
        });
        return true;
      }, true);
    };
    ask();
  }
  const figure = root.querySelector('.jupyter-matplotlib-canvas-div');
  // (the browser tests ask for a whole frame to compare the parts with)
  if (figure) figure.descentWholeFrame = () => mpl.send_message('descent_frames', {});
}

function render({ model, el }) {
  el.classList.add('descent-access');
  let stopped = false;
  let observer = null;
  let tries = 0;
  const start = () => {
    if (stopped) return;
    const root = el.closest('.descent-explorer');
    if (!root) {
      if (++tries < 600) requestAnimationFrame(start); // up to ten seconds while the page builds
      return;
    }
    let queued = false;
    const run = () => {
      queued = false;
      mend(root, model);
    };
    observer = new MutationObserver(() => {
      if (!queued) {
        queued = true;
        requestAnimationFrame(run);
      }
    });
    observer.observe(root, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
      attributeFilter: ['aria-valuetext', 'aria-label', 'class', 'tabindex'],
    });
    release(root);
    fit(root, model);
    paintInParts(model, root).catch((error) => console.warn('descent: whole frames only', error));
    run();
  };
  start();
  return () => {
    stopped = true;
    if (observer) observer.disconnect();
  };
}

export default { render };
