"""The `_headers` file for hosts that read one (Netlify, Cloudflare Pages), a post-build step.

It sends CONTENT_SECURITY_POLICY, the same value the templates put in their meta tag, plus
CONTENT_SECURITY_POLICY_HEADER_ONLY, which browsers ignore when it comes from a meta tag, and
SECURITY_HEADERS.
Hosts that do not read `_headers` (GitHub Pages) still get the policy from the meta tag.
"""

from pathlib import Path

from core.errors import Finding


def write_headers(output: Path, settings: dict) -> list[Finding]:
    """Write `<output>/_headers` applying the site's security headers to every path."""
    policy = settings.get("CONTENT_SECURITY_POLICY")
    if not policy:
        return [
            Finding("pelicanconf.py", None, "no-csp", "thiếu thiết lập CONTENT_SECURITY_POLICY")
        ]
    header_only = settings["CONTENT_SECURITY_POLICY_HEADER_ONLY"]
    lines = [
        "/*",
        f"  Content-Security-Policy: {policy.rstrip('; ')}; {header_only}",
        *(f"  {name}: {value}" for name, value in settings["SECURITY_HEADERS"].items()),
        "",
    ]
    (Path(output) / "_headers").write_text("\n".join(lines), encoding="utf-8")
    return []
