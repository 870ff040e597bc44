// The demo shop itself: products, search, cart, coupon and checkout. Ordinary page code that
// knows nothing of rewind except two custom events (`add_to_cart`, `order_placed`), which show
// in the analysis as custom actions. Recording is set up by demo.js.
import { rewind } from './demo.js';

const PRODUCTS = [
  { sku: 'NW-101', name: 'Linen Overshirt', kind: 'Apparel', price: 68, hue: 28 },
  { sku: 'NW-102', name: 'Ceramic Pour-Over', kind: 'Kitchen', price: 34, hue: 190 },
  { sku: 'NW-103', name: 'Merino Beanie', kind: 'Apparel', price: 29, hue: 350 },
  { sku: 'NW-104', name: 'Walnut Desk Tray', kind: 'Desk', price: 45, hue: 35 },
  { sku: 'NW-105', name: 'Canvas Tote', kind: 'Bags', price: 22, hue: 140 },
  { sku: 'NW-106', name: 'Brass Desk Lamp', kind: 'Desk', price: 89, hue: 48 },
];

const $ = (id) => document.getElementById(id);
const money = (n) => `€${n.toFixed(2)}`;
/** sku → quantity, in insertion order. */
const cart = new Map();

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function productCard(p) {
  const qtyId = `qty-${p.sku}`;
  const image = el('div', { className: 'product__image' }, el('span', { textContent: p.name[0] }));
  image.style.setProperty('--hue', p.hue);
  image.setAttribute('aria-hidden', 'true');
  const qty = el('input', { id: qtyId, type: 'number', min: 1, max: 9, value: 1, className: 'rewind-safe' });
  const add = el('button', { type: 'button', className: 'button button--primary', textContent: 'Add to cart' });
  add.dataset.sku = p.sku;
  add.setAttribute('aria-label', `Add ${p.name} to cart`);
  add.addEventListener('click', () => addToCart(p, Number(qty.value) || 1));
  const card = el('li', { className: 'product' },
    image,
    el('div', { className: 'product__body' },
      el('p', { className: 'product__kind', textContent: p.kind }),
      el('h3', { textContent: p.name }),
      el('p', { className: 'product__price', textContent: money(p.price) }),
      el('div', { className: 'product__buy' },
        el('label', { htmlFor: qtyId, className: 'product__qty' }, 'Qty', qty),
        add)));
  card.dataset.search = `${p.name} ${p.kind}`.toLowerCase();
  return card;
}

function addToCart(p, qty) {
  cart.set(p.sku, Math.min(99, (cart.get(p.sku) ?? 0) + qty));
  rewind?.addCustomEvent('add_to_cart', { sku: p.sku, qty });
  renderCart();
}

function renderCart() {
  const lines = [...cart].map(([sku, qty]) => {
    const p = PRODUCTS.find((x) => x.sku === sku);
    const remove = el('button', { type: 'button', className: 'cart__remove', textContent: 'Remove' });
    remove.setAttribute('aria-label', `Remove ${p.name}`);
    remove.addEventListener('click', () => {
      cart.delete(sku);
      renderCart();
    });
    return el('li', { className: 'cart__line' },
      el('span', { className: 'cart__name', textContent: `${qty} × ${p.name}` }),
      el('span', { className: 'cart__price', textContent: money(qty * p.price) }),
      remove);
  });
  $('cart-lines').replaceChildren(...lines);
  $('cart-empty').hidden = cart.size > 0;
  const total = [...cart].reduce((sum, [sku, qty]) => sum + qty * PRODUCTS.find((x) => x.sku === sku).price, 0);
  $('cart-total').textContent = money(total);
  $('cart-count').textContent = String([...cart.values()].reduce((a, b) => a + b, 0));
}

function search() {
  const q = $('search').value.trim().toLowerCase();
  let shown = 0;
  for (const card of $('products').children) {
    card.hidden = q !== '' && !card.dataset.search.includes(q);
    if (!card.hidden) shown++;
  }
  $('no-results').hidden = shown > 0;
}

/**
 * A deliberately broken coupon service: the uncaught TypeError is what console capture records.
 * The failing property name is fixed, so the typed code never ends up in the error message.
 */
const couponService = { codes: { WELCOME5: { discount: 5 } } };
function applyCoupon(event) {
  event.preventDefault();
  const code = $('coupon').value.trim().toUpperCase();
  // Bug (on purpose): codes are looked up in a table that does not exist.
  const rule = couponService.rules.lookup(code);
  $('checkout-message').textContent = `Coupon applied: ${rule.discount}% off`;
}

function checkout(event) {
  event.preventDefault();
  const message = $('checkout-message');
  const email = $('email').value.trim();
  const card = $('card').value.replace(/\s+/g, '');
  if (cart.size === 0) return void (message.textContent = 'Add something to your cart first.');
  if (!/^\S+@\S+\.\S+$/.test(email)) return void (message.textContent = 'Please enter a valid email address.');
  if (!/^\d{12,19}$/.test(card)) return void (message.textContent = 'Please enter a card number.');
  const order = 1000 + Math.floor(Math.random() * 9000);
  // The confirmation echoes the email: `rr-mask` keeps it masked in the recording even though
  // the shop's text is otherwise recorded as is.
  message.replaceChildren(`Order #${order} placed. Receipt sent to `, el('span', { className: 'rr-mask', textContent: email }), '.');
  rewind?.addCustomEvent('order_placed', { order, items: cart.size });
  cart.clear();
  renderCart();
  $('checkout').reset();
}

$('products').replaceChildren(...PRODUCTS.map(productCard));
$('search').addEventListener('input', search);
$('coupon-form').addEventListener('submit', applyCoupon);
$('checkout').addEventListener('submit', checkout);
renderCart();
