// Deep links and share links in the viewer's address (the URL fragment, which browsers never
// send to a server, so neither lands in an access log):
//
//   #session=ID&t=SECONDS   a collector session at a moment, for whoever holds the read key
//   #share=TOKEN&t=SECONDS  a share link (`POST /v1/sessions/{id}/share`): that one session,
//                           no read key needed, until the token expires
//
// The token stays in the address, so reloading a share link keeps working; the viewer sends it
// nowhere but the `Authorization` header of its reads. While a session plays, the fragment
// follows the player (`history.replaceState`, throttled: no history entry per second).

/** Least time between two rewrites of the address while playing, ms: once a second. */
export const LINK_SYNC_MS = 1000;

/**
 * What an address fragment asks for: `{share, session, t}`. `share`: the token or null;
 * `session`: the session id (a share token's own, read from its payload: the collector checks
 * the signature, the viewer only needs to know which session to ask for); `t`: seconds, ≥ 0.
 */
export function readLink(hash = location.hash) {
  const params = new URLSearchParams(String(hash).replace(/^#/, ''));
  const share = params.get('share') || null;
  const t = Number(params.get('t'));
  return {
    share,
    session: share ? sessionOfToken(share) : params.get('session') || null,
    t: Number.isFinite(t) && t > 0 ? t : 0,
  };
}

/** The session id a share token names (`{payload}.{mac}`, the payload base64url JSON), or null. */
export function sessionOfToken(token) {
  try {
    const b64 = token.split('.')[0].replace(/-/g, '+').replace(/_/g, '/');
    const payload = JSON.parse(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)));
    return typeof payload.sid === 'string' && payload.sid ? payload.sid : null;
  } catch {
    return null;
  }
}

/**
 * The address for `{share, session, t}` (seconds), keeping any other fragment parameter;
 * `null` session: the link parameters are removed.
 */
export function linkHref({ share = null, session = null, t = 0 }, base = location.href) {
  const url = new URL(base);
  const params = new URLSearchParams(url.hash.slice(1));
  for (const name of ['share', 'session', 't']) params.delete(name);
  if (share) params.set('share', share);
  else if (session) params.set('session', session);
  if (share || session) params.set('t', String(Math.max(0, Math.floor(t))));
  const hash = params.toString();
  url.hash = hash ? `#${hash}` : '';
  return url.href;
}

/** Rewrites the address to `link` without a history entry (a no-op when it is already that). */
export function writeLink(link) {
  const href = linkHref(link);
  if (href !== location.href) history.replaceState(history.state, '', href);
}

/**
 * Keeps the address at `player`'s moment while it plays: `link` is `{share, session}`, `t`
 * comes from the player. At most one rewrite per LINK_SYNC_MS (the last moment always lands);
 * at once on pause. Returns `stop()`.
 */
export function followPlayer(player, link) {
  let last = 0;
  let timer = null;
  const write = () => {
    clearTimeout(timer);
    timer = null;
    last = Date.now();
    writeLink({ ...link, t: player.currentTime() / 1000 });
  };
  const schedule = () => {
    const wait = last + LINK_SYNC_MS - Date.now();
    if (wait <= 0) write();
    else timer ??= setTimeout(write, wait);
  };
  const offs = [player.on('timeupdate', schedule), player.on('pause', write)];
  return () => {
    clearTimeout(timer);
    for (const off of offs) off();
  };
}

/**
 * A link to `session` at `t` seconds that someone without the read key can open: with a share
 * token already (a shared session), the same token at the new moment; with the read key, a new
 * token from the collector (its default lifetime). `here`: the link opens this page (which
 * reads its fragment), else the collector's own viewer. Rejects with the collector's reason.
 */
export async function shareLink(collector, { session, t, here = true }) {
  if (collector.shareToken && here) return linkHref({ share: collector.shareToken, t });
  const res = await fetch(`${collector.baseUrl}/v1/sessions/${encodeURIComponent(session)}/share`, {
    method: 'POST',
    headers: { authorization: `Bearer ${collector.readKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ t: Math.floor(t) }),
    cache: 'no-store',
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error ?? `the collector answered ${res.status}`);
  // The collector names its own viewer; a page that reads its fragment opens the link itself.
  return here ? linkHref({ share: body.token, t }, location.href) : body.url;
}

/** Puts `text` on the clipboard; false where the browser refuses (the caller shows it instead). */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
