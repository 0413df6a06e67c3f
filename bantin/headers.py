"""The `_headers` file for hosts that read one (Netlify, Cloudflare Pages), a post-build step.

It sends CONTENT_SECURITY_POLICY, the same value the templates put in their meta tag, plus
`frame-ancestors`, which browsers ignore (with a console error) when it comes from a meta tag.
Hosts that do not read `_headers` (GitHub Pages) still get the policy from the meta tag.
"""

from pathlib import Path

from core.errors import Finding

HEADER_ONLY_DIRECTIVES = "frame-ancestors 'none'"


def write_headers(output: Path, settings: dict) -> list[Finding]:
    """Write `<output>/_headers` applying the site's security headers to every path."""
    policy = settings.get("CONTENT_SECURITY_POLICY")
    if not policy:
        return [
            Finding("pelicanconf.py", None, "no-csp", "thiếu thiết lập CONTENT_SECURITY_POLICY")
        ]
    lines = [
        "/*",
        f"  Content-Security-Policy: {policy.rstrip('; ')}; {HEADER_ONLY_DIRECTIVES}",
        "  X-Content-Type-Options: nosniff",
        "  Referrer-Policy: strict-origin-when-cross-origin",
        "",
    ]
    (Path(output) / "_headers").write_text("\n".join(lines), encoding="utf-8")
    return []
