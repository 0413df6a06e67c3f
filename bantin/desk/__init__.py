"""The editing desk: editors write, illustrate, translate and submit articles in the browser
(Decap CMS at /admin/ of `invoke livereload`) over the very files of content/.

Contract between the desk's page (bantin/desk/admin/, config.py) and its server (the rest):

Served by the preview server (`invoke livereload`, bantin/desk/server.py `preview_server`, on
127.0.0.1 only, same origin as the preview):
- `POST /admin/api/v1`: the CMS's proxy protocol as decap-server speaks it in git mode (request
  `{action, params}` with `params.branch` the checked-out branch; answers and error shapes as
  decap-server's: `{error}` with a 4xx status, 404 for an entry without a draft). Actions: info,
  entriesByFolder, entriesByFiles, getEntry, unpublishedEntries, unpublishedEntry,
  unpublishedEntryDataFile, unpublishedEntryMediaFile, deleteUnpublishedEntry, persistEntry,
  updateUnpublishedEntryStatus, publishUnpublishedEntry, getMedia, getMediaFile, persistMedia,
  deleteFile, deleteFiles, getDeployPreview (bantin/desk/api.py says what each does and what
  is refused: saving without review, media stored or deleted outside an entry's draft).
- `POST /admin/api/lint {path, raw}` -> `{findings: [{line, message, code, severity}]}`: the
  project's lint (bantin.lint) on that text as if it were the file at `path`; `raw` is the CMS's
  text (front matter) or the project's; lines are those of the file the desk would save;
  messages Vietnamese.
- `POST /admin/api/render {path, raw}` -> `{html}`: the body as the site's Markdown makes it
  (plugins.reader.markdown_for: figures and captions, typography), photos pointing at
  `GET /admin/api/media/<path of the photo>` (the entry's draft's photo, else the working tree's).
- `GET /admin/config.yml`: `bantin.desk.config.admin_config(settings, branch=<checked out>)`.
- `GET /admin/` and `/admin/<file>`: bantin/desk/admin/ (index.html, js, css);
  `GET /admin/vendor/<file>`: bantin/desk/node_modules/decap-cms/dist/ (the CMS's bundle).
Requests that change anything must be JSON from the desk's own origin on 127.0.0.1; bodies are
limited (DESK_MAX_REQUEST_BYTES for the protocol, 4 x MAX_SOURCE_BYTES for lint and render);
every refusal is `{"error": "<Vietnamese sentence>"}`, never a traceback.

What the CMS sees (bantin/desk/entries.py):
- collection `articles`, folder `content/articles`, path `{{year}}/{{slug}}/index`, i18n
  `multiple_files`, locales from EDITIONS (vi default, en): the CMS's `index.vi.md` is
  `index.md` on disk, `index.en.md` is itself; pages (`content/pages/<name>.vi.md` <-> `<name>.md`)
  likewise for a `pages` collection;
- an entry's text is YAML front matter with lowercase keys (title, date "YYYY-MM-DD HH:mm" in the
  site's time zone, category, tags as a list, author, summary, image = the share photo's file
  name, slug, and every other header key as written, e.g. lang, aliases, status), then the body;
  saving writes the project's `Key: value` header back, changing only the lines whose value
  changed, so an unchanged entry keeps its exact bytes; a new article gets `Slug:` = its folder;
- photos are files of the entry's folder (media_folder "" relative to the entry), sent with the
  entry (persistEntry assets), refused with the lint's own sentence when too large, not an image
  or badly named.

Editorial workflow, in git: a draft is branch `cms/<collection>/<slug>` where slug is the CMS's
entry slug (`cms/articles/2021/<slug>/index`), one commit on top of the checked-out branch made
with plumbing (the working tree, index and content/ untouched); its status is
`branch.<draft>.description` = "decap-cms/draft", "decap-cms/pending_review" or
"decap-cms/pending_publish", as decap-server keeps it. Publishing (status pending_publish only)
merges the draft into the checked-out branch and writes that entry's files alone into the working
tree; it is refused while those files have uncommitted changes.

Published online (DESK_BACKEND, online.py writes <output>/admin/): no server of the project is
behind the page, so admin/online.js does in the browser what entries.py and paths.py do here
(file names, the header format as the CMS's custom format "bantin-header", unchanged text
unchanged bytes, photos checked before upload), from the settings online.py writes into the page.
"""
