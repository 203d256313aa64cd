"""The HTML page shell shared by the loopback callback server and the results page.

Self-contained documents: inline CSS, no scripts, no external assets, every value
HTML-escaped, served with headers that forbid loading or running anything else.
"""

from __future__ import annotations

from html import escape

# Served with every page: nothing may load from elsewhere, nothing may run.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}

_CSS = """
:root { color-scheme: light dark; --fg: #1d2330; --muted: #5b6475; --bg: #f6f7f9;
  --card: #fff; --line: #e2e5ea; --pass: #1a7f37; --fail: #c62828; --warn: #9a6700;
  --info: #0969da; --skip: #6e7781; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6e9ef; --muted: #9aa3b2; --bg: #14171c; --card: #1c2027; --line: #2d333c;
    --pass: #3fb950; --fail: #ff7b72; --warn: #d29922; --info: #58a6ff; --skip: #8b949e; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 980px; margin: 0 auto; padding: 24px 16px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 10px; }
h3 { font-size: 15px; margin: 18px 0 6px; color: var(--muted); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: 14px 16px; }
.result { display: inline-block; font-weight: 700; padding: 2px 10px; border-radius: 6px;
  color: #fff; }
.result.pass { background: var(--pass); } .result.fail { background: var(--fail); }
.muted { color: var(--muted); }
table { width: 100%; border-collapse: collapse; }
td, th { text-align: left; vertical-align: top; padding: 6px 8px;
  border-top: 1px solid var(--line); }
tr:first-child td, tr:first-child th { border-top: 0; }
th { font-weight: 600; white-space: nowrap; width: 1%; }
code, pre { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { margin: 4px 0 0; white-space: pre-wrap; word-break: break-all; }
.status { display: inline-block; min-width: 44px; text-align: center; font-weight: 700;
  font-size: 12px; text-transform: uppercase; border-radius: 4px; padding: 1px 6px;
  border: 1px solid currentColor; }
.status.pass { color: var(--pass); } .status.fail { color: var(--fail); }
.status.warn { color: var(--warn); } .status.info { color: var(--info); }
.status.skip { color: var(--skip); }
.check-id { white-space: nowrap; }
.hint { margin-top: 4px; padding: 6px 10px; border-left: 3px solid var(--warn);
  background: color-mix(in srgb, var(--warn) 8%, transparent); }
.evidence { margin-top: 4px; color: var(--muted); }
.missing { color: var(--fail); font-weight: 600; }
footer { margin-top: 32px; font-size: 13px; }
"""


def page(title: str, body: str) -> str:
    """A complete HTML document around ``body`` (already HTML); ``title`` is escaped."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="referrer" content="no-referrer">\n<title>{escape(title)}</title>\n'
        f"<style>{_CSS}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def message_page(title: str, message: str, *, detail: str = "", refresh: int | None = None) -> str:
    """A short page: a heading and a paragraph (plain text, escaped); optional meta refresh."""
    extra = f'<p class="muted">{escape(detail)}</p>' if detail else ""
    html = page(
        title, f'<h1>{escape(title)}</h1>\n<div class="card"><p>{escape(message)}</p>{extra}</div>'
    )
    if refresh is not None:
        html = html.replace(
            "<head>\n", f'<head>\n<meta http-equiv="refresh" content="{refresh}">\n', 1
        )
    return html
