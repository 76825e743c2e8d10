// Chat webview entry (placeholder until the chat panel lands).
document.body.textContent = 'Elixir Agent';
