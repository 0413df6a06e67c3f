"""Old addresses keep working: `Aliases: /Pages/hoi-nghi.aspx, /tin-cu/hoi-nghi/` in an article or
page lists site paths that lead to it (an address before its title changed, the old portal's).

For each alias the build publishes
- a redirect page where a static host can serve HTML (a path ending in `/`, `.html` or without
  a suffix): meta refresh, rel=canonical, a visible link, `noindex`, the site's CSP; it is not a
  page of the site, so neither the sitemap nor the search index lists it;
- a line in `_redirects` (Netlify, Cloudflare Pages: `/old /new 301`) and in `_redirects.nginx`
  (an nginx `map` include) at the site's root, for every alias: only the host can answer a path
  such as `/Pages/hoi-nghi.aspx`, which a static host would not serve as a page.

The lint (bantin/lint.py) checks every alias with `core.aliases.alias_problem` and refuses one
claimed twice or taken by a page of the site.
"""

import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from pelican import signals

from core.aliases import alias_problem, parse_aliases, site_path
from core.editions import edition_folder

HOST_MAP = "_redirects"
NGINX_MAP = "_redirects.nginx"
# Suffixes a static host serves as a web page; any other (.aspx, .php) only the maps can answer.
HTML_SUFFIXES = ("", ".html", ".htm")
NOT_IN_NGINX_STRING = re.compile(r'["\\\x00-\x1f\x7f]')


def page_file(alias: str) -> str | None:
    """Where the redirect page of `alias` lives under the site's root, if a static host can
    serve it as HTML. Hosts look files up by the decoded path (`%C5%A9` is `ũ`); an alias whose
    decoding would make other folders (`%2F`, `..`) or odd names gets no page, only map lines."""
    path = unquote(site_path(alias))
    if NOT_IN_NGINX_STRING.search(path) or alias_problem(path.replace(" ", "-")) or (
            path.count("/") != site_path(alias).count("/")):
        return None
    if path.endswith("/"):
        return path.lstrip("/") + "index.html"
    return path.lstrip("/") if PurePosixPath(path).suffix.lower() in HTML_SUFFIXES else None


def publish_redirects(generators) -> None:
    """Write this edition's redirect pages and add its aliases to the site's map files."""
    settings = generators[0].settings
    env = next((g.env for g in generators if hasattr(g, "env")), None)
    lang = settings["DEFAULT_LANG"]
    output = Path(settings["OUTPUT_PATH"])
    root = output.parent if edition_folder(settings, lang) else output
    moves = []
    for generator in generators:
        for kind in ("articles", "hidden_articles", "pages", "hidden_pages"):
            for item in getattr(generator, kind, []):
                for alias in parse_aliases(getattr(item, "aliases", "")):
                    if alias_problem(alias) is None:  # the lint has said what is wrong
                        moves.append((site_path(alias), item))
    first = lang == settings["EDITIONS"][0]
    template = env.get_template("redirect.html") if env is not None and moves else None
    lines_host, lines_nginx = [], []
    for alias, item in moves:
        target = f"{settings['SITEURL']}/{item.url}"
        lines_host.append(f"{alias} {target} 301\n")
        # nginx's $uri is the path as asked, percent-decoded, with or without a folder's final
        # slash; an alias that would decode to a quote or a control character stays encoded.
        decoded = unquote(alias)
        asked = alias if NOT_IN_NGINX_STRING.search(decoded) else decoded
        for form in (asked, asked.rstrip("/")) if asked.endswith("/") else (asked,):
            lines_nginx.append(f'"{form}" "{target}";\n')
        file = page_file(alias)
        if file and not (root / file).exists():  # a real page is never replaced
            (root / file).parent.mkdir(parents=True, exist_ok=True)
            (root / file).write_text(template.render(
                **generators[0].context, target=target, title=item.title, redirect_lang=item.lang,
            ), encoding="utf-8")
    for name, lines in ((HOST_MAP, lines_host), (NGINX_MAP, lines_nginx)):
        path = root / name
        if first and path.exists():
            path.unlink()  # left by a previous build into the same folder
        if lines:
            root.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as stream:
                stream.writelines(lines)


def register() -> None:
    signals.all_generators_finalized.connect(publish_redirects)
