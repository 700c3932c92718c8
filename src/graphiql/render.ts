import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { GraphiQLOptions } from 'graphql-yoga';

/**
 * Runs in the page before GraphiQL loads, so GraphiQL's own requests go through it: it keeps
 * the token of the last `login` / `register` answered (sessionStorage: this tab only) and sends
 * it as `Authorization: Bearer <token>` with each request to the endpoint that carries none of
 * its own (an Authorization typed in the headers editor wins); `logout`, or a 401 for the token,
 * forgets it. A line at the bottom right says which account is signed in. GraphiQL has no API to
 * write into its headers editor from outside, hence a fetch wrapper (the page's only script of
 * ours; GraphiQL itself is Yoga's).
 */
const TOKEN_CAPTURE = `(() => {
  const KEY = 'docgate:graphiql:session';
  const endpoint = new URL(ENDPOINT, location.href).pathname;
  const send = window.fetch.bind(window);
  const read = () => { try { return JSON.parse(sessionStorage.getItem(KEY) || 'null'); } catch { return null; } };
  const show = () => {
    const session = read();
    let line = document.getElementById('docgate-session');
    if (!line) {
      line = document.createElement('div');
      line.id = 'docgate-session';
      line.style.cssText = 'position:fixed;right:12px;bottom:8px;z-index:10;font:12px sans-serif;opacity:.8;pointer-events:none';
      document.body.appendChild(line);
    }
    line.textContent = session
      ? 'Signed in as ' + session.email + ': its token is sent with each request'
      : 'Anonymous: run the Login tab to sign in';
  };
  const remember = (session) => {
    if (session) sessionStorage.setItem(KEY, JSON.stringify(session)); else sessionStorage.removeItem(KEY);
    show();
  };
  window.fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    if (url.pathname !== endpoint) return send(input, init);
    const session = read();
    const headers = new Headers(init && init.headers ? init.headers : input instanceof Request ? input.headers : undefined);
    const added = session !== null && !headers.has('authorization');
    if (added) headers.set('authorization', 'Bearer ' + session.token);
    const response = await send(input, Object.assign({}, init, { headers }));
    if (added && response.status === 401) remember(null);
    if ((response.headers.get('content-type') || '').includes('json')) {
      response.clone().json().then((body) => {
        const data = body && body.data;
        if (!data) return;
        const signedIn = data.login || data.register;
        if (signedIn && typeof signedIn.token === 'string')
          remember({ token: signedIn.token, email: (signedIn.user && signedIn.user.email) || 'an account' });
        else if (data.logout === true) remember(null);
      }, () => {});
    }
    return response;
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', show); else show();
})();`;

/** Yoga's GraphiQL (assets inlined), with the token capture run before it. */
export function renderDocgateGraphiQL(options: GraphiQLOptions): string {
  const endpoint = JSON.stringify(options.endpoint ?? '/graphql');
  const script = `<script>${TOKEN_CAPTURE.replace('ENDPOINT', endpoint)}</script>`;
  return renderGraphiQL(options).replace('<head>', `<head>${script}`);
}
