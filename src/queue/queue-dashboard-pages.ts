import { QUEUE_DASHBOARD_PATH } from './queue-dashboard-auth.service';

export const SIGN_IN_PATH = `${QUEUE_DASHBOARD_PATH}/auth/sign-in`;
export const SIGN_OUT_PATH = `${QUEUE_DASHBOARD_PATH}/auth/sign-out`;

// Inline styles only, no script: the API's CSP allows both, the pages need neither more.
const STYLE = `body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0}
main{max-width:22rem;margin:10vh auto;background:#fff;padding:2rem;border-radius:8px;
box-shadow:0 1px 4px rgba(0,0,0,.15)}h1{font-size:1.3rem;margin-top:0}
label{display:block;margin:.8rem 0 .3rem}input{width:100%;box-sizing:border-box;padding:.5rem}
button{margin-top:1.2rem;padding:.5rem 1.2rem}p.error{color:#a40000}`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

/** The operators' sign-in form; `error` is one of the fixed messages of the sign-in route. */
export function signInPage(error?: string): string {
  const message = error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : '';
  return page(
    'Queue dashboard: sign in',
    `<h1>Queue dashboard</h1><p>For the deployment's operators.</p>${message}
<form method="post" action="${SIGN_IN_PATH}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required maxlength="254">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="256">
<button type="submit">Sign in</button>
</form>`,
  );
}

/** Signing out changes state, so it is a POST; this page (linked from the board) holds its form. */
export function signOutPage(): string {
  return page(
    'Queue dashboard: sign out',
    `<h1>Queue dashboard</h1>
<form method="post" action="${SIGN_OUT_PATH}"><button type="submit">Sign out</button></form>
<p><a href="${QUEUE_DASHBOARD_PATH}">Back to the queues</a></p>`,
  );
}
