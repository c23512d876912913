// The operator page: polls the API's own read routes and draws what they answer. No library, no
// build step; everything it shows is set as text (never as markup), so no order's content can run.
'use strict';

(() => {
  const TERMINAL = ['COMPLETED', 'REJECTED_FRAUD', 'REJECTED_OUT_OF_STOCK', 'PAYMENT_DECLINED', 'EXPIRED'];
  const LABELS = {
    COMPLETED: 'completed', REJECTED_FRAUD: 'fraud', REJECTED_OUT_OF_STOCK: 'out of stock',
    PAYMENT_DECLINED: 'declined', EXPIRED: 'expired',
  };
  const RATES = [
    ['fraud_rate', 'fraud', c => [c.fraud, c.decided]],
    ['payment_approval_rate', 'payment approval', c => [c.completed, c.completed + c.declined]],
    ['out_of_stock_rate', 'out of stock', c => [c.outOfStock, c.decided]],
    ['email_bounce_rate', 'email bounces', c => [c.emailsBounced, c.emailsSent + c.emailsBounced]],
  ];
  const SECONDS = 60;
  const TOKEN_KEY = 'purchase-pipeline.admin-token';
  const SVG = 'http://www.w3.org/2000/svg';
  const $ = id => document.getElementById(id);

  // an order's trail can be linked to: /#order=<id>
  let openOrder = new URLSearchParams(location.hash.slice(1)).get('order');
  let lastAnswer = 0;
  const failures = new Map();

  class Refused extends Error {}

  async function getJson(path) {
    const headers = { Accept: 'application/json' };
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) {
      headers.Authorization = 'Bearer ' + token;
    }
    const response = await fetch(path, { headers, cache: 'no-store' });
    if (response.status === 401 || response.status === 403) {
      throw new Refused(path);
    }
    if (!response.ok) {
      const failed = new Error(path + ' answered ' + response.status);
      failed.status = response.status;
      throw failed;
    }
    return response.json();
  }

  // ---- each panel polls on its own; the next poll is due only once the last one is answered

  function poll(name, every, work) {
    const run = async () => {
      try {
        await work();
        failures.delete(name);
        lastAnswer = Date.now();
      } catch (e) {
        failures.set(name, e);
        if (e instanceof Refused) {
          askForToken();
        }
      } finally {
        showStatus();
        setTimeout(run, document.hidden ? every * 5 : every);
      }
    };
    run();
  }

  function showStatus() {
    const status = $('status');
    if (failures.size === 0) {
      status.dataset.state = 'live';
      status.textContent = 'live · ' + clock(lastAnswer);
    } else {
      status.dataset.state = 'stale';
      status.textContent = 'stale: ' + [...failures.values()].map(e => e.message).join('; ');
    }
  }

  // ---- the admin token, asked once and kept for this tab's session

  function askForToken() {
    const form = $('token-form');
    if (!form.hidden) {
      return;
    }
    $('token-error').textContent = sessionStorage.getItem(TOKEN_KEY) ? 'that token was refused' : '';
    form.hidden = false;
    $('token-input').focus();
  }

  $('token-form').addEventListener('submit', event => {
    event.preventDefault();
    const token = $('token-input').value.trim();
    if (token) {
      sessionStorage.setItem(TOKEN_KEY, token);
      $('token-input').value = '';
      $('token-form').hidden = true;
    }
  });

  // ---- orders ended per second, and the latest orders

  async function orders() {
    const view = await getJson('/orders?limit=20&seconds=' + SECONDS);
    drawChart(view.endedPerSecond);
    listOrders(view.orders);
    await refreshTrail();
  }

  function drawChart(ended) {
    const chart = $('chart');
    // drawn at the size it is shown, so that lines and labels keep their proportions
    const width = chart.clientWidth || 640, height = chart.clientHeight || 200;
    const left = 34, right = 8, top = 8, bottom = 20;
    chart.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    const series = TERMINAL.map(status => [status, ended.counts[status] || new Array(ended.seconds).fill(0)]);
    const highest = Math.max(1, ...series.flatMap(([, counts]) => counts));
    const max = niceCeiling(highest);
    const x = i => left + (i * (width - left - right)) / Math.max(1, ended.seconds - 1);
    const y = v => top + (1 - v / max) * (height - top - bottom);
    chart.replaceChildren();
    for (const value of [0, max / 2, max]) {
      chart.append(svg('line', { class: 'grid', x1: left, x2: width - right, y1: y(value), y2: y(value) }));
      chart.append(svg('text', { class: 'axis', x: left - 4, y: y(value) + 4, 'text-anchor': 'end' }, format(value)));
    }
    chart.append(svg('text', { class: 'axis', x: left, y: height - 4 }, '-' + ended.seconds + ' s'));
    chart.append(svg('text', { class: 'axis', x: width - right, y: height - 4, 'text-anchor': 'end' }, 'now'));
    for (const [status, counts] of series) {
      const points = counts.map((v, i) => x(i).toFixed(1) + ',' + y(v).toFixed(1)).join(' ');
      chart.append(svg('polyline', { class: 's-' + status, points }));
    }
    const legend = $('legend');
    legend.replaceChildren(...series.map(([status, counts]) => {
      const swatch = element('span', 'swatch s-' + status);
      const name = element('th');
      name.append(swatch, LABELS[status]);
      const total = element('td', null, String(sum(counts)));
      total.id = 'ended-' + status;
      return row(name, total);
    }));
    $('ended-total').textContent = String(series.reduce((all, [, counts]) => all + sum(counts), 0));
  }

  function listOrders(latest) {
    $('orders').replaceChildren(...latest.map(order => {
      const item = element('li', order.orderId === openOrder ? 'open' : null);
      item.dataset.orderId = order.orderId;
      item.dataset.status = order.status;
      item.append(element('code', null, order.orderId), badge(order.status), element('span', 'muted', clock(order.updatedAt)));
      item.addEventListener('click', () => {
        openOrder = order.orderId;
        history.replaceState(null, '', '#order=' + encodeURIComponent(order.orderId));
        refreshTrail().then(showStatus);
      });
      return item;
    }));
    if (latest.length === 0) {
      $('orders').append(element('li', 'muted', 'no order seen yet'));
    }
  }

  // the open order's trail, again at every poll while it is open; an order that is not there closes it
  async function refreshTrail() {
    if (!openOrder) {
      return;
    }
    try {
      await showTrail(openOrder);
      failures.delete('trail');
    } catch (e) {
      if (e.status === 404) {
        openOrder = null;
        $('trail').hidden = true;
        failures.delete('trail');
      } else {
        failures.set('trail', e);
      }
    }
  }

  async function showTrail(orderId) {
    const events = await getJson('/orders/' + encodeURIComponent(orderId) + '/events');
    $('trail-order').textContent = orderId;
    $('trail-events').replaceChildren(...events.map(event => row(
      element('td', 'num', String(event.seq)), cell(badge(event.status)), element('td', null, clock(event.at)),
      element('td', null, event.detail || ''))));
    $('trail').hidden = false;
    document.querySelectorAll('#orders li').forEach(item => item.classList.toggle('open', item.dataset.orderId === orderId));
  }

  // ---- rates against their baselines, and the alerts

  async function analytics() {
    const snapshot = await getJson('/analytics');
    const current = snapshot.current;
    const alerting = new Set(snapshot.activeAlerts.map(alert => alert.metric));
    $('rates').replaceChildren(...RATES.map(([metric, label, measure]) => {
      const [part, whole] = current ? measure(current) : [0, 0];
      const baseline = snapshot.baselines[metric];
      const last = snapshot.lastRates[metric];
      const line = row(element('th', null, label), element('td', 'num', whole > 0 ? percent(part / whole) : '–'),
        element('td', alerting.has(metric) ? 'num deviation-high' : 'num', last === undefined ? '–' : percent(last)),
        element('td', 'num', baseline === undefined ? '–'
          : percent(baseline) + ' over ' + windows(snapshot.baselineWindows[metric] || 0)));
      line.dataset.metric = metric;
      return line;
    }));
    $('window-label').textContent = current ? 'window from ' + clock(current.windowStart) : 'no order in this window yet';
    $('window-orders').textContent = String(current ? current.orders : 0);
    $('window-decided').textContent = String(current ? current.decided : 0);
    $('window-emails').textContent = String(current ? current.emailsSent + current.emailsBounced : 0);
    $('window-ebooks').textContent = String(current ? current.ebooks : 0);
    const alerts = snapshot.activeAlerts.map(alert => element('li', 'alert', alert.metric + ' ' + percent(alert.rate)
      + ' against a baseline of ' + percent(alert.baseline) + ' (band ' + percent(alert.lower) + '–' + percent(alert.upper)
      + ') over ' + alert.volume + ', window ' + clock(alert.windowStart) + '–' + clock(alert.windowEnd)));
    $('alerts').replaceChildren(...(alerts.length ? alerts : [element('li', 'muted', 'none')]));
  }

  // ---- stock per SKU and the seat map

  async function stock() {
    const page = await getJson('/products?kind=PHYSICAL,DIGITAL&limit=50');
    $('products').replaceChildren(...page.products.map(product => {
      const line = row(element('td', null, product.sku), element('td', null, product.name), element('td', null, product.kind),
        element('td', 'num available', product.available == null ? '∞' : count(product.available)),
        element('td', 'num held', count(product.held)), element('td', 'num sold', count(product.sold)),
        cell(stockBar(product)));
      line.dataset.sku = product.sku;
      return line;
    }));
    $('stock-note').textContent = note(page, 'products');
  }

  function stockBar(product) {
    const bar = element('div', 'bar');
    if (product.stocked) {
      const sold = element('i', 'sold');
      sold.style.width = (100 * product.sold / product.stocked) + '%';
      const held = element('i', 'held');
      held.style.left = sold.style.width;
      held.style.width = (100 * product.held / product.stocked) + '%';
      bar.append(sold, held);
    }
    bar.title = product.stocked ? product.sold + ' sold, ' + product.held + ' held of ' + product.stocked : 'unlimited';
    return bar;
  }

  // one row per venue: a seat's SKU is its venue, a dash and its place (concert-A1, load-x-seat-7)
  async function seats() {
    const page = await getJson('/products?kind=SEAT&limit=200');
    const venues = new Map();
    for (const seat of page.products) {
      const dash = seat.sku.lastIndexOf('-');
      const venue = dash > 0 ? seat.sku.slice(0, dash) : '';
      if (!venues.has(venue)) {
        venues.set(venue, []);
      }
      venues.get(venue).push([dash > 0 ? seat.sku.slice(dash + 1) : seat.sku, seat]);
    }
    for (const places of venues.values()) {
      places.sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }));
    }
    $('seats').replaceChildren(...[...venues].map(([venue, tiles]) => {
      const line = element('div', 'venue');
      const places = element('div', 'places');
      places.append(...tiles.map(([place, seat]) => seatTile(seat, place)));
      line.append(element('span', 'venue-name', venue), places);
      return line;
    }));
    if (page.products.length === 0) {
      $('seats').append(element('span', 'muted', 'no seats in the catalog'));
    }
    $('seats-note').textContent = note(page, 'seats');
  }

  function seatTile(seat, place) {
    const state = seat.sold > 0 ? 'sold' : seat.held > 0 ? 'held' : 'available';
    const tile = element('div', 'seat ' + state, place);
    tile.dataset.sku = seat.sku;
    tile.dataset.state = state;
    tile.title = seat.sku + ' · ' + seat.name + ' · ' + state;
    return tile;
  }

  function note(page, what) {
    const parts = [];
    if (page.next) {
      parts.push('the first ' + page.products.length + ' ' + what);
    }
    if (page.unavailable.length) {
      parts.push(page.unavailable.length + ' not answering now');
    }
    return parts.join(' · ');
  }

  // ---- small helpers

  function element(tag, className, text) {
    const made = document.createElement(tag);
    if (className) {
      made.className = className;
    }
    if (text !== undefined) {
      made.textContent = text;
    }
    return made;
  }

  function svg(tag, attributes, text) {
    const made = document.createElementNS(SVG, tag);
    Object.entries(attributes).forEach(([name, value]) => made.setAttribute(name, String(value)));
    if (text !== undefined) {
      made.textContent = text;
    }
    return made;
  }

  function row(...cells) {
    const line = element('tr');
    line.append(...cells);
    return line;
  }

  function cell(content) {
    const made = element('td');
    made.append(content);
    return made;
  }

  function badge(status) {
    return element('span', 'badge s-' + status, status);
  }

  function sum(values) {
    return values.reduce((all, v) => all + v, 0);
  }

  function niceCeiling(value) {
    const magnitude = Math.pow(10, Math.floor(Math.log10(value)));
    return [1, 2, 5, 10].map(step => step * magnitude).find(nice => nice >= value);
  }

  function format(value) {
    return Number.isInteger(value) ? String(value) : value.toFixed(1);
  }

  const grouped = new Intl.NumberFormat('en-US');

  // grouped by thousands with thin spaces, which a reader (or a test) can still parse as one number
  function count(value) {
    return grouped.format(value).replace(/,/g, '\u2009');
  }

  function windows(n) {
    return n === 1 ? '1 window' : n + ' windows';
  }

  function percent(rate) {
    return (100 * rate).toFixed(1) + '%';
  }

  function clock(ms) {
    const at = new Date(ms);
    return [at.getHours(), at.getMinutes(), at.getSeconds()].map(n => String(n).padStart(2, '0')).join(':');
  }

  poll('orders', 1000, orders);
  poll('analytics', 2000, analytics);
  poll('stock', 2000, stock);
  poll('seats', 3000, seats);
})();
