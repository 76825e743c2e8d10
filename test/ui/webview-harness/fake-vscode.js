// A stand-in for the VS Code webview host, for tests of the chat UI in a
// plain page: acquireVsCodeApi() records every posted message in
// window.__posted, keeps state in sessionStorage (so it survives a reload
// like VS Code's getState/setState), and window.__host.push(msg) delivers a
// HostMessage the way VS Code does (a `message` event on window).
(() => {
  const params = new URLSearchParams(location.search);
  const theme = params.get('theme') || 'dark';
  const classes = { dark: 'vscode-dark', light: 'vscode-light', hc: 'vscode-high-contrast' };
  document.documentElement.dataset.theme = theme;
  document.body.classList.add(classes[theme] || 'vscode-dark');
  if (theme === 'hc') document.body.classList.add('vscode-dark');

  window.__posted = [];
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample });
  });

  const KEY = 'elixir-agent-harness-state';
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi may only be called once');
    acquired = true;
    return Object.freeze({
      postMessage(message) {
        const copy = JSON.parse(JSON.stringify(message));
        window.__posted.push(copy);
        if (typeof window.__onPosted === 'function') void window.__onPosted(copy);
      },
      getState() {
        const raw = sessionStorage.getItem(KEY);
        return raw ? JSON.parse(raw) : undefined;
      },
      setState(state) {
        sessionStorage.setItem(KEY, JSON.stringify(state));
        return state;
      },
    });
  };
  // Like VS Code's webview host: a click on a link with an href never
  // navigates the webview; the host is asked to open the URL instead.
  window.__openedLinks = [];
  window.addEventListener('click', (e) => {
    for (const node of e.composedPath()) {
      if (node.tagName && node.tagName.toLowerCase() === 'a' && node.href) {
        window.__openedLinks.push(node.href);
        e.preventDefault();
        return;
      }
    }
  });
  window.__host = {
    push(message) {
      window.dispatchEvent(new MessageEvent('message', { data: message }));
    },
  };
})();
