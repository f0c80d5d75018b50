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
    run();
  };
  start();
  return () => {
    stopped = true;
    if (observer) observer.disconnect();
  };
}

export default { render };
